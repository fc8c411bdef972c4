//! The efficacy page's figures: Kaplan-Meier with the numbers at risk,
//! the subgroups' forest plot, the group-sequential boundaries with the
//! observed path, and the conditional power curve.

use super::{finish, legend_above, BLACK, BLUE, GREEN, GROUPS, LIGHT_BLUE, VERMILION};
use crate::dto::Figure;
use plotly::common::{DashType, Line, LineShape, Mode, Title};
use plotly::layout::{Axis, Margin};
use plotly::{Configuration, Layout, Plot, Scatter};

/// The Kaplan-Meier curves of `rows`, each to its last follow-up time
/// with its censoring marks, the pointwise 95% bands one legend click away,
/// and the numbers at risk at `risk_times` under the time axis (`unit`).
pub fn kaplan_meier(rows: &[crate::dto::KmRow], risk_times: &[f64], unit: &str) -> Figure {
    use plotly::common::{Fill, Font, Marker, MarkerSymbol};
    use plotly::layout::Annotation;
    let mut plot = Plot::new();
    for (i, r) in rows.iter().enumerate() {
        let colour = GROUPS[i % GROUPS.len()];
        let group = format!("group{i}");
        // The band first, under the curve: the lower limit, then the upper
        // filled to it; hidden until its legend entry is clicked.
        let (bt, lo, hi): (Vec<f64>, Vec<f64>, Vec<f64>) = r.band.iter().fold(
            (Vec::new(), Vec::new(), Vec::new()),
            |(mut t, mut l, mut h), p| {
                t.push(p[0]);
                l.push(p[1]);
                h.push(p[2]);
                (t, l, h)
            },
        );
        let band_line = || Line::new().shape(LineShape::Hv).width(0.0).color(colour);
        plot.add_trace(
            Scatter::new(bt.clone(), lo)
                .mode(Mode::Lines)
                .line(band_line())
                .legend_group(&group)
                .show_legend(false)
                .visible(plotly::common::Visible::LegendOnly)
                .name(format!("{} 95% CI", r.group))
                .hover_info(plotly::common::HoverInfo::Skip),
        );
        plot.add_trace(
            Scatter::new(bt, hi)
                .mode(Mode::Lines)
                .line(band_line())
                .fill(Fill::ToNextY)
                .fill_color(format!("{colour}33"))
                .legend_group(&group)
                .visible(plotly::common::Visible::LegendOnly)
                .name(format!("{} 95% CI (log-log)", r.group)),
        );
        let t: Vec<f64> = r.curve.iter().map(|p| p[0]).collect();
        let s: Vec<f64> = r.curve.iter().map(|p| p[1]).collect();
        plot.add_trace(
            Scatter::new(t, s)
                .mode(Mode::Lines)
                .line(Line::new().shape(LineShape::Hv).color(colour).width(2.0))
                .name(r.group.as_str()),
        );
        let ct: Vec<f64> = r.censored.iter().map(|p| p[0]).collect();
        let cs: Vec<f64> = r.censored.iter().map(|p| p[1]).collect();
        plot.add_trace(
            Scatter::new(ct, cs)
                .mode(Mode::Markers)
                .marker(
                    Marker::new()
                        .symbol(MarkerSymbol::LineNSOpen)
                        .size(7)
                        .color(colour)
                        .line(plotly::common::Line::new().color(colour).width(1.0)),
                )
                .show_legend(false)
                .name(format!("{} censored", r.group)),
        );
    }
    // The numbers at risk: a heading, then one row a group, in the
    // group's colour, under the axis title.
    const ROW: f64 = 16.0;
    let (top, first_row) = (40.0, 58.0);
    let bottom = first_row + ROW * (rows.len() as f64 + 1.0);
    let height = 300.0 + bottom + top;
    let plot_h = height - top - bottom;
    let paper = |below: f64| -below / plot_h;
    let mut notes = vec![Annotation::new()
        .x_ref("paper")
        .x(0.0)
        .x_anchor(plotly::common::Anchor::Right)
        .y_ref("paper")
        .y(paper(first_row))
        .show_arrow(false)
        .x_shift(-22.0)
        .text("At risk")
        .font(Font::new().size(11))];
    for (i, r) in rows.iter().enumerate() {
        let colour = GROUPS[i % GROUPS.len()];
        let y = paper(first_row + ROW * (i as f64 + 1.0));
        notes.push(
            Annotation::new()
                .x_ref("paper")
                .x(0.0)
                .x_anchor(plotly::common::Anchor::Right)
                .y_ref("paper")
                .y(y)
                .x_shift(-22.0)
                .show_arrow(false)
                .text(short_label(&r.group))
                .font(Font::new().size(11).color(colour)),
        );
        for (t, n) in risk_times.iter().zip(&r.at_risk) {
            notes.push(
                Annotation::new()
                    .x_ref("x")
                    .x(*t)
                    .y_ref("paper")
                    .y(y)
                    .show_arrow(false)
                    .text(n.to_string())
                    .font(Font::new().size(11).color(colour)),
            );
        }
    }
    let longest = rows
        .iter()
        .filter_map(|r| r.curve.last().map(|p| p[0]))
        .chain(risk_times.iter().copied())
        .fold(0.0_f64, f64::max);
    // The group's name sits 22 px left of the axis, in 11 px type (about
    // 7 px a character in the SVG drawer's font, 6.5 in plotly's).
    let left = 30.0
        + 7.0
            * rows
                .iter()
                .map(|r| short_label(&r.group).chars().count())
                .max()
                .unwrap_or(6)
                .max(7) as f64;
    plot.set_layout(
        Layout::new()
            .margin(
                Margin::new()
                    .left(left.max(60.0) as usize)
                    .right(20)
                    .top(top as usize)
                    .bottom(bottom as usize),
            )
            .height(height as usize)
            .x_axis(
                Axis::new()
                    .title(Title::with_text(unit))
                    .range(vec![0.0, longest * 1.02]),
            )
            .y_axis(
                Axis::new()
                    .title(Title::with_text("Event-free probability"))
                    .range(vec![0.0, 1.02]),
            )
            .legend(legend_above())
            .annotations(notes),
    );
    plot.set_configuration(Configuration::new().display_logo(false).responsive(true));
    finish(&plot)
}

/// A group's name short enough to label a row of numbers at risk.
/// A group's name beside its numbers at risk: whole up to 24 characters
/// (every arm of both demos), the margin widened to hold it.
fn short_label(name: &str) -> String {
    if name.chars().count() <= 24 {
        name.to_string()
    } else {
        format!("{}…", name.chars().take(23).collect::<String>())
    }
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
        .map(|r| format!("{}: {}", r.label, r.level))
        .collect();
    // Room for the longest label (about 7 px a character at plotly's and
    // the SVG drawer's 12 px), within bounds.
    let left = labels
        .iter()
        .map(|l| 24.0 + 7.0 * l.chars().count() as f64)
        .fold(100.0_f64, f64::max)
        .min(340.0) as usize;
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
            .margin(Margin::new().left(left).right(20).top(20).bottom(50))
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
    // The plot runs half a unit past every bound and every observed z, so
    // that the regions beyond the bounds show as regions.
    let zs = data
        .path
        .iter()
        .map(|p| p.z)
        .chain([data.z, 0.0])
        .chain(data.bounds.iter().filter_map(|r| r.futility_cp_z));
    let all = data
        .efficacy_bounds
        .iter()
        .copied()
        .chain(data.harm_bounds.iter().flatten().copied())
        .chain(zs)
        .filter(|v| v.is_finite());
    let (low, high) = all.fold((0.0_f64, 0.0_f64), |(a, b), v| (a.min(v), b.max(v)));
    let (y_bottom, y_top) = (low - 0.5, high + 0.5);
    let edge = |y: f64| {
        Scatter::new(t.clone(), vec![y; t.len()])
            .mode(Mode::Lines)
            .line(Line::new().width(0.0).color(VERMILION))
            .show_legend(false)
            .hover_info(plotly::common::HoverInfo::Skip)
    };
    // The efficacy region: from the bound up, shaded.
    plot.add_trace(edge(y_top));
    plot.add_trace(
        Scatter::new(t.clone(), data.efficacy_bounds.clone())
            .mode(Mode::LinesMarkers)
            .line(Line::new().color(VERMILION).width(2.0))
            .fill(plotly::common::Fill::ToNextY)
            .fill_color("rgba(213,94,0,0.10)")
            .name("Efficacy boundary (stop above)"),
    );
    if let Some(h) = &data.harm_bounds {
        // The harm region: from the bound down, shaded.
        plot.add_trace(
            Scatter::new(t.clone(), h.clone())
                .mode(Mode::LinesMarkers)
                .line(Line::new().color(VERMILION).width(2.0).dash(DashType::Dash))
                .name("Harm boundary (stop below)"),
        );
        plot.add_trace(
            edge(y_bottom)
                .fill(plotly::common::Fill::ToNextY)
                .fill_color("rgba(213,94,0,0.18)"),
        );
    }
    // The conditional-power guideline on the z scale at the looks before
    // the last: at each, the band from the plot's floor up to the z below
    // which conditional power under the current trend is under the
    // threshold (one look's region is a band, not an area between looks).
    let guideline: Vec<(f64, f64)> = data
        .bounds
        .iter()
        .filter_map(|r| r.futility_cp_z.map(|z| (r.information_fraction, z)))
        .collect();
    if !guideline.is_empty() {
        let name = match data.cp_threshold {
            Some(g) => format!(
                "Futility region (conditional power, trend, below {:.0}%)",
                100.0 * g
            ),
            None => "Futility region (conditional-power guideline)".into(),
        };
        for (i, &(t, z)) in guideline.iter().enumerate() {
            plot.add_trace(
                Scatter::new(vec![t, t], vec![y_bottom, z])
                    .mode(Mode::Lines)
                    .line(Line::new().color(LIGHT_BLUE).width(12.0))
                    .legend_group("futility")
                    .show_legend(i == 0)
                    .hover_info(plotly::common::HoverInfo::Skip)
                    .name(name.as_str()),
            );
        }
        let (gt, gz): (Vec<f64>, Vec<f64>) = guideline.into_iter().unzip();
        plot.add_trace(
            Scatter::new(gt, gz)
                .mode(Mode::LinesMarkers)
                .line(Line::new().color(BLUE).width(1.5).dash(DashType::DashDot))
                .marker(Marker::new().color(BLUE).size(8))
                .legend_group("futility")
                .show_legend(false)
                .name("Futility guideline (z)"),
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
            .margin(Margin::new().left(50).right(20).top(60).bottom(50))
            .height(400)
            .x_axis(
                Axis::new()
                    .title(Title::with_text("Information fraction"))
                    .range(vec![0.0, 1.05]),
            )
            .y_axis(
                Axis::new()
                    .title(Title::with_text("z-statistic"))
                    .range(vec![y_bottom, y_top]),
            )
            .legend(legend_above()),
    );
    plot.set_configuration(Configuration::new().display_logo(false).responsive(true));
    finish(&plot)
}

/// Conditional power over a range of effects, with the observed effect,
/// the design's and the null marked as vertical lines, and the futility
/// guideline's threshold as a horizontal one.
pub fn conditional_power(data: &crate::dto::InterimView) -> Figure {
    let x: Vec<f64> = data.curve.iter().map(|p| p.0).collect();
    let y: Vec<f64> = data.curve.iter().map(|p| p.1).collect();
    let (lo, hi) = x
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
            (a.min(v), b.max(v))
        });
    let mut plot = Plot::new();
    plot.add_trace(
        Scatter::new(x, y)
            .mode(Mode::Lines)
            .line(Line::new().color(GREEN).width(2.0))
            .name("Conditional power"),
    );
    let mut mark = |at: f64, name: String, colour: &'static str, dash: DashType| {
        if at.is_finite() && at >= lo && at <= hi {
            plot.add_trace(
                Scatter::new(vec![at, at], vec![0.0, 1.0])
                    .mode(Mode::Lines)
                    .line(Line::new().color(colour).width(1.5).dash(dash))
                    .name(name),
            );
        }
    };
    if let Some(e) = &data.cp_effects {
        mark(
            e.observed,
            format!("Observed ({:.3})", e.observed),
            BLACK,
            DashType::Solid,
        );
        if let Some(d) = e.design {
            mark(d, format!("Design ({d:.3})"), BLUE, DashType::Dash);
        }
        mark(
            e.null,
            format!("Null ({:.3})", e.null),
            "#777777",
            DashType::Dot,
        );
    }
    if let (Some(g), true) = (data.cp_threshold, lo.is_finite()) {
        plot.add_trace(
            Scatter::new(vec![lo, hi], vec![g, g])
                .mode(Mode::Lines)
                .line(
                    Line::new()
                        .color(VERMILION)
                        .width(1.5)
                        .dash(DashType::DashDot),
                )
                .name(format!("Futility guideline (CP {:.0}%)", g * 100.0)),
        );
    }
    plot.set_layout(
        Layout::new()
            .margin(Margin::new().left(50).right(20).top(40).bottom(50))
            .height(340)
            .x_axis(Axis::new().title(Title::with_text(data.effect_measure.as_str())))
            .y_axis(
                Axis::new()
                    .title(Title::with_text("Conditional power"))
                    .range(vec![0.0, 1.0]),
            )
            .legend(legend_above()),
    );
    plot.set_configuration(Configuration::new().display_logo(false).responsive(true));
    finish(&plot)
}
