//! The benefit-risk chart: wins, losses and ties at each level of the
//! hierarchy.

use super::{finish, legend_above, BLUE, VERMILION};
use crate::dto::Figure;
use crate::server::report::benefit_risk::BenefitRiskResult;
use plotly::common::{Line, Mode, Title};
use plotly::layout::{Axis, Margin};
use plotly::{Configuration, Layout, Plot, Scatter};

/// A bar's row: label, wins, losses and ties (% of all pairs).
type Row = (String, f64, f64, f64);
/// Where a segment of a row's bar starts and ends.
type Segment<'a> = &'a dyn Fn(&Row) -> (f64, f64);

/// Grey for pairs still tied.
const GREY: &str = "#BBBBBB";

/// Wins, losses and pairs still tied at each level (and overall), as
/// horizontal bars on the share of all pairs, top-down in the hierarchy's
/// order. Bars are wide lines, which the documents' SVG drawer draws too.
pub fn benefit_risk(b: &BenefitRiskResult, pairs: u64) -> Figure {
    let pct = |k: u64| {
        if pairs == 0 {
            0.0
        } else {
            100.0 * k as f64 / pairs as f64
        }
    };
    let mut rows: Vec<Row> = Vec::new();
    let mut reached = pairs;
    for l in &b.levels {
        let tied = reached - l.wins - l.losses;
        rows.push((l.name.clone(), pct(l.wins), pct(l.losses), pct(tied)));
        reached = tied;
    }
    rows.push(("Overall".into(), pct(b.wins), pct(b.losses), pct(b.ties)));
    rows.reverse();
    let labels: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
    let left = labels
        .iter()
        .map(|l| 24.0 + 7.0 * l.chars().count() as f64)
        .fold(100.0_f64, f64::max)
        .min(340.0) as usize;
    let mut plot = Plot::new();
    let segments = |from: Segment| {
        let (mut xs, mut ys) = (Vec::new(), Vec::new());
        for r in &rows {
            let (a, b) = from(r);
            xs.extend([Some(a), Some(b), None]);
            ys.extend([Some(r.0.clone()), Some(r.0.clone()), None]);
        }
        (xs, ys)
    };
    let bars: [(&str, &str, Segment); 3] = [
        ("Wins", BLUE, &|r| (0.0, r.1)),
        ("Losses", VERMILION, &|r| (r.1, r.1 + r.2)),
        ("Tied", GREY, &|r| (r.1 + r.2, r.1 + r.2 + r.3)),
    ];
    for (name, colour, from) in bars {
        let (xs, ys) = segments(from);
        plot.add_trace(
            Scatter::new(xs, ys)
                .mode(Mode::Lines)
                .line(Line::new().color(colour).width(18.0))
                .name(name),
        );
    }
    plot.set_layout(
        Layout::new()
            .legend(legend_above())
            .margin(Margin::new().left(left).right(20).top(40).bottom(50))
            .height(100 + 34 * labels.len())
            .x_axis(
                Axis::new()
                    .title(Title::with_text("% of all pairs"))
                    .range(vec![0.0, 100.0]),
            )
            .y_axis(Axis::new().auto_range(true)),
    );
    plot.set_configuration(Configuration::new().display_logo(false).responsive(true));
    finish(&plot)
}
