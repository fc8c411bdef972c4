//! The laboratory parameters of a trial (`[labs]` in trial.toml), with the
//! ADaM defaults: the liver tests of the eDISH plot and Hy's law, the
//! parameters of the shift tables with the direction that is worse, the
//! parameters of the trends, and the visit of the change from baseline.

use serde::{Deserialize, Serialize};

/// `[labs]`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Labs {
    /// The PARAMCDs of the liver tests.
    pub liver: Liver,
    /// Shift tables: baseline category against the worst post-baseline one.
    pub shifts: Vec<Shift>,
    /// Parameters shown over the visits.
    pub trends: Vec<String>,
    /// The visit (AVISITN) of the change from baseline compared between
    /// the groups.
    pub change_visit: f64,
    /// What each parameter is called on the pages and in the documents
    /// (`HGB = "Haemoglobin (g/dL)"`); without one, ADLB's PARAM with
    /// AVALU's unit, or else the PARAMCD.
    pub labels: std::collections::BTreeMap<String, String>,
}

/// The liver tests' PARAMCDs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Liver {
    pub alt: String,
    pub ast: String,
    pub bili: String,
    pub alp: String,
}

/// A shift table's parameter and which way is worse.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Shift {
    pub param: String,
    pub worst: Worst,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Worst {
    Low,
    High,
}

impl Default for Liver {
    fn default() -> Self {
        Liver {
            alt: "ALT".into(),
            ast: "AST".into(),
            bili: "BILI".into(),
            alp: "ALP".into(),
        }
    }
}

impl Default for Labs {
    fn default() -> Self {
        let shift = |p: &str, worst| Shift {
            param: p.into(),
            worst,
        };
        Labs {
            liver: Liver::default(),
            shifts: vec![
                shift("HGB", Worst::Low),
                shift("PLAT", Worst::Low),
                shift("CREAT", Worst::High),
            ],
            trends: ["HGB", "PLAT", "CREAT", "ALT", "AST", "BILI"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
            labels: std::collections::BTreeMap::new(),
            change_visit: 3.0,
        }
    }
}

impl Labs {
    /// The parameters shown as multiples of their upper limit of normal
    /// (each record of them needs one).
    /// The parameters a subject's lab profile shows: the liver tests, then
    /// the shift and trend parameters, each once.
    pub fn profile_params(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        let all = self
            .ratio_params()
            .into_iter()
            .chain(self.shifts.iter().map(|s| s.param.as_str()))
            .chain(self.trends.iter().map(String::as_str));
        for p in all {
            if !out.contains(&p) {
                out.push(p);
            }
        }
        out
    }

    pub fn ratio_params(&self) -> [&str; 4] {
        [
            self.liver.alt.as_str(),
            self.liver.ast.as_str(),
            self.liver.bili.as_str(),
            self.liver.alp.as_str(),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trial_without_labs_gets_the_adam_defaults_and_a_trial_may_name_its_own() {
        assert_eq!(
            Labs::default().ratio_params(),
            ["ALT", "AST", "BILI", "ALP"]
        );
        let l: Labs = toml::from_str(
            "trends = [\"LACTATE\"]\n[liver]\nbili = \"TBILI\"\n[[shifts]]\nparam = \"K\"\nworst = \"high\"\n",
        )
        .unwrap();
        assert_eq!(l.liver.bili, "TBILI");
        assert_eq!(l.liver.alt, "ALT");
        assert_eq!(
            l.shifts,
            vec![Shift {
                param: "K".into(),
                worst: Worst::High
            }]
        );
        assert_eq!(l.trends, vec!["LACTATE"]);
        assert!(
            toml::from_str::<Labs>("colour = 1").is_err(),
            "unknown keys are refused"
        );
    }
}
