//! The report documents' charts: a page's plotly figure (the JSON the
//! screen hands to plotly.js) drawn as SVG on the server, so the document
//! shows the same figure data as the screen, as vector graphics.
//!
//! It draws what the app's figures use (`views::figures`,
//! `views::labs::figures`): scatter traces as lines (linear or step),
//! markers (one size or one per point, with their opacity), text at points,
//! horizontal and vertical error bars; linear, log, date and category axes;
//! a second x axis beside the first (its `domain`); the layout's margins,
//! height, axis titles and ranges; a legend outside the plot area, where the
//! layout puts it (`legend.rs`); text annotations, such as the numbers at
//! risk under a time axis (`notes.rs`); tick marks (censoring) as markers.

mod axis;
mod legend;
mod notes;

use crate::dto::Figure;
pub use crate::server::views::xml_escape as escape;
use axis::{axis, ticks, Axis, Coord};
use serde_json::Value;
use std::fmt::Write;

/// One trace, as drawn.
struct Trace {
    x: Vec<Option<Coord>>,
    y: Vec<Option<Coord>>,
    lines: bool,
    markers: bool,
    step: bool,
    dash: Option<&'static str>,
    color: String,
    width: f64,
    marker_size: f64,
    name: String,
    legend: bool,
    x_axis: usize,
    error_plus: Vec<f64>,
    error_minus: Vec<f64>,
    /// Vertical error bars: above and below each point.
    error_up: Vec<f64>,
    error_down: Vec<f64>,
    /// One marker size per point (else `marker_size`).
    sizes: Vec<f64>,
    opacity: f64,
    /// Text drawn at each point (mode "text"), centred on it or, with
    /// `textposition` "top ...", above its marker.
    labels: Vec<String>,
    label_above: bool,
    /// Markers drawn as vertical ticks (`line-ns-open`: censoring marks).
    tick: bool,
    /// Filled to the trace drawn before it (`fill: tonexty`), in this
    /// colour (a region beyond a boundary).
    fill: Option<String>,
}

/// An error bar's pluses and minuses: `array`, and `arrayminus` or the same.
fn error_bars(error: Option<&Value>) -> (Vec<f64>, Vec<f64>) {
    let plus = numbers(error.and_then(|e| e.get("array")));
    let minus = match error.and_then(|e| e.get("arrayminus")) {
        Some(m) => numbers(Some(m)),
        None => plus.clone(),
    };
    (plus, minus)
}

fn coords(v: Option<&Value>) -> Vec<Option<Coord>> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|x| match x {
                    Value::Number(n) => n.as_f64().map(Coord::Number),
                    Value::String(s) => Some(Coord::Category(s.clone())),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default()
}

fn numbers(v: Option<&Value>) -> Vec<f64> {
    v.and_then(Value::as_array)
        .map(|a| a.iter().map(|x| x.as_f64().unwrap_or(0.0)).collect())
        .unwrap_or_default()
}

pub(super) fn text_of(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Object(o)) => text_of(o.get("text")),
        _ => String::new(),
    }
}

const PALETTE: [&str; 6] = [
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9",
];

fn traces(data: &[Value]) -> Vec<Trace> {
    data.iter()
        // A trace the screen starts hidden (behind a menu) is not drawn.
        .filter(|t| {
            !matches!(t.get("visible"), Some(Value::Bool(false)))
                && t.get("visible").and_then(Value::as_str) != Some("legendonly")
        })
        .enumerate()
        .map(|(i, t)| {
            let mode = t.get("mode").and_then(Value::as_str).unwrap_or("lines");
            let line = t.get("line");
            let marker = t.get("marker");
            let color = line
                .and_then(|l| l.get("color"))
                .or_else(|| marker.and_then(|m| m.get("color")))
                .and_then(Value::as_str)
                .unwrap_or(PALETTE[i % PALETTE.len()])
                .to_string();
            let dash = match line.and_then(|l| l.get("dash")).and_then(Value::as_str) {
                Some("dash") => Some("6 4"),
                Some("dot") => Some("2 3"),
                Some("dashdot") => Some("6 3 2 3"),
                _ => None,
            };
            let (plus, minus) = error_bars(t.get("error_x"));
            let (up, down) = error_bars(t.get("error_y"));
            let size = marker.and_then(|m| m.get("size"));
            Trace {
                x: coords(t.get("x")),
                y: coords(t.get("y")),
                lines: mode.contains("lines"),
                markers: mode.contains("markers"),
                step: line.and_then(|l| l.get("shape")).and_then(Value::as_str) == Some("hv"),
                dash,
                color,
                width: line
                    .and_then(|l| l.get("width"))
                    .and_then(Value::as_f64)
                    .unwrap_or(1.5),
                marker_size: size.and_then(Value::as_f64).unwrap_or(6.0),
                sizes: numbers(size.filter(|v| v.is_array())),
                opacity: marker
                    .and_then(|m| m.get("opacity"))
                    .and_then(Value::as_f64)
                    .unwrap_or(1.0),
                labels: if mode.contains("text") {
                    t.get("text")
                        .and_then(Value::as_array)
                        .map(|a| a.iter().map(|x| text_of(Some(x))).collect())
                        .unwrap_or_default()
                } else {
                    Vec::new()
                },
                label_above: t
                    .get("textposition")
                    .and_then(Value::as_str)
                    .is_some_and(|p| p.starts_with("top")),
                name: text_of(t.get("name")),
                legend: t.get("showlegend").and_then(Value::as_bool) != Some(false),
                x_axis: usize::from(t.get("xaxis").and_then(Value::as_str) == Some("x2")),
                error_plus: plus,
                error_minus: minus,
                error_up: up,
                error_down: down,
                tick: marker.and_then(|m| m.get("symbol")).and_then(Value::as_str)
                    == Some("line-ns-open"),
                fill: (t.get("fill").and_then(Value::as_str) == Some("tonexty"))
                    .then(|| t.get("fillcolor").and_then(Value::as_str))
                    .flatten()
                    .map(str::to_string),
            }
        })
        .collect()
}

fn margin(layout: &Value, side: &str, default: f64) -> f64 {
    layout
        .get("margin")
        .and_then(|m| m.get(side))
        .and_then(Value::as_f64)
        .unwrap_or(default)
}

/// The figure as an SVG `width` pixels wide (its layout's height), or
/// `None` when it has nothing to draw.
pub fn svg(figure: &Figure, width: f64) -> Option<String> {
    let v: Value = serde_json::from_str(&figure.0).ok()?;
    let data = v.get("data")?.as_array()?;
    let traces = traces(data);
    if traces.iter().all(|t| t.x.is_empty()) {
        return None;
    }
    let empty = Value::Null;
    let layout = v.get("layout").unwrap_or(&empty);
    let legend = legend::Legend::of(layout, &traces, width);
    let plot = Plot::of(layout, &traces, width, legend.as_ref());
    let mut s = String::new();
    let (width, height) = (plot.width, plot.height);
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" font-family="sans-serif" font-size="11">"#
    );
    let _ = write!(
        s,
        r#"<rect width="{width}" height="{height}" fill="white"/>"#
    );
    plot.frame(&mut s);
    for (i, t) in traces.iter().enumerate() {
        if let (Some(colour), Some(before)) = (&t.fill, i.checked_sub(1).map(|j| &traces[j])) {
            plot.region(&mut s, before, t, colour);
        }
    }
    for t in &traces {
        plot.trace(&mut s, t);
    }
    notes::draw(&mut s, layout, &plot);
    if let Some(l) = &legend {
        l.draw(&mut s, &plot);
    }
    s.push_str("</svg>");
    Some(s)
}

/// Where a figure is drawn: the SVG's size, the plot area inside its
/// margins, the x axes (x, and x2 beside it) and the y axis.
pub(super) struct Plot {
    width: f64,
    height: f64,
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
    xs: Vec<Axis>,
    y: Axis,
}

impl Plot {
    /// The pixel of `x` on the axis named `xref` (`x`, `x2`) or on the
    /// plot area's width (`paper`, 0 to 1).
    fn x_pixel(&self, xref: &str, x: &Coord) -> Option<f64> {
        match (xref, x) {
            ("paper", Coord::Number(u)) => Some(self.left + u * (self.right - self.left)),
            ("x2", _) => self.xs.get(1).and_then(|a| a.place(x)),
            (_, _) => self.xs.first().and_then(|a| a.place(x)),
        }
    }

    /// The pixel of `y` on the y axis or on the plot area's height
    /// (`paper`, 0 at the bottom, 1 at the top; below 0 is under the axis).
    fn y_pixel(&self, yref: &str, y: &Coord) -> Option<f64> {
        match (yref, y) {
            ("paper", Coord::Number(u)) => Some(self.bottom - u * (self.bottom - self.top)),
            (_, _) => self.y.place(y),
        }
    }
}

impl Plot {
    /// The plot of `traces` under `layout`, `width` pixels wide, its
    /// margins grown where they must hold the `legend`.
    fn of(layout: &Value, traces: &[Trace], width: f64, legend: Option<&legend::Legend>) -> Plot {
        let height = layout
            .get("height")
            .and_then(Value::as_f64)
            .unwrap_or(360.0);
        let (l, r, mut t, mut b) = (
            margin(layout, "l", 60.0),
            margin(layout, "r", 20.0),
            margin(layout, "t", 20.0),
            margin(layout, "b", 50.0),
        );
        match legend.map(|g| (g.place, g.height())) {
            Some((legend::Place::Above, h)) => t = t.max(h + 8.0),
            Some((legend::Place::Below, h)) => b = b.max(legend::BELOW_AXIS + h + 8.0),
            None => {}
        }
        let (left, right, top, bottom) = (l, width - r, t, height - b);
        let xs = x_axes(layout, traces, left, (right - left).max(10.0));
        let y = y_axis(layout, traces, bottom, top);
        Plot {
            width,
            height,
            left,
            right,
            top,
            bottom,
            xs,
            y,
        }
    }

    /// The grid, the ticks and the axis titles.
    fn frame(&self, s: &mut String) {
        let Plot {
            height: _,
            left,
            top,
            bottom,
            ref xs,
            ref y,
            ..
        } = *self;
        for (u, label) in ticks(y) {
            let py = y.pixel(u);
            for x in xs {
                let _ = write!(
                    s,
                    r##"<line x1="{:.1}" y1="{py:.1}" x2="{:.1}" y2="{py:.1}" stroke="#e5e5e5"/>"##,
                    x.from, x.to
                );
            }
            let _ = write!(
                s,
                r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
                left - 6.0,
                py + 4.0,
                escape(&label)
            );
        }
        for x in xs {
            for (u, label) in ticks(x) {
                let px = x.pixel(u);
                let _ = write!(
                    s,
                    r##"<line x1="{px:.1}" y1="{top:.1}" x2="{px:.1}" y2="{bottom:.1}" stroke="#e5e5e5"/><text x="{px:.1}" y="{:.1}" text-anchor="middle">{}</text>"##,
                    bottom + 16.0,
                    escape(&label)
                );
            }
            let _ = write!(
                s,
                r##"<line x1="{:.1}" y1="{bottom:.1}" x2="{:.1}" y2="{bottom:.1}" stroke="#444"/><text x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"##,
                x.from,
                x.to,
                (x.from + x.to) / 2.0,
                bottom + 36.0,
                escape(&x.title)
            );
        }
        let _ = write!(
            s,
            r##"<line x1="{left:.1}" y1="{top:.1}" x2="{left:.1}" y2="{bottom:.1}" stroke="#444"/><text transform="translate(14 {:.1}) rotate(-90)" text-anchor="middle">{}</text>"##,
            (top + bottom) / 2.0,
            escape(&y.title)
        );
    }

    /// The region between two traces (their points joined, the second's
    /// reversed), filled with `colour`; drawn under every line.
    fn region(&self, s: &mut String, a: &Trace, b: &Trace, colour: &str) {
        let x = &self.xs[a.x_axis.min(self.xs.len() - 1)];
        let pixels = |t: &Trace| -> Vec<(f64, f64)> {
            t.x.iter()
                .zip(&t.y)
                .filter_map(|(u, v)| Some((x.place(u.as_ref()?)?, self.y.place(v.as_ref()?)?)))
                .collect()
        };
        let mut points = pixels(a);
        points.extend(pixels(b).into_iter().rev());
        if points.len() < 3 {
            return;
        }
        let d: Vec<String> = points
            .iter()
            .map(|(px, py)| format!("{px:.1},{py:.1}"))
            .collect();
        let _ = write!(
            s,
            r#"<polygon points="{}" fill="{}" stroke="none"/>"#,
            d.join(" "),
            escape(colour)
        );
    }

    /// One trace: its line, then each point's error bars, marker and text.
    fn trace(&self, s: &mut String, t: &Trace) {
        let (xs, y) = (&self.xs, &self.y);
        let x = &xs[t.x_axis.min(xs.len() - 1)];
        let points: Vec<Option<(f64, f64)>> =
            t.x.iter()
                .zip(&t.y)
                .map(|(a, b)| Some((x.place(a.as_ref()?)?, y.place(b.as_ref()?)?)))
                .collect();
        if t.lines {
            let mut d = String::new();
            let mut last: Option<(f64, f64)> = None;
            for p in &points {
                match (p, last) {
                    (Some((px, py)), None) => {
                        let _ = write!(d, "M{px:.1} {py:.1}");
                    }
                    (Some((px, py)), Some((_, ly))) if t.step => {
                        let _ = write!(d, "H{px:.1}V{py:.1}");
                        let _ = ly;
                    }
                    (Some((px, py)), Some(_)) => {
                        let _ = write!(d, "L{px:.1} {py:.1}");
                    }
                    (None, _) => {}
                }
                last = *p;
            }
            let dash = t
                .dash
                .map(|d| format!(r#" stroke-dasharray="{d}""#))
                .unwrap_or_default();
            let _ = write!(
                s,
                r#"<path d="{d}" fill="none" stroke="{}" stroke-width="{}"{dash}/>"#,
                escape(&t.color),
                t.width
            );
        }
        for (i, p) in points.iter().enumerate() {
            let Some((px, py)) = p else { continue };
            if !t.error_plus.is_empty() {
                if let Some(Some(Coord::Number(v))) = t.x.get(i) {
                    let hi = x.place(&Coord::Number(
                        v + t.error_plus.get(i).copied().unwrap_or(0.0),
                    ));
                    let lo = x.place(&Coord::Number(
                        v - t.error_minus.get(i).copied().unwrap_or(0.0),
                    ));
                    if let (Some(hi), Some(lo)) = (hi, lo) {
                        let _ = write!(
                            s,
                            r#"<path d="M{lo:.1} {py:.1}H{hi:.1}M{lo:.1} {:.1}V{:.1}M{hi:.1} {:.1}V{:.1}" stroke="{}" fill="none"/>"#,
                            py - 4.0,
                            py + 4.0,
                            py - 4.0,
                            py + 4.0,
                            escape(&t.color)
                        );
                    }
                }
            }
            if !t.error_up.is_empty() {
                if let Some(Some(Coord::Number(v))) = t.y.get(i) {
                    let hi = y.place(&Coord::Number(
                        v + t.error_up.get(i).copied().unwrap_or(0.0),
                    ));
                    let lo = y.place(&Coord::Number(
                        v - t.error_down.get(i).copied().unwrap_or(0.0),
                    ));
                    if let (Some(hi), Some(lo)) = (hi, lo) {
                        let _ = write!(
                            s,
                            r#"<path d="M{px:.1} {lo:.1}V{hi:.1}M{:.1} {lo:.1}H{:.1}M{:.1} {hi:.1}H{:.1}" stroke="{}" fill="none"/>"#,
                            px - 4.0,
                            px + 4.0,
                            px - 4.0,
                            px + 4.0,
                            escape(&t.color)
                        );
                    }
                }
            }
            if t.markers && t.tick {
                let half = t.marker_size / 2.0;
                let _ = write!(
                    s,
                    r#"<line x1="{px:.1}" y1="{:.1}" x2="{px:.1}" y2="{:.1}" stroke="{}"/>"#,
                    py - half,
                    py + half,
                    escape(&t.color)
                );
            } else if t.markers {
                let size = t.sizes.get(i).copied().unwrap_or(t.marker_size);
                let opacity = if t.opacity < 1.0 {
                    format!(r#" fill-opacity="{:.2}""#, t.opacity)
                } else {
                    String::new()
                };
                let _ = write!(
                    s,
                    r#"<circle cx="{px:.1}" cy="{py:.1}" r="{:.1}" fill="{}"{opacity}/>"#,
                    size / 2.0,
                    escape(&t.color)
                );
            }
            if let Some(label) = t.labels.get(i).filter(|l| !l.is_empty()) {
                let y = if t.label_above {
                    py - t.sizes.get(i).copied().unwrap_or(t.marker_size) / 2.0 - 3.0
                } else {
                    py + 4.0
                };
                let _ = write!(
                    s,
                    r##"<text x="{px:.1}" y="{y:.1}" text-anchor="middle" fill="#555">{}</text>"##,
                    escape(label)
                );
            }
        }
    }
}

/// The x axes (x, and x2 when a trace is drawn on it) over their domains
/// of the plot's width `plot_w` from `left`.
fn x_axes(layout: &Value, traces: &[Trace], left: f64, plot_w: f64) -> Vec<Axis> {
    let domain = |key: &str, default: [f64; 2]| -> [f64; 2] {
        layout
            .get(key)
            .and_then(|a| a.get("domain"))
            .and_then(Value::as_array)
            .filter(|d| d.len() == 2)
            .map_or(default, |d| {
                [d[0].as_f64().unwrap_or(0.0), d[1].as_f64().unwrap_or(1.0)]
            })
    };
    let has_x2 = traces.iter().any(|t| t.x_axis == 1);
    let mut xs = Vec::new();
    for (k, key) in ["xaxis", "xaxis2"].iter().enumerate() {
        if k == 1 && !has_x2 {
            break;
        }
        let d = domain(
            key,
            if has_x2 && k == 0 {
                [0.0, 0.48]
            } else {
                [0.52, 1.0]
            },
        );
        let d = if has_x2 { d } else { [0.0, 1.0] };
        let values: Vec<&Coord> = traces
            .iter()
            .filter(|t| t.x_axis == k)
            .flat_map(|t| t.x.iter().flatten())
            .collect();
        let extra: Vec<f64> = traces
            .iter()
            .filter(|t| t.x_axis == k)
            .flat_map(|t| {
                t.x.iter().enumerate().filter_map(move |(i, x)| match x {
                    Some(Coord::Number(v)) if !t.error_plus.is_empty() => Some([
                        v + t.error_plus.get(i).copied().unwrap_or(0.0),
                        v - t.error_minus.get(i).copied().unwrap_or(0.0),
                    ]),
                    _ => None,
                })
            })
            .flatten()
            .collect();
        xs.push(axis(
            layout.get(*key),
            values,
            &extra,
            left + d[0] * plot_w,
            left + d[1] * plot_w,
        ));
    }
    xs
}

/// The y axis, from `bottom` up to `top`, over the values and their error
/// bars.
fn y_axis(layout: &Value, traces: &[Trace], bottom: f64, top: f64) -> Axis {
    let y_values: Vec<&Coord> = traces.iter().flat_map(|t| t.y.iter().flatten()).collect();
    let y_extra: Vec<f64> = traces
        .iter()
        .filter(|t| !t.error_up.is_empty())
        .flat_map(|t| {
            t.y.iter().enumerate().filter_map(move |(i, y)| match y {
                Some(Coord::Number(v)) => Some([
                    v + t.error_up.get(i).copied().unwrap_or(0.0),
                    v - t.error_down.get(i).copied().unwrap_or(0.0),
                ]),
                _ => None,
            })
        })
        .flatten()
        .collect();
    let y = axis(layout.get("yaxis"), y_values, &y_extra, bottom, top);

    y
}

#[cfg(test)]
mod tests;
