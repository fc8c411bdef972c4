//! The charts' figures, built on the server with the `plotly` crate and
//! shipped to the browser as JSON, where plotly.js draws them. Building them
//! here keeps the plotly crate (and a JSON serializer) out of the WebAssembly
//! bundle. Every number in a figure is also in a table on the same page.

use crate::dto::{EnrollmentSummary, Figure};
use plotly::common::{DashType, Line, LineShape, Mode, Title};
use plotly::layout::{Axis, Legend, Margin};
use plotly::{Configuration, Layout, Plot, Scatter};

/// `x` to 6 significant digits.
pub fn six_significant(x: f64) -> f64 {
    if x.is_finite() {
        format!("{x:.5e}").parse().unwrap_or(x)
    } else {
        x
    }
}

/// The figure as JSON, every number to 6 significant digits: a chart needs
/// no more, and the page carries the figure (the tables keep their own
/// precision).
pub(crate) fn finish(plot: &Plot) -> Figure {
    fn round(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Number(n) if n.is_f64() => {
                if let Some(x) = n.as_f64().filter(|x| x.is_finite()) {
                    if let Some(m) = serde_json::Number::from_f64(six_significant(x)) {
                        *n = m;
                    }
                }
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(round),
            serde_json::Value::Object(o) => o.values_mut().for_each(round),
            _ => {}
        }
    }
    let json = plot.to_json();
    match serde_json::from_str::<serde_json::Value>(&json) {
        Ok(mut v) => {
            round(&mut v);
            Figure(v.to_string())
        }
        Err(_) => Figure(json),
    }
}

/// Okabe-Ito colour-blind-safe palette.
pub const BLUE: &str = "#0072B2";
pub const VERMILION: &str = "#D55E00";
pub const GREEN: &str = "#009E73";
pub const BLACK: &str = "#000000";

/// Okabe-Ito colours for groups, in order.
pub(crate) const GROUPS: [&str; 6] = [BLUE, VERMILION, GREEN, "#CC79A7", "#E69F00", "#56B4E9"];

pub fn kaplan_meier(rows: &[crate::dto::KmRow], unit: &str) -> Figure {
    let mut plot = Plot::new();
    for (i, r) in rows.iter().enumerate() {
        let t: Vec<f64> = r.curve.iter().map(|p| p[0]).collect();
        let s: Vec<f64> = r.curve.iter().map(|p| p[1]).collect();
        plot.add_trace(
            Scatter::new(t, s)
                .mode(Mode::Lines)
                .line(
                    Line::new()
                        .shape(LineShape::Hv)
                        .color(GROUPS[i % GROUPS.len()])
                        .width(2.0),
                )
                .name(r.group.as_str()),
        );
    }
    plot.set_layout(
        Layout::new()
            .margin(Margin::new().left(50).right(20).top(20).bottom(50))
            .height(360)
            .x_axis(Axis::new().title(Title::with_text(unit)))
            .y_axis(
                Axis::new()
                    .title(Title::with_text("Event-free probability"))
                    .range(vec![0.0, 1.02]),
            )
            .legend(Legend::new().x(0.7).y(0.98)),
    );
    plot.set_configuration(Configuration::new().display_logo(false).responsive(true));
    finish(&plot)
}

pub fn forest(rows: &[crate::dto::ForestRow], measure: &str) -> Figure {
    use plotly::common::{ErrorData, ErrorType, Marker};
    use plotly::layout::AxisType;
    // plotly stacks categories from the bottom up: reversed, the chart
    // reads top-down in the table's order.
    let shown: Vec<&crate::dto::ForestRow> = rows
        .iter()
        .rev()
        .filter(|r| r.estimate.is_some() && r.ci95.is_some())
        .collect();
    let labels: Vec<String> = shown
        .iter()
        .map(|r| format!("{}: {}", r.variable, r.level))
        .collect();
    let est: Vec<f64> = shown.iter().filter_map(|r| r.estimate).collect();
    let plus: Vec<f64> = shown
        .iter()
        .map(|r| r.ci95.map_or(0.0, |c| c[1]) - r.estimate.unwrap_or(0.0))
        .collect();
    let minus: Vec<f64> = shown
        .iter()
        .map(|r| r.estimate.unwrap_or(0.0) - r.ci95.map_or(0.0, |c| c[0]))
        .collect();
    let ratio = measure.starts_with("hazard");
    let mut plot = Plot::new();
    plot.add_trace(
        Scatter::new(est, labels.clone())
            .mode(Mode::Markers)
            .marker(Marker::new().color(BLACK).size(9))
            .error_x(
                ErrorData::new(ErrorType::Data)
                    .array(plus)
                    .array_minus(minus)
                    .symmetric(false)
                    .color(BLACK),
            )
            .name("Estimate (95% CI)"),
    );
    let null = if ratio { 1.0 } else { 0.0 };
    if let (Some(first), Some(last)) = (labels.first(), labels.last()) {
        plot.add_trace(
            Scatter::new(vec![null, null], vec![first.clone(), last.clone()])
                .mode(Mode::Lines)
                .line(Line::new().dash(DashType::Dash).color(VERMILION))
                .name("No effect"),
        );
    }
    let mut x = Axis::new().title(Title::with_text(measure));
    if ratio {
        x = x.type_(AxisType::Log);
    }
    plot.set_layout(
        Layout::new()
            .margin(Margin::new().left(160).right(20).top(20).bottom(50))
            .height(80 + 28 * labels.len())
            .x_axis(x)
            .y_axis(Axis::new().auto_range(true))
            .show_legend(false),
    );
    plot.set_configuration(Configuration::new().display_logo(false).responsive(true));
    finish(&plot)
}

pub fn boundaries(data: &crate::dto::InterimView) -> Figure {
    use plotly::common::Marker;
    let t = data.fractions.clone();
    let mut plot = Plot::new();
    plot.add_trace(
        Scatter::new(t.clone(), data.efficacy_bounds.clone())
            .mode(Mode::LinesMarkers)
            .line(Line::new().color(VERMILION).width(2.0))
            .name("Efficacy boundary"),
    );
    if let Some(h) = &data.harm_bounds {
        plot.add_trace(
            Scatter::new(t.clone(), h.clone())
                .mode(Mode::LinesMarkers)
                .line(Line::new().color(VERMILION).width(2.0).dash(DashType::Dash))
                .name("Harm boundary"),
        );
    }
    if let Some(f) = data.futility_bound {
        plot.add_trace(
            Scatter::new(vec![t[data.look - 1]], vec![f])
                .mode(Mode::Markers)
                .marker(Marker::new().color(BLUE).size(10))
                .name("Futility bound"),
        );
    }
    // The observed path over the trial's cuts up to this one, from (0, 0):
    // z-statistics and B-values (z times the square root of the fraction).
    let mut t_path = vec![0.0];
    let mut z_path = vec![0.0];
    let mut b_path = vec![0.0];
    for p in &data.path {
        t_path.push(p.information_fraction);
        z_path.push(p.z);
        b_path.push(p.b_value);
    }
    if data.path.is_empty() {
        t_path.push(
            t.get(data.look - 1)
                .copied()
                .unwrap_or(data.information_fraction),
        );
        z_path.push(data.z);
        b_path.push(data.b_value);
    }
    plot.add_trace(
        Scatter::new(t_path.clone(), z_path)
            .mode(Mode::LinesMarkers)
            .line(Line::new().color(BLACK).dash(DashType::Dot))
            .marker(Marker::new().color(BLACK).size(9))
            .name(format!("Observed z (this cut {:.3})", data.z)),
    );
    plot.add_trace(
        Scatter::new(t_path, b_path)
            .mode(Mode::LinesMarkers)
            .line(Line::new().color(GREEN).dash(DashType::Dash))
            .marker(Marker::new().color(GREEN).size(7))
            .name("B-value"),
    );
    // The cut the DSMB last reviewed, ringed on the z path.
    if let Some(p) = data
        .reviewed_cut
        .as_ref()
        .and_then(|c| data.path.iter().find(|p| p.cut_date == *c))
    {
        plot.add_trace(
            Scatter::new(vec![p.information_fraction], vec![p.z])
                .mode(Mode::Markers)
                .marker(
                    Marker::new()
                        .color("rgba(0,0,0,0)")
                        .size(18)
                        .line(plotly::common::Line::new().color(BLUE).width(2.0)),
                )
                .name(format!("Last review (cut {}, z {:.3})", p.cut_date, p.z)),
        );
    }
    plot.set_layout(
        Layout::new()
            .margin(Margin::new().left(50).right(20).top(20).bottom(50))
            .height(360)
            .x_axis(
                Axis::new()
                    .title(Title::with_text("Information fraction"))
                    .range(vec![0.0, 1.05]),
            )
            .y_axis(Axis::new().title(Title::with_text("z-statistic")))
            .legend(Legend::new().x(0.6).y(0.98)),
    );
    plot.set_configuration(Configuration::new().display_logo(false).responsive(true));
    finish(&plot)
}

pub fn conditional_power(data: &crate::dto::InterimView) -> Figure {
    let x: Vec<f64> = data.curve.iter().map(|p| p.0).collect();
    let y: Vec<f64> = data.curve.iter().map(|p| p.1).collect();
    let mut plot = Plot::new();
    plot.add_trace(
        Scatter::new(x, y)
            .mode(Mode::Lines)
            .line(Line::new().color(GREEN).width(2.0))
            .name("Conditional power"),
    );
    plot.set_layout(
        Layout::new()
            .margin(Margin::new().left(50).right(20).top(20).bottom(50))
            .height(320)
            .x_axis(Axis::new().title(Title::with_text(data.effect_measure.as_str())))
            .y_axis(
                Axis::new()
                    .title(Title::with_text("Conditional power"))
                    .range(vec![0.0, 1.0]),
            )
            .show_legend(false),
    );
    plot.set_configuration(Configuration::new().display_logo(false).responsive(true));
    finish(&plot)
}

pub fn enrollment(data: &EnrollmentSummary) -> Figure {
    let dates: Vec<String> = data.cumulative.iter().map(|p| p.date.clone()).collect();
    let counts: Vec<u32> = data.cumulative.iter().map(|p| p.enrolled).collect();
    let mut plot = Plot::new();
    plot.add_trace(
        Scatter::new(dates.clone(), counts)
            .mode(Mode::Lines)
            .line(Line::new().shape(LineShape::Hv).color(BLUE).width(2.0))
            .name("Enrolled"),
    );
    let span = match (dates.first(), dates.last()) {
        (Some(a), Some(b)) => vec![a.clone(), b.clone()],
        _ => vec![],
    };
    plot.add_trace(
        Scatter::new(span, vec![data.target, data.target])
            .mode(Mode::Lines)
            .line(Line::new().dash(DashType::Dash).color(VERMILION).width(1.5))
            .name(format!("Target ({})", data.target)),
    );
    plot.set_layout(
        Layout::new()
            .margin(Margin::new().left(50).right(20).top(20).bottom(50))
            .height(360)
            .x_axis(Axis::new().title(Title::with_text("Randomization date")))
            .y_axis(
                Axis::new()
                    .title(Title::with_text("Subjects enrolled"))
                    .range(vec![0.0, f64::from(data.target) * 1.05]),
            )
            .legend(Legend::new().x(0.01).y(0.9)),
    );
    plot.set_configuration(Configuration::new().display_logo(false).responsive(true));
    finish(&plot)
}

/// A menu above a chart that shows one choice's traces at a time (plotly's
/// own control: no code of ours in the browser). `choices` are (label,
/// number of traces) in the order their traces were added; the caller
/// hides every choice's traces but the first's.
pub fn choice_menu(choices: &[(String, usize)]) -> plotly::layout::update_menu::UpdateMenu {
    use plotly::layout::update_menu::{Button, ButtonMethod, UpdateMenu};
    let total: usize = choices.iter().map(|c| c.1).sum();
    let mut first = 0;
    let mut buttons = Vec::new();
    for (label, n) in choices {
        let visible: Vec<bool> = (0..total).map(|i| i >= first && i < first + n).collect();
        buttons.push(
            Button::new()
                .label(label.as_str())
                .method(ButtonMethod::Restyle)
                .args(serde_json::json!([{ "visible": visible }])),
        );
        first += n;
    }
    UpdateMenu::new()
        .buttons(buttons)
        .x(0.0)
        .x_anchor(plotly::common::Anchor::Left)
        .y(1.18)
        .y_anchor(plotly::common::Anchor::Top)
}

/// Cumulative incidence by group, one safety category at a time: a menu
/// above the chart picks the category (plotly's own control, no script of
/// ours). The numbers are in the safety page's tables.
///
/// The day axis runs to the last tabulated day or the last event, whichever
/// is later; each curve stays flat after its last step for as long as its
/// group is followed.
pub fn cumulative_incidence(rows: &[crate::dto::ClosedSafetyRow], days: &[f64]) -> Figure {
    if rows.iter().all(|r| r.incidence.is_empty()) {
        return Figure::default();
    }
    let mut plot = Plot::new();
    let last_event = rows
        .iter()
        .flat_map(|r| r.incidence.iter())
        .filter_map(|i| i.steps.last().map(|p| p[0]))
        .fold(0.0, f64::max);
    let axis_end = days.iter().copied().fold(last_event, f64::max);
    for (k, r) in rows.iter().enumerate() {
        for (g, inc) in r.incidence.iter().enumerate() {
            let mut t: Vec<f64> = inc.steps.iter().map(|p| p[0]).collect();
            let mut y: Vec<f64> = inc.steps.iter().map(|p| p[1]).collect();
            let end = inc.end.min(axis_end);
            if let (Some(&lt), Some(&ly)) = (t.last(), y.last()) {
                if end > lt {
                    t.push(end);
                    y.push(ly);
                }
            }
            let mut trace = Scatter::new(t, y)
                .mode(Mode::Lines)
                .line(
                    Line::new()
                        .shape(LineShape::Hv)
                        .color(GROUPS[g % GROUPS.len()])
                        .width(2.0),
                )
                .name(inc.group.as_str());
            if k > 0 {
                trace = trace.visible(plotly::common::Visible::False);
            }
            plot.add_trace(trace);
        }
    }
    let choices: Vec<(String, usize)> = rows
        .iter()
        .map(|r| (r.category.clone(), r.incidence.len()))
        .collect();
    plot.set_layout(
        Layout::new()
            .margin(Margin::new().left(50).right(20).top(50).bottom(50))
            .height(360)
            .x_axis(
                Axis::new()
                    .title(Title::with_text("Study day (randomization = day 1)"))
                    .range(vec![0.0, axis_end * 1.02]),
            )
            .y_axis(Axis::new().title(Title::with_text("Cumulative incidence")))
            .legend(Legend::new().x(0.01).y(0.98))
            .update_menus(vec![choice_menu(&choices)]),
    );
    plot.set_configuration(Configuration::new().display_logo(false).responsive(true));
    finish(&plot)
}

/// Cumulative randomizations by group at month ends (closed views): the
/// balance of the randomization over time. The numbers are in the table
/// beside it.
pub fn enrollment_by_arm(months: &[String], groups: &[crate::dto::GroupCount]) -> Figure {
    use plotly::common::Marker;
    if months.is_empty() {
        return Figure::default();
    }
    let mut plot = Plot::new();
    for (g, group) in groups.iter().enumerate() {
        plot.add_trace(
            Scatter::new(months.to_vec(), group.cumulative.clone())
                .mode(Mode::LinesMarkers)
                .line(Line::new().color(GROUPS[g % GROUPS.len()]).width(2.0))
                .marker(Marker::new().size(4))
                .name(group.group.as_str()),
        );
    }
    plot.set_layout(
        Layout::new()
            .margin(Margin::new().left(50).right(20).top(20).bottom(50))
            .height(320)
            .x_axis(Axis::new().title(Title::with_text("Month (end)")))
            .y_axis(Axis::new().title(Title::with_text("Subjects randomized")))
            .legend(Legend::new().x(0.01).y(0.98)),
    );
    plot.set_configuration(Configuration::new().display_logo(false).responsive(true));
    finish(&plot)
}

/// An adverse-event dot chart (Harrell's): the most frequent terms down the
/// side; on the left each group's percent of subjects with the term, on the
/// right each comparison's risk difference (percentage points) with its
/// 95% interval. `terms` most frequent first; `groups` (name, percent per
/// term); `diffs` (label, difference and interval per term, fractions).
/// A comparison's label, the group whose colour it takes, and per term
/// its estimate and interval.
pub type Differences = (String, usize, Vec<Option<(f64, [f64; 2])>>);

pub fn ae_dot_chart(
    terms: &[String],
    groups: &[(String, Vec<f64>)],
    diffs: &[Differences],
) -> Figure {
    use plotly::common::{ErrorData, ErrorType, Marker, MarkerSymbol};
    // plotly stacks categories from the bottom up: reversed, the chart
    // reads top-down, most frequent first.
    let labels: Vec<String> = terms.iter().rev().cloned().collect();
    let mut plot = Plot::new();
    for (i, (name, pct)) in groups.iter().enumerate() {
        let x: Vec<f64> = pct.iter().rev().copied().collect();
        plot.add_trace(
            Scatter::new(x, labels.clone())
                .mode(Mode::Markers)
                .marker(
                    Marker::new()
                        .color(GROUPS[i % GROUPS.len()])
                        .size(9)
                        .symbol(MarkerSymbol::Circle),
                )
                .name(format!("{name}, %")),
        );
    }
    for (name, colour, d) in diffs {
        let shown: Vec<(String, (f64, [f64; 2]))> = d
            .iter()
            .rev()
            .zip(&labels)
            .filter_map(|(v, l)| v.map(|v| (l.clone(), v)))
            .collect();
        let y: Vec<String> = shown.iter().map(|(l, _)| l.clone()).collect();
        let x: Vec<f64> = shown.iter().map(|(_, v)| 100.0 * v.0).collect();
        let plus: Vec<f64> = shown.iter().map(|(_, v)| 100.0 * (v.1[1] - v.0)).collect();
        let minus: Vec<f64> = shown.iter().map(|(_, v)| 100.0 * (v.0 - v.1[0])).collect();
        plot.add_trace(
            Scatter::new(x, y)
                .mode(Mode::Markers)
                .x_axis("x2")
                .marker(
                    Marker::new()
                        .color(if diffs.len() == 1 {
                            BLACK
                        } else {
                            GROUPS[colour % GROUPS.len()]
                        })
                        .size(8)
                        .symbol(MarkerSymbol::Diamond),
                )
                .error_x(
                    ErrorData::new(ErrorType::Data)
                        .array(plus)
                        .array_minus(minus)
                        .symmetric(false),
                )
                .name(format!("{name} (95% CI)")),
        );
    }
    let two = !diffs.is_empty();
    let mut layout = Layout::new()
        .margin(Margin::new().left(220).right(20).top(20).bottom(90))
        .height(160 + 24 * labels.len())
        .x_axis(
            Axis::new()
                .title(Title::with_text("Subjects with the term, %"))
                .domain(if two { &[0.0, 0.48] } else { &[0.0, 1.0] })
                .zero_line(true),
        )
        .y_axis(Axis::new().auto_range(true))
        .legend(
            Legend::new()
                .orientation(plotly::common::Orientation::Horizontal)
                .y(-0.15),
        );
    if two {
        layout = layout.x_axis2(
            Axis::new()
                .title(Title::with_text("Risk difference, percentage points"))
                .domain(&[0.55, 1.0])
                .anchor("y")
                .zero_line(true)
                .zero_line_color(VERMILION),
        );
    }
    plot.set_layout(layout);
    plot.set_configuration(Configuration::new().display_logo(false).responsive(true));
    finish(&plot)
}
