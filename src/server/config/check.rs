//! The checks of a parsed `trial.toml` beyond its syntax: each failure
//! names the key, so the statistician can find it in the file.

use super::{BaselineKind, Sided, TrialConfig};

/// An arm code takes the characters of a trial identifier (one rule, in
/// `ids`).
fn is_identifier(s: &str) -> bool {
    crate::server::ids::TrialId::parse(s).is_ok()
}

fn is_iso_date(s: &str) -> bool {
    crate::server::ids::CutDate::parse(s).is_ok()
}

impl TrialConfig {
    pub(super) fn validate(&self) -> Result<(), String> {
        if let Err(why) = crate::server::ids::TrialId::parse(&self.id) {
            return Err(format!("id: {why}"));
        }
        if self.arms.len() < 2 {
            return Err("arms: a trial needs at least two arms".into());
        }
        for (i, arm) in self.arms.iter().enumerate() {
            if !is_identifier(&arm.code) {
                return Err(format!("arms[{i}].code {:?} is not a valid code", arm.code));
            }
            if self.arms[..i].iter().any(|a| a.code == arm.code) {
                return Err(format!("arms[{i}].code {:?} is used twice", arm.code));
            }
            if !(arm.allocation > 0.0 && arm.allocation.is_finite()) {
                return Err(format!("arms[{i}].allocation must be positive"));
            }
        }
        for (i, s) in self.secondary.iter().enumerate() {
            s.check(&format!("secondary[{i}]"))?;
        }
        self.bayesian
            .check(self.design.endpoint == super::design::EndpointKind::Binary)?;
        let categories: Vec<String> = self.safety.iter().map(|c| c.name.clone()).collect();
        self.benefit_risk.check(&categories)?;
        let fdr = self.adverse_events.signal_fdr;
        if !(fdr > 0.0 && fdr < 1.0) {
            return Err(format!(
                "adverse_events.signal_fdr: {fdr} is not a false discovery rate (between 0 and 1)"
            ));
        }
        if self.enrollment.target == 0 {
            return Err("enrollment.target must be at least 1".into());
        }
        for (key, d) in [
            ("enrollment.planned_start", &self.enrollment.planned_start),
            ("enrollment.planned_end", &self.enrollment.planned_end),
        ] {
            if let Some(d) = d {
                if !is_iso_date(d) {
                    return Err(format!("{key} {d:?} is not a date (YYYY-MM-DD)"));
                }
            }
        }
        let looks = &self.design.looks;
        if looks.is_empty() || looks.len() > 20 {
            return Err("design.looks must list 1 to 20 information fractions".into());
        }
        if looks.windows(2).any(|w| w[0] >= w[1])
            || looks[0] <= 0.0
            || (looks[looks.len() - 1] - 1.0).abs() > 1e-12
        {
            return Err("design.looks must increase strictly within (0, 1] and end at 1".into());
        }
        if !(self.design.alpha > 0.0 && self.design.alpha < 0.5) {
            return Err("design.alpha must be in (0, 0.5)".into());
        }
        if !(self.design.power > 0.0 && self.design.power < 1.0) {
            return Err("design.power must be in (0, 1)".into());
        }
        self.validate_looks()?;
        if let Some(e) = &self.analysis.exposure {
            if e.adsl_days.is_some() == e.adtte_paramcd.is_some() {
                return Err(
                    "analysis.exposure: give exactly one of adsl_days or adtte_paramcd".into(),
                );
            }
        }
        let p = &self.primary;
        match (&p.adtte_paramcd, &p.adsl_flag) {
            (Some(_), None) => {}
            (None, Some(_)) if p.event_value.is_some() => {}
            (None, Some(_)) => {
                return Err("primary.event_value is needed with primary.adsl_flag".into())
            }
            _ => return Err("primary: give exactly one of adtte_paramcd or adsl_flag".into()),
        }
        for (i, cat) in self.safety.iter().enumerate() {
            if cat.conditions.is_empty() {
                return Err(format!("safety[{i}] ({}) has no condition", cat.name));
            }
            for (j, c) in cat.conditions.iter().enumerate() {
                if c.equals.is_some() == c.any_of.is_some() {
                    return Err(format!(
                        "safety[{i}] ({}) where[{j}]: give exactly one of equals or in",
                        cat.name
                    ));
                }
            }
        }
        let categories: Vec<&str> = self.safety.iter().map(|c| c.name.as_str()).collect();
        for (i, r) in self.safety_rules.iter().enumerate() {
            r.validate(i, &categories)?;
        }
        for (i, s) in self.subgroups.iter().enumerate() {
            match (&s.cuts, &s.levels) {
                (Some(c), None)
                    if !c.is_empty()
                        && c.windows(2).all(|w| w[0] < w[1])
                        && s.labels.as_ref().is_none_or(|l| l.len() == c.len() + 1) => {}
                (None, Some(l)) if !l.is_empty() => {}
                _ => {
                    return Err(format!(
                        "subgroups[{i}] ({}): give increasing cuts (with one label more than cuts, if labelled) or non-empty levels, not both",
                        s.variable
                    ))
                }
            }
        }
        self.validate_baseline()
    }

    /// This configuration with the cut dated `cut` declared formal look
    /// `look` (a declaration made in the app), checked as trial.toml's
    /// looks are: a look of the design, the next in order, at a later cut
    /// than the looks before it, neither the look nor the cut declared
    /// already. The same look at the same cut is no change.
    pub fn with_declared_look(&self, look: usize, cut: &str) -> Result<TrialConfig, LookRefusal> {
        let d = &self.design;
        if let Some(l) = d
            .formal_looks
            .iter()
            .find(|l| l.look == look || l.cut == cut)
        {
            return Err(LookRefusal::Declared(format!(
                "look {} is declared at the cut of {} already; a declaration is never changed",
                l.look, l.cut
            )));
        }
        let mut out = self.clone();
        out.design.formal_looks.push(super::FormalLook {
            look,
            cut: cut.to_string(),
            information_fraction: None,
        });
        out.design.formal_looks.sort_by_key(|l| l.look);
        out.validate_looks().map_err(|e| {
            LookRefusal::Misfit(e.replace(
                "design.formal_looks: ",
                &format!("look {look} at the cut of {cut}: "),
            ))
        })?;
        Ok(out)
    }

    /// The harm boundary and the formal looks.
    fn validate_looks(&self) -> Result<(), String> {
        let d = &self.design;
        if let Some(h) = &d.harm {
            if !(h.alpha > 0.0 && h.alpha < 0.5) {
                return Err("design.harm.alpha must be in (0, 0.5)".into());
            }
            crate::stats::gsd::Spending::parse_harm(&h.spending)
                .map_err(|e| format!("design.harm.spending: {e}"))?;
            if d.sided == Sided::Two {
                return Err("design.harm: a two-sided design has its own lower boundary; a harm boundary is for one-sided designs".into());
            }
        }
        let mut looks = std::collections::BTreeSet::new();
        let mut cuts = std::collections::BTreeSet::new();
        for (i, l) in d.formal_looks.iter().enumerate() {
            if l.look == 0 || l.look > d.looks.len() {
                return Err(format!(
                    "design.formal_looks[{i}]: look {} is not a look of the design (1 to {})",
                    l.look,
                    d.looks.len()
                ));
            }
            if !is_iso_date(&l.cut) {
                return Err(format!(
                    "design.formal_looks[{i}]: cut {:?} is not a date (YYYY-MM-DD)",
                    l.cut
                ));
            }
            if !looks.insert(l.look) || !cuts.insert(l.cut.clone()) {
                return Err(format!(
                    "design.formal_looks[{i}]: look {} or cut {} is declared twice",
                    l.look, l.cut
                ));
            }
            if let Some(t) = l.information_fraction {
                if !(t > 0.0 && t.is_finite()) {
                    return Err(format!(
                        "design.formal_looks[{i}]: information_fraction must be positive"
                    ));
                }
            }
        }
        let mut by_look: Vec<_> = d.formal_looks.iter().collect();
        by_look.sort_by_key(|l| l.look);
        if by_look
            .windows(2)
            .any(|w| w[0].cut >= w[1].cut || w[1].look != w[0].look + 1)
            || by_look.first().is_some_and(|l| l.look != 1)
        {
            return Err(
                "design.formal_looks: looks 1, 2, ... must come in order, each at a later cut"
                    .into(),
            );
        }
        Ok(())
    }

    fn validate_baseline(&self) -> Result<(), String> {
        for (i, b) in self.baseline.iter().enumerate() {
            let at = format!("baseline[{i}] ({})", b.variable);
            if b.variable.trim().is_empty() || b.label.trim().is_empty() {
                return Err(format!("{at}: give a variable and a label"));
            }
            match (b.kind, b.threshold) {
                (BaselineKind::Above, Some(t)) if t.is_finite() => {}
                (BaselineKind::Above, _) => {
                    return Err(format!("{at}: kind = \"above\" needs a finite threshold"))
                }
                (_, Some(_)) => {
                    return Err(format!("{at}: threshold is only for kind = \"above\""))
                }
                (_, None) => {}
            }
            if let Some(levels) = &b.levels {
                if b.kind != BaselineKind::Categorical {
                    return Err(format!("{at}: levels are only for kind = \"categorical\""));
                }
                if levels.is_empty() {
                    return Err(format!("{at}: levels, when given, must not be empty"));
                }
                for (j, l) in levels.iter().enumerate() {
                    if levels[..j].iter().any(|m| m.value == l.value) {
                        return Err(format!("{at}: level value {:?} is listed twice", l.value));
                    }
                }
            }
        }
        Ok(())
    }
}

/// Why a look cannot be declared.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LookRefusal {
    /// The look, or the cut, is declared already (a conflict, 409).
    #[error("{0}")]
    Declared(String),
    /// The look does not fit the design (bad input, 400).
    #[error("{0}")]
    Misfit(String),
}
