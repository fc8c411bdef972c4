//! The safety page's figures: cumulative incidence by group, the
//! adverse-event dot chart and the signal screen's volcano plot.

use super::{choice_menu, finish, legend_above, BLACK, GROUPS, VERMILION};
use crate::dto::Figure;
use plotly::common::{Line, LineShape, Mode, Title};
use plotly::layout::{Axis, Legend, Margin};
use plotly::{Configuration, Layout, Plot, Scatter};

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
            .legend(
                legend_above()
                    .x(1.0)
                    .x_anchor(plotly::common::Anchor::Right),
            )
            .update_menus(vec![choice_menu(&choices)]),
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

/// The signal screen's volcano plot: each term's risk difference (x) against
/// −log10 of its p (y), the flagged terms in vermilion and labelled, the
/// rest grey. `points` are (term, difference, −log10 p, flagged).
pub fn volcano(points: &[(String, f64, f64, bool)], x_title: &str, fdr_percent: f64) -> Figure {
    use plotly::common::{Marker, Position};
    let mut plot = Plot::new();
    for flagged in [false, true] {
        let shown: Vec<&(String, f64, f64, bool)> =
            points.iter().filter(|p| p.3 == flagged).collect();
        if shown.is_empty() {
            continue;
        }
        let x: Vec<f64> = shown.iter().map(|p| p.1).collect();
        let y: Vec<f64> = shown.iter().map(|p| p.2).collect();
        let names: Vec<String> = shown.iter().map(|p| p.0.clone()).collect();
        let mut trace = Scatter::new(x, y)
            .marker(
                Marker::new()
                    .color(if flagged { VERMILION } else { "#999999" })
                    .size(if flagged { 10 } else { 7 }),
            )
            .hover_text_array(names.clone())
            .name(if flagged {
                format!("Flagged (adjusted p ≤ {fdr_percent:.0}%)")
            } else {
                "Not flagged".to_string()
            });
        trace = if flagged {
            trace
                .mode(Mode::MarkersText)
                .text_array(names)
                .text_position(Position::TopCenter)
        } else {
            trace.mode(Mode::Markers)
        };
        plot.add_trace(trace);
    }
    plot.set_layout(
        Layout::new()
            .legend(legend_above())
            .margin(Margin::new().left(70).right(30).top(50).bottom(60))
            .height(420)
            .x_axis(Axis::new().title(Title::with_text(x_title)).zero_line(true))
            .y_axis(
                Axis::new()
                    .title(Title::with_text("−log10 p (Fisher)"))
                    .range_mode(plotly::layout::RangeMode::ToZero),
            ),
    );
    plot.set_configuration(Configuration::new().display_logo(false).responsive(true));
    finish(&plot)
}
