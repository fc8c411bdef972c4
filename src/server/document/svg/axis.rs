//! The axes of a chart: values as numbers, dates or categories, the
//! scales (linear, log, date, category), ranges and round ticks.

use super::text_of;
use serde_json::Value;

/// A value on an axis before it is placed: a number, a date (days since
/// 1970-01-01) or a category label.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Coord {
    Number(f64),
    Category(String),
}

#[derive(Clone, Copy, PartialEq)]
pub(super) enum Scale {
    Linear,
    Log,
    Date,
    Category,
}

/// An axis: its scale, its range in axis units (log10 for a log axis) and,
/// on screen, the pixels it spans.
pub(super) struct Axis {
    pub(super) scale: Scale,
    pub(super) lo: f64,
    pub(super) hi: f64,
    pub(super) from: f64,
    pub(super) to: f64,
    pub(super) categories: Vec<String>,
    pub(super) title: String,
}

impl Axis {
    pub(super) fn unit(&self, c: &Coord) -> Option<f64> {
        match (c, self.scale) {
            (Coord::Number(v), Scale::Log) => (*v > 0.0).then(|| v.log10()),
            (Coord::Number(v), _) => Some(*v),
            (Coord::Category(s), Scale::Category) => self
                .categories
                .iter()
                .position(|c| c == s)
                .map(|i| i as f64),
            (Coord::Category(s), Scale::Date) => date_days(s),
            (Coord::Category(_), _) => None,
        }
    }

    pub(super) fn pixel(&self, u: f64) -> f64 {
        let span = if self.hi > self.lo {
            self.hi - self.lo
        } else {
            1.0
        };
        self.from + (u - self.lo) / span * (self.to - self.from)
    }

    pub(super) fn place(&self, c: &Coord) -> Option<f64> {
        self.unit(c).map(|u| self.pixel(u))
    }
}

/// Days since 1970-01-01 of `YYYY-MM-DD` or `YYYY-MM` (the month's first).
pub(super) fn date_days(s: &str) -> Option<f64> {
    let mut parts = s.split('-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: i64 = parts.next()?.parse().ok()?;
    let d: i64 = match parts.next() {
        Some(d) => d.get(..2).unwrap_or(d).parse().ok()?,
        None => 1,
    };
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || s.len() < 7 {
        return None;
    }
    // Days from civil (proleptic Gregorian).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some((era * 146_097 + doe - 719_468) as f64)
}

/// `YYYY-MM` of a day count.
pub(super) fn month_text(days: f64) -> String {
    let z = days.floor() as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}")
}

/// The scale of an axis from its layout and its values.
pub(super) fn scale_of(layout: Option<&Value>, values: &[&Coord]) -> Scale {
    if layout.and_then(|l| l.get("type")).and_then(Value::as_str) == Some("log") {
        return Scale::Log;
    }
    let texts: Vec<&str> = values
        .iter()
        .filter_map(|c| match c {
            Coord::Category(s) => Some(s.as_str()),
            Coord::Number(_) => None,
        })
        .collect();
    if texts.is_empty() {
        Scale::Linear
    } else if texts.iter().all(|s| date_days(s).is_some()) {
        Scale::Date
    } else {
        Scale::Category
    }
}

/// An axis over `values` (and error bars), in its layout's range if given.
pub(super) fn axis(
    layout: Option<&Value>,
    values: Vec<&Coord>,
    extra: &[f64],
    from: f64,
    to: f64,
) -> Axis {
    let scale = scale_of(layout, &values);
    let mut categories: Vec<String> = Vec::new();
    if scale == Scale::Category {
        for v in &values {
            if let Coord::Category(s) = v {
                if !categories.contains(s) {
                    categories.push(s.clone());
                }
            }
        }
    }
    let mut probe = Axis {
        scale,
        lo: 0.0,
        hi: 1.0,
        from,
        to,
        categories,
        title: text_of(layout.and_then(|l| l.get("title"))),
    };
    let range = layout
        .and_then(|l| l.get("range"))
        .and_then(Value::as_array)
        .filter(|r| r.len() == 2)
        .and_then(|r| Some((r[0].as_f64()?, r[1].as_f64()?)));
    if let Some((lo, hi)) = range {
        (probe.lo, probe.hi) = match scale {
            Scale::Log => (lo, hi), // plotly gives a log axis's range in log10
            _ => (lo, hi),
        };
        return probe;
    }
    if scale == Scale::Category {
        probe.lo = -0.5;
        probe.hi = probe.categories.len() as f64 - 0.5;
        return probe;
    }
    let mut units: Vec<f64> = values.iter().filter_map(|c| probe.unit(c)).collect();
    units.extend(extra.iter().filter_map(|v| match scale {
        Scale::Log => (*v > 0.0).then(|| v.log10()),
        _ => Some(*v),
    }));
    let lo = units.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = units.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if lo.is_finite() && hi.is_finite() {
        let pad = if hi > lo { (hi - lo) * 0.05 } else { 1.0 };
        probe.lo = lo - pad;
        probe.hi = hi + pad;
    }
    probe
}

/// Round tick steps (1, 2, 5 times a power of ten) over `[lo, hi]`.
pub(super) fn linear_ticks(lo: f64, hi: f64) -> Vec<f64> {
    if hi.partial_cmp(&lo) != Some(std::cmp::Ordering::Greater) {
        return vec![lo];
    }
    let raw = (hi - lo) / 6.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    (first..=last).map(|k| k as f64 * step).collect()
}

pub(super) fn number_text(v: f64) -> String {
    let s = format!("{:.6}", v);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

/// Ticks of an axis as (axis unit, label).
pub(super) fn ticks(a: &Axis) -> Vec<(f64, String)> {
    match a.scale {
        Scale::Linear => linear_ticks(a.lo, a.hi)
            .into_iter()
            .map(|t| (t, number_text(t)))
            .collect(),
        Scale::Log => {
            let mut out = Vec::new();
            let (lo, hi) = (a.lo.floor() as i32, a.hi.ceil() as i32);
            for e in lo..=hi {
                for m in [1.0, 2.0, 5.0] {
                    let v = m * 10f64.powi(e);
                    let u = v.log10();
                    if u >= a.lo && u <= a.hi {
                        out.push((u, number_text(v)));
                    }
                }
            }
            out
        }
        Scale::Date => {
            // Month starts, thinned to at most about 8.
            let (mut months, mut d) = (Vec::new(), a.lo);
            while d <= a.hi && months.len() < 2_000 {
                let m = month_text(d);
                let start = date_days(&m).unwrap_or(d);
                if start >= a.lo && months.last() != Some(&(start, m.clone())) {
                    months.push((start, m));
                }
                d = start + 32.0;
            }
            let every = months.len().div_ceil(8).max(1);
            months.into_iter().step_by(every).collect()
        }
        Scale::Category => a
            .categories
            .iter()
            .enumerate()
            .map(|(i, c)| (i as f64, c.clone()))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_days_since_1970() {
        assert_eq!(date_days("1970-01-01"), Some(0.0));
        assert_eq!(date_days("2000-03-01"), Some(11_017.0));
        assert_eq!(date_days("2024-02"), date_days("2024-02-01"));
        assert_eq!(month_text(11_017.0), "2000-03");
        assert_eq!(date_days("ICU"), None);
    }
}
