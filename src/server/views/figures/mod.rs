//! The charts' figures, built on the server with the `plotly` crate and
//! shipped to the browser as JSON, where plotly.js draws them. Building them
//! here keeps the plotly crate (and a JSON serializer) out of the WebAssembly
//! bundle. Every number in a figure is also in a table on the same page.

mod benefit_risk;
mod efficacy;
mod safety;

pub use benefit_risk::benefit_risk;
pub use efficacy::{boundaries, conditional_power, forest, kaplan_meier};
pub use safety::{ae_dot_chart, cumulative_incidence, volcano, Differences};

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
/// A light blue (the Okabe-Ito blue, lightened) for a shaded band.
pub const LIGHT_BLUE: &str = "#A6CEE8";

/// Okabe-Ito colours for groups, in order.
pub(crate) const GROUPS: [&str; 6] = [BLUE, VERMILION, GREEN, "#CC79A7", "#E69F00", "#56B4E9"];

/// A legend that never covers data: one row above the plot area.
pub(crate) fn legend_above() -> Legend {
    Legend::new()
        .orientation(plotly::common::Orientation::Horizontal)
        .x(0.0)
        .x_anchor(plotly::common::Anchor::Left)
        .y(1.02)
        .y_anchor(plotly::common::Anchor::Bottom)
        // In the traces' order: plotly reverses it for filled (shaded)
        // traces unless told.
        .trace_order(plotly::layout::TraceOrder::Normal)
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
            .margin(Margin::new().left(50).right(20).top(40).bottom(50))
            .height(360)
            .x_axis(Axis::new().title(Title::with_text("Randomization date")))
            .y_axis(
                Axis::new()
                    .title(Title::with_text("Subjects enrolled"))
                    .range(vec![0.0, f64::from(data.target) * 1.05]),
            )
            .legend(legend_above()),
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
            .margin(Margin::new().left(50).right(20).top(40).bottom(50))
            .height(340)
            .x_axis(Axis::new().title(Title::with_text("Month (end)")))
            .y_axis(Axis::new().title(Title::with_text("Subjects randomized")))
            .legend(legend_above()),
    );
    plot.set_configuration(Configuration::new().display_logo(false).responsive(true));
    finish(&plot)
}
