//! How numbers read on every page: percentages, intervals, p-values.

/// A proportion (0-1) as a percentage with one decimal.
pub fn pct(x: f64) -> String {
    format!("{:.1}%", 100.0 * x)
}

/// An interval of proportions as percentages (`12.3–45.6`).
pub fn ci_pct(ci: Option<[f64; 2]>) -> String {
    ci.map(|[a, b]| format!("{:.1}–{:.1}", 100.0 * a, 100.0 * b))
        .unwrap_or_else(|| "–".into())
}

/// A p-value as a report prints it: three decimals, "<0.001" below and
/// ">0.99" above (as journals print an exact test's 1.000: Altshock-2's
/// Table 3 gives 0.99 where Fisher's test gives 1).
pub fn p_fmt(p: f64) -> String {
    if !p.is_finite() {
        "–".into()
    } else if p < 0.001 {
        "<0.001".into()
    } else if p > 0.99 {
        ">0.99".into()
    } else {
        format!("{p:.3}")
    }
}

/// A p-value in words: "p = 0.123", "p < 0.001", "p > 0.99" (never
/// "p = <0.001").
pub fn p_is(p: f64) -> String {
    if p.is_finite() && p < 0.001 {
        "p < 0.001".into()
    } else if p.is_finite() && p > 0.99 {
        "p > 0.99".into()
    } else {
        format!("p = {}", p_fmt(p))
    }
}

/// A nominal p-value or an alpha spent: four decimals, small ones in
/// scientific notation (0.00014 is "1.40e-4"), a dash when undefined.
pub fn small(x: f64) -> String {
    if !x.is_finite() {
        "–".into()
    } else if x >= 0.001 || x == 0.0 {
        format!("{x:.4}")
    } else {
        format!("{x:.2e}")
    }
}

/// A number to `digits` decimals, or a dash.
pub fn opt(x: Option<f64>, digits: usize) -> String {
    x.map(|v| format!("{v:.digits$}"))
        .unwrap_or_else(|| "–".into())
}

/// A median time to event in days, or "not reached" (the survival curve,
/// or the bound of its interval, never falls to one half: R prints `NA`).
pub fn median_days(x: Option<f64>) -> String {
    x.map_or("not reached".to_string(), |v| format!("{v:.0}"))
}

/// A median's 95% interval in days, "12 to not reached" when the upper
/// bound is not.
pub fn median_ci(ci: [Option<f64>; 2]) -> String {
    format!("{} to {}", median_days(ci[0]), median_days(ci[1]))
}

/// Percentage with one decimal, e.g. `50.5`.
pub fn percent(part: u32, whole: u32) -> String {
    if whole == 0 {
        return "–".into();
    }
    format!("{:.1}", 100.0 * f64::from(part) / f64::from(whole))
}

/// A stored time (`YYYY-MM-DDTHH:MM:SS[.ffffff]Z`) to the second, with its
/// zone: `YYYY-MM-DD HH:MM:SS UTC`; anything else as it is.
pub fn utc_second(at: &str) -> String {
    match (at.get(..10), at.get(11..19)) {
        (Some(day), Some(time)) if at.as_bytes().get(10) == Some(&b'T') && at.ends_with('Z') => {
            format!("{day} {time} UTC")
        }
        _ => at.to_string(),
    }
}

/// The column of the conditional-power guideline mapped onto z.
pub fn cp_guideline_header(threshold: Option<f64>) -> String {
    match threshold {
        Some(g) => format!("Futility z (CP < {:.0}%)", 100.0 * g),
        None => "Futility z (CP guideline)".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p_values_read_as_a_journal_prints_them() {
        assert_eq!(p_is(0.0004), "p < 0.001");
        assert_eq!(p_is(0.300_744_684_687), "p = 0.301");
        assert_eq!(p_is(1.0), "p > 0.99");
        assert_eq!(p_fmt(0.995), ">0.99");
        assert_eq!(p_fmt(0.99), "0.990");
        assert_eq!(p_fmt(f64::NAN), "–");
    }

    #[test]
    fn a_time_is_shown_to_the_second_with_its_zone() {
        assert_eq!(
            utc_second("2026-12-07T17:14:51.702601Z"),
            "2026-12-07 17:14:51 UTC"
        );
        assert_eq!(
            utc_second("2026-12-07T17:14:51Z"),
            "2026-12-07 17:14:51 UTC"
        );
        assert_eq!(utc_second("2026-12-07"), "2026-12-07");
        assert_eq!(utc_second("not a time"), "not a time");
    }
}
