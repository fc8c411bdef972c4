//! A drawn figure's text annotations (the layout's `annotations`): text at
//! a point of the axes or of the plot area, such as the numbers at risk
//! under a Kaplan-Meier plot's time axis.

use super::axis::Coord;
use super::{escape, Plot};
use serde_json::Value;
use std::fmt::Write;

pub(super) fn draw(s: &mut String, layout: &Value, plot: &Plot) {
    let Some(notes) = layout.get("annotations").and_then(Value::as_array) else {
        return;
    };
    for n in notes {
        let text = super::text_of(n.get("text"));
        if text.is_empty() {
            continue;
        }
        let coord = |v: Option<&Value>| match v {
            Some(Value::Number(x)) => x.as_f64().map(Coord::Number),
            Some(Value::String(c)) => Some(Coord::Category(c.clone())),
            _ => None,
        };
        let name = |k: &str, default: &'static str| -> String {
            n.get(k)
                .and_then(Value::as_str)
                .unwrap_or(default)
                .to_string()
        };
        let (Some(x), Some(y)) = (coord(n.get("x")), coord(n.get("y"))) else {
            continue;
        };
        let (Some(px), Some(py)) = (
            plot.x_pixel(&name("xref", "x"), &x),
            plot.y_pixel(&name("yref", "y"), &y),
        ) else {
            continue;
        };
        let px = px + n.get("xshift").and_then(Value::as_f64).unwrap_or(0.0);
        let anchor = match name("xanchor", "center").as_str() {
            "left" => "start",
            "right" => "end",
            _ => "middle",
        };
        let colour = n
            .get("font")
            .and_then(|f| f.get("color"))
            .and_then(Value::as_str)
            .unwrap_or("#222");
        // Plotly centres an annotation on its point; a baseline 4 px down
        // does the same for 11 px text.
        let _ = write!(
            s,
            r#"<text x="{px:.1}" y="{:.1}" text-anchor="{anchor}" fill="{}">{}</text>"#,
            py + 4.0,
            escape(colour),
            escape(&text)
        );
    }
}
