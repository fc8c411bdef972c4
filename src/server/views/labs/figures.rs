//! The laboratory section's figures: the eDISH plot (one trace per group,
//! binned beyond what a screen can show), the values by visit (a menu picks
//! the parameter), and a subject's lab profile. Reference lines and the
//! quadrants' names are traces in data coordinates, so the log axes place
//! them without plotly's per-feature rules for log coordinates.

use crate::dto::Figure;
use crate::server::firewall::ArmNames;
use crate::server::report::labs::{LabProfile, LabReport, Quartiles, ALT_AST_XULN, BILI_XULN};
use crate::server::views::figures::{
    choice_menu, finish, legend_above, BLACK, GROUPS as GROUP_COLOURS,
};
use plotly::common::{DashType, ErrorData, ErrorType, Line, Marker, Mode, Title, Visible};
use plotly::layout::{Axis, AxisType, Margin};
use plotly::{Configuration, Layout, Plot, Scatter};
use std::collections::BTreeMap;

/// Beyond this many subjects on the plot, points are binned.
pub const EDISH_POINTS: usize = 4000;

/// Bins per decade on each axis when binned.
const BINS_PER_DECADE: f64 = 40.0;

/// The smallest ratio drawn (values at or below it are drawn at it: a log
/// axis has no zero).
const FLOOR: f64 = 0.01;

fn reference_lines(plot: &mut Plot, x: (f64, f64), y: (f64, f64)) {
    let dash = |xs: Vec<f64>, ys: Vec<f64>, name: &str| {
        Scatter::new(xs, ys)
            .mode(Mode::Lines)
            .line(Line::new().color(BLACK).width(1.0).dash(DashType::Dash))
            .name(name)
            .show_legend(false)
            .hover_info(plotly::common::HoverInfo::Skip)
    };
    plot.add_trace(dash(
        vec![ALT_AST_XULN, ALT_AST_XULN],
        vec![y.0, y.1],
        "3× ULN",
    ));
    plot.add_trace(dash(vec![x.0, x.1], vec![BILI_XULN, BILI_XULN], "2× ULN"));
}

/// The eDISH plot of the closed report's points, groups in `order`; with
/// the note saying how it bins, when it does.
pub fn edish(labs: &LabReport, names: &ArmNames, order: &[String]) -> (Figure, Option<String>) {
    if labs.points.is_empty() {
        return (Figure::default(), None);
    }
    let binned = labs.points.len() > EDISH_POINTS;
    let mut plot = Plot::new();
    let clamp = |v: f64| v.max(FLOOR);
    let (mut x_max, mut y_max) = (ALT_AST_XULN * 3.0, BILI_XULN * 3.0);
    let (mut x_min, mut y_min) = (1.0f64, 1.0f64);
    for p in &labs.points {
        x_max = x_max.max(p.x);
        y_max = y_max.max(p.y);
        x_min = x_min.min(clamp(p.x));
        y_min = y_min.min(clamp(p.y));
    }
    let (x_range, y_range) = ((x_min / 1.5, x_max * 1.5), (y_min / 1.5, y_max * 1.5));
    for (g, code) in order.iter().enumerate() {
        let mine = labs.points.iter().filter(|p| &p.arm == code);
        let colour = GROUP_COLOURS[g % GROUP_COLOURS.len()];
        let (xs, ys, text, sizes): (Vec<f64>, Vec<f64>, Vec<String>, Vec<usize>) = if binned {
            // Points outside the normal range are drawn one by one; the
            // normal range's are counted in cells of 1/40 decade.
            let mut cells: BTreeMap<(i64, i64), usize> = BTreeMap::new();
            let (mut xs, mut ys, mut text, mut sizes) = (vec![], vec![], vec![], vec![]);
            for p in mine {
                if p.x >= ALT_AST_XULN || p.y >= BILI_XULN {
                    xs.push(clamp(p.x));
                    ys.push(clamp(p.y));
                    text.push(p.usubjid.clone());
                    sizes.push(6);
                } else {
                    let cell = |v: f64| (clamp(v).log10() * BINS_PER_DECADE).round() as i64;
                    *cells.entry((cell(p.x), cell(p.y))).or_default() += 1;
                }
            }
            for ((cx, cy), n) in cells {
                xs.push(10f64.powf(cx as f64 / BINS_PER_DECADE));
                ys.push(10f64.powf(cy as f64 / BINS_PER_DECADE));
                text.push(format!("{n} subjects"));
                sizes.push(if n > 20 {
                    9
                } else if n > 3 {
                    7
                } else {
                    5
                });
            }
            (xs, ys, text, sizes)
        } else {
            let mut out = (vec![], vec![], vec![], vec![]);
            for p in mine {
                out.0.push(clamp(p.x));
                out.1.push(clamp(p.y));
                out.2.push(p.usubjid.clone());
                out.3.push(6);
            }
            out
        };
        plot.add_trace(
            Scatter::new(xs, ys)
                .mode(Mode::Markers)
                .marker(Marker::new().color(colour).size_array(sizes).opacity(0.7))
                .text_array(text)
                .name(names.name(code).as_str()),
        );
    }
    reference_lines(&mut plot, x_range, y_range);
    // The quadrants' names along the 2x ULN line, at the plot's left and
    // right edges: clear of the legend in either top corner.
    let (right, left) = (x_range.1 / 1.6, x_range.0 * 1.6);
    let (above, below) = (BILI_XULN * 1.25, BILI_XULN / 1.25);
    let labels = [
        ((right, above), "Hy's law range"),
        ((right, below), "Temple's corollary"),
        ((left, above), "Cholestasis"),
        ((left, below), "Normal range"),
    ];
    plot.add_trace(
        Scatter::new(
            labels.iter().map(|l| l.0 .0).collect(),
            labels.iter().map(|l| l.0 .1).collect(),
        )
        .mode(Mode::Text)
        .text_array(labels.iter().map(|l| l.1.to_string()).collect())
        .show_legend(false)
        .hover_info(plotly::common::HoverInfo::Skip)
        .name("quadrants"),
    );
    let log = |t: &str, r: (f64, f64)| {
        Axis::new()
            .type_(AxisType::Log)
            .title(Title::with_text(t))
            .range(vec![r.0.log10(), r.1.log10()])
    };
    plot.set_layout(
        Layout::new()
            .margin(Margin::new().left(60).right(20).top(40).bottom(50))
            .height(440)
            .x_axis(log(
                &format!("Peak {} or {} (× ULN)", labs.liver[0], labs.liver[1]),
                x_range,
            ))
            .y_axis(log(&format!("Peak {} (× ULN)", labs.liver[2]), y_range))
            .legend(legend_above()),
    );
    plot.set_configuration(Configuration::new().display_logo(false).responsive(true));
    let note = binned.then(|| {
        format!(
            "{} subjects: beyond {EDISH_POINTS} the normal range is drawn in cells of 1/{BINS_PER_DECADE} decade (hover for the count); every subject outside it is drawn. The counts in the table are exact.",
            labs.points.len()
        )
    });
    (finish(&plot), note)
}

/// A visit's number, name and summary.
pub type VisitPoint = (f64, String, Quartiles);

/// One parameter's medians and quartiles by visit, per group (display
/// order).
pub struct TrendSeries {
    pub param: String,
    pub uln: Option<f64>,
    /// (group name, its visits).
    pub groups: Vec<(String, Vec<VisitPoint>)>,
}

/// Each parameter's chart alone, named by the parameter: the report
/// documents draw them one after the other.
pub fn one_chart_each(series: &[TrendSeries]) -> Vec<(String, Figure)> {
    series
        .iter()
        .map(|s| (s.param.clone(), trends(std::slice::from_ref(s))))
        .filter(|(_, f)| !f.0.is_empty())
        .collect()
}

/// Median (Q1–Q3) by visit and group, one parameter at a time: a menu above
/// the chart picks it (plotly's own control) when there are several. The
/// numbers are in the table.
pub fn trends(series: &[TrendSeries]) -> Figure {
    if series
        .iter()
        .all(|s| s.groups.iter().all(|g| g.1.is_empty()))
    {
        return Figure::default();
    }
    let mut plot = Plot::new();
    for (k, s) in series.iter().enumerate() {
        for (g, (name, points)) in s.groups.iter().enumerate() {
            // Visits side by side: each group a little apart.
            let shift = (g as f64 - (s.groups.len() as f64 - 1.0) / 2.0) * 0.15;
            let x: Vec<f64> = points.iter().map(|p| p.0 + shift).collect();
            let y: Vec<f64> = points.iter().map(|p| p.2.median).collect();
            let up: Vec<f64> = points.iter().map(|p| p.2.q3 - p.2.median).collect();
            let down: Vec<f64> = points.iter().map(|p| p.2.median - p.2.q1).collect();
            let mut trace = Scatter::new(x, y)
                .mode(Mode::LinesMarkers)
                .line(
                    Line::new()
                        .color(GROUP_COLOURS[g % GROUP_COLOURS.len()])
                        .width(2.0),
                )
                .error_y(
                    ErrorData::new(ErrorType::Data)
                        .array(up)
                        .array_minus(down)
                        .symmetric(false),
                )
                .text_array(
                    points
                        .iter()
                        .map(|p| format!("{}: n = {}", p.1, p.2.n))
                        .collect(),
                )
                .name(format!("{} ({})", name, s.param).as_str());
            if k > 0 {
                trace = trace.visible(Visible::False);
            }
            plot.add_trace(trace);
        }
    }
    let mut layout = Layout::new()
        .margin(Margin::new().left(50).right(20).top(50).bottom(50))
        .height(360)
        .x_axis(Axis::new().title(Title::with_text("Visit")))
        .y_axis(Axis::new().title(Title::with_text(match series {
            [one] => format!("{}: median (Q1–Q3)", one.param),
            _ => "Median (Q1–Q3)".to_string(),
        })))
        .legend(
            legend_above()
                .x(1.0)
                .x_anchor(plotly::common::Anchor::Right),
        );
    if series.len() > 1 {
        let choices: Vec<(String, usize)> = series
            .iter()
            .map(|s| (s.param.clone(), s.groups.len()))
            .collect();
        layout = layout.update_menus(vec![choice_menu(&choices)]);
    }
    plot.set_layout(layout);
    plot.set_configuration(Configuration::new().display_logo(false).responsive(true));
    finish(&plot)
}

/// A subject's liver tests over study days in multiples of the ULN, with
/// the reference lines, the adverse events' onsets and the death.
pub fn profile(p: &LabProfile) -> Figure {
    let mut plot = Plot::new();
    let mut y_max: f64 = BILI_XULN * 2.0;
    let mut y_min: f64 = 1.0;
    let mut last_day: i64 = 1;
    // The liver tests in multiples of their upper limit of normal (the
    // other parameters are in the table, in their units).
    for (i, s) in p.series.iter().filter(|s| s.liver).enumerate() {
        let points: Vec<(i64, f64)> = s
            .points
            .iter()
            .filter_map(|q| Some((q.day, q.xuln()?)))
            .collect();
        let x: Vec<f64> = points.iter().map(|q| q.0 as f64).collect();
        let y: Vec<f64> = points.iter().map(|q| q.1.max(FLOOR)).collect();
        for &(day, xuln) in &points {
            y_max = y_max.max(xuln);
            y_min = y_min.min(xuln.max(FLOOR));
            last_day = last_day.max(day);
        }
        plot.add_trace(
            Scatter::new(x, y)
                .mode(Mode::LinesMarkers)
                .line(
                    Line::new()
                        .color(GROUP_COLOURS[i % GROUP_COLOURS.len()])
                        .width(2.0),
                )
                .name(s.param.as_str()),
        );
    }
    let days: Vec<i64> = p
        .events
        .iter()
        .filter_map(|e| e.day)
        .chain(p.death_day)
        .collect();
    for d in &days {
        last_day = last_day.max(*d);
    }
    let (lo, hi) = (y_min / 1.5, y_max * 1.5);
    let x_range = (0.0, last_day as f64 + 2.0);
    for (level, name) in [(ALT_AST_XULN, "3× ULN"), (BILI_XULN, "2× ULN")] {
        plot.add_trace(
            Scatter::new(vec![x_range.0, x_range.1], vec![level, level])
                .mode(Mode::Lines)
                .line(Line::new().color(BLACK).width(1.0).dash(DashType::Dash))
                .name(name)
                .show_legend(false)
                .hover_info(plotly::common::HoverInfo::Skip),
        );
    }
    if !p.events.is_empty() {
        let dated: Vec<&crate::server::report::labs::ProfileEvent> =
            p.events.iter().filter(|e| e.day.is_some()).collect();
        plot.add_trace(
            Scatter::new(
                dated
                    .iter()
                    .filter_map(|e| e.day.map(|d| d as f64))
                    .collect(),
                vec![hi / 1.2; dated.len()],
            )
            .mode(Mode::Markers)
            .marker(
                Marker::new()
                    .color(BLACK)
                    .symbol(plotly::common::MarkerSymbol::TriangleDown)
                    .size(9),
            )
            .text_array(dated.iter().map(|e| e.term.clone()).collect())
            .name("Adverse event"),
        );
    }
    if let Some(d) = p.death_day {
        plot.add_trace(
            Scatter::new(vec![d as f64, d as f64], vec![lo, hi])
                .mode(Mode::Lines)
                .line(Line::new().color(BLACK).width(2.0))
                .name("Death"),
        );
    }
    plot.set_layout(
        Layout::new()
            .margin(Margin::new().left(60).right(20).top(40).bottom(50))
            .height(380)
            .x_axis(
                Axis::new()
                    .title(Title::with_text("Study day (randomization = day 1)"))
                    .range(vec![x_range.0, x_range.1]),
            )
            .y_axis(
                Axis::new()
                    .type_(AxisType::Log)
                    .title(Title::with_text("× ULN"))
                    .range(vec![lo.log10(), hi.log10()]),
            )
            .legend(legend_above()),
    );
    plot.set_configuration(Configuration::new().display_logo(false).responsive(true));
    finish(&plot)
}
