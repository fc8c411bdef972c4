//! A drawn figure's legend, outside the plot area so that it never covers
//! data: in rows above the plot when the layout puts it above (`y` ≥ 1),
//! in rows under the axis when it puts it below (`y` < 0). A layout that
//! asks for a legend inside the plot gets it above too.

use super::{escape, Plot, Trace};
use serde_json::Value;
use std::fmt::Write;

/// Where the legend goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Place {
    Above,
    Below,
}

/// From the axis line to the first row of a legend below it (under the
/// tick labels and the axis title).
pub(super) const BELOW_AXIS: f64 = 46.0;
const ROW: f64 = 16.0;
const CHAR: f64 = 6.2;
/// The key (a line or a marker) and the gap before the name.
const KEY: f64 = 30.0;
const GAP: f64 = 14.0;

struct Entry {
    name: String,
    color: String,
    marker_only: bool,
    dash: Option<&'static str>,
}

pub(super) struct Legend {
    pub(super) place: Place,
    entries: Vec<Entry>,
    /// The entries of each row, in order, for a figure `width` wide.
    rows: Vec<Vec<usize>>,
}

impl Legend {
    /// The legend of `traces` under `layout` in a figure `width` pixels
    /// wide: `None` when the layout hides it or only one trace is named.
    pub(super) fn of(layout: &Value, traces: &[Trace], width: f64) -> Option<Legend> {
        if layout.get("showlegend").and_then(Value::as_bool) == Some(false) {
            return None;
        }
        let entries: Vec<Entry> = traces
            .iter()
            .filter(|t| t.legend && !t.name.is_empty())
            .map(|t| Entry {
                name: t.name.clone(),
                color: t.color.clone(),
                marker_only: t.markers && !t.lines,
                dash: t.dash,
            })
            .collect();
        if entries.len() < 2 {
            return None;
        }
        let y = layout
            .get("legend")
            .and_then(|l| l.get("y"))
            .and_then(Value::as_f64);
        let place = match y {
            Some(y) if y < 0.0 => Place::Below,
            _ => Place::Above,
        };
        let room = (width - 20.0).max(100.0);
        let mut rows: Vec<Vec<usize>> = vec![Vec::new()];
        let mut used = 0.0;
        for (i, e) in entries.iter().enumerate() {
            let w = entry_width(e);
            let row = rows.last_mut().expect("one row at least");
            if !row.is_empty() && used + w > room {
                rows.push(vec![i]);
                used = w;
            } else {
                row.push(i);
                used += w;
            }
        }
        Some(Legend {
            place,
            entries,
            rows,
        })
    }

    /// The height its rows take.
    pub(super) fn height(&self) -> f64 {
        ROW * self.rows.len() as f64
    }

    /// The legend's box: left, top, width, height.
    pub(super) fn bounds(&self, plot: &Plot) -> (f64, f64, f64, f64) {
        let widest = self
            .rows
            .iter()
            .map(|r| {
                r.iter()
                    .map(|&i| entry_width(&self.entries[i]))
                    .sum::<f64>()
            })
            .fold(0.0, f64::max);
        let top = match self.place {
            Place::Above => plot.top - self.height() - 6.0,
            Place::Below => plot.bottom + BELOW_AXIS,
        };
        (plot.left, top, widest, self.height())
    }

    pub(super) fn draw(&self, s: &mut String, plot: &Plot) {
        let (left, top, _, _) = self.bounds(plot);
        for (r, row) in self.rows.iter().enumerate() {
            let baseline = top + ROW * r as f64 + 12.0;
            let mut x = left;
            for &i in row {
                let e = &self.entries[i];
                let mid = baseline - 4.0;
                if e.marker_only {
                    let _ = write!(
                        s,
                        r#"<circle cx="{:.1}" cy="{mid:.1}" r="3.5" fill="{}"/>"#,
                        x + 12.0,
                        escape(&e.color)
                    );
                } else {
                    let dash = e
                        .dash
                        .map(|d| format!(r#" stroke-dasharray="{d}""#))
                        .unwrap_or_default();
                    let _ = write!(
                        s,
                        r#"<line x1="{:.1}" y1="{mid:.1}" x2="{:.1}" y2="{mid:.1}" stroke="{}" stroke-width="2"{dash}/>"#,
                        x + 2.0,
                        x + 24.0,
                        escape(&e.color)
                    );
                }
                let _ = write!(
                    s,
                    r#"<text x="{:.1}" y="{baseline:.1}">{}</text>"#,
                    x + KEY - 2.0,
                    escape(&e.name)
                );
                x += entry_width(e);
            }
        }
    }
}

fn entry_width(e: &Entry) -> f64 {
    KEY + CHAR * e.name.chars().count() as f64 + GAP
}
