//! The ADaM columns the standard report tables read (disposition, adverse
//! events by SOC and PT, deaths, exposure, deviations): each has the ADaM
//! names it is looked for under, first found wins, and `[columns]` in
//! trial.toml overrides any of them with one name. A column the cut does
//! not carry makes its table say "not collected".

use serde::{Deserialize, Serialize};

/// Overrides of the ADaM column names (`[columns]` in trial.toml); every
/// field is optional.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct ColumnNames {
    /// ADSL end-of-study status (COMPLETED / DISCONTINUED / ONGOING).
    pub status: Option<String>,
    /// ADSL reason for discontinuation.
    pub reason: Option<String>,
    /// ADSL population flags ('Y').
    pub itt_flag: Option<String>,
    pub safety_flag: Option<String>,
    pub pp_flag: Option<String>,
    /// ADSL actual treatment (read by the firewall at the closed level only).
    pub actual_arm: Option<String>,
    /// ADSL cause of death, and the death flag ('Y'; counted when the
    /// trial names no death date).
    pub death_cause: Option<String>,
    pub death_flag: Option<String>,
    /// ADSL treatment duration in days.
    pub exposure_days: Option<String>,
    /// ADSL protocol-deviation flags ('Y'), one category each; none by
    /// default (ADaM has no standard name for them).
    pub deviation_flags: Vec<String>,
    /// ADAE system organ class and preferred term.
    pub soc: Option<String>,
    pub pt: Option<String>,
    /// ADAE serious ('Y'), related, toxicity grade (1-5), severity (MILD,
    /// MODERATE, SEVERE), action taken with the treatment, fatal ('Y'),
    /// outcome, treatment-emergent ('Y').
    pub serious: Option<String>,
    pub related: Option<String>,
    pub grade: Option<String>,
    pub severity: Option<String>,
    pub action: Option<String>,
    pub fatal: Option<String>,
    pub outcome: Option<String>,
    pub emergent: Option<String>,
}

/// One column a table reads: its name in the frames the loader makes and
/// the ADaM names it is found under, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnRole {
    Status,
    Reason,
    IttFlag,
    SafetyFlag,
    PpFlag,
    DeathCause,
    DeathFlag,
    ExposureDays,
    Soc,
    Pt,
    Serious,
    Related,
    Grade,
    Severity,
    Action,
    Fatal,
    Outcome,
    Emergent,
}

impl ColumnRole {
    /// The ADSL roles, in the order the loader reads them.
    pub const ADSL: [ColumnRole; 8] = [
        ColumnRole::Status,
        ColumnRole::Reason,
        ColumnRole::IttFlag,
        ColumnRole::SafetyFlag,
        ColumnRole::PpFlag,
        ColumnRole::DeathCause,
        ColumnRole::DeathFlag,
        ColumnRole::ExposureDays,
    ];
    /// The ADAE roles.
    pub const ADAE: [ColumnRole; 10] = [
        ColumnRole::Soc,
        ColumnRole::Pt,
        ColumnRole::Serious,
        ColumnRole::Related,
        ColumnRole::Grade,
        ColumnRole::Severity,
        ColumnRole::Action,
        ColumnRole::Fatal,
        ColumnRole::Outcome,
        ColumnRole::Emergent,
    ];

    /// The column's name in the typed frames: `@` and the role, so it can
    /// never collide with a dataset's own column.
    pub fn key(self) -> &'static str {
        match self {
            ColumnRole::Status => "@STATUS",
            ColumnRole::Reason => "@REASON",
            ColumnRole::IttFlag => "@ITT",
            ColumnRole::SafetyFlag => "@SAF",
            ColumnRole::PpFlag => "@PP",
            ColumnRole::DeathCause => "@DTHCAUS",
            ColumnRole::DeathFlag => "@DTHFL",
            ColumnRole::ExposureDays => "@EXDAYS",
            ColumnRole::Soc => "@SOC",
            ColumnRole::Pt => "@PT",
            ColumnRole::Serious => "@SER",
            ColumnRole::Related => "@REL",
            ColumnRole::Grade => "@GRADE",
            ColumnRole::Severity => "@SEV",
            ColumnRole::Action => "@ACN",
            ColumnRole::Fatal => "@SDTH",
            ColumnRole::Outcome => "@OUT",
            ColumnRole::Emergent => "@TEAE",
        }
    }

    /// Whether the column holds numbers (else text).
    pub fn numeric(self) -> bool {
        self == ColumnRole::ExposureDays
    }

    /// The ADaM names the column is looked for under, first found wins.
    fn defaults(self) -> &'static [&'static str] {
        match self {
            ColumnRole::Status => &["EOSSTT"],
            ColumnRole::Reason => &["DCSREAS", "DCREASCD", "DCDECOD"],
            ColumnRole::IttFlag => &["ITTFL"],
            ColumnRole::SafetyFlag => &["SAFFL"],
            ColumnRole::PpFlag => &["PPROTFL"],
            ColumnRole::DeathCause => &["DTHCAUS"],
            ColumnRole::DeathFlag => &["DTHFL"],
            ColumnRole::ExposureDays => &["TRTDURD", "TRTDUR"],
            ColumnRole::Soc => &["AEBODSYS", "AESOC"],
            ColumnRole::Pt => &["AEDECOD"],
            ColumnRole::Serious => &["AESER"],
            ColumnRole::Related => &["AEREL"],
            ColumnRole::Grade => &["AETOXGR"],
            ColumnRole::Severity => &["AESEV"],
            ColumnRole::Action => &["AEACN"],
            ColumnRole::Fatal => &["AESDTH"],
            ColumnRole::Outcome => &["AEOUT"],
            ColumnRole::Emergent => &["TRTEMFL"],
        }
    }
}

impl ColumnNames {
    fn overridden(&self, role: ColumnRole) -> Option<&String> {
        match role {
            ColumnRole::Status => self.status.as_ref(),
            ColumnRole::Reason => self.reason.as_ref(),
            ColumnRole::IttFlag => self.itt_flag.as_ref(),
            ColumnRole::SafetyFlag => self.safety_flag.as_ref(),
            ColumnRole::PpFlag => self.pp_flag.as_ref(),
            ColumnRole::DeathCause => self.death_cause.as_ref(),
            ColumnRole::DeathFlag => self.death_flag.as_ref(),
            ColumnRole::ExposureDays => self.exposure_days.as_ref(),
            ColumnRole::Soc => self.soc.as_ref(),
            ColumnRole::Pt => self.pt.as_ref(),
            ColumnRole::Serious => self.serious.as_ref(),
            ColumnRole::Related => self.related.as_ref(),
            ColumnRole::Grade => self.grade.as_ref(),
            ColumnRole::Severity => self.severity.as_ref(),
            ColumnRole::Action => self.action.as_ref(),
            ColumnRole::Fatal => self.fatal.as_ref(),
            ColumnRole::Outcome => self.outcome.as_ref(),
            ColumnRole::Emergent => self.emergent.as_ref(),
        }
    }

    /// The names `role` is looked for under: the override alone, or the
    /// ADaM names.
    pub fn candidates(&self, role: ColumnRole) -> Vec<String> {
        match self.overridden(role) {
            Some(name) => vec![name.clone()],
            None => role.defaults().iter().map(|s| s.to_string()).collect(),
        }
    }

    /// The (actual, planned) treatment column pairs, first found wins:
    /// `columns.actual_arm` with the trial's arm column, else the ADaM
    /// pairs.
    pub fn actual_arm_pairs(&self, arm_column: &str) -> Vec<(String, String)> {
        match &self.actual_arm {
            Some(name) => vec![(name.clone(), arm_column.to_string())],
            None => [
                ("TRT01A", "TRT01P"),
                ("ACTARMCD", "ARMCD"),
                ("ACTARM", "ARM"),
            ]
            .iter()
            .map(|(a, p)| (a.to_string(), p.to_string()))
            .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_adam_name_found_wins_and_an_override_replaces_them_all() {
        let present: Vec<String> = ["AESOC", "AEBODSYS", "AESEV"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let c = ColumnNames::default();
        let found = |c: &ColumnNames, r| c.candidates(r).into_iter().find(|n| present.contains(n));
        assert_eq!(found(&c, ColumnRole::Soc).as_deref(), Some("AEBODSYS"));
        assert_eq!(found(&c, ColumnRole::Severity).as_deref(), Some("AESEV"));
        assert_eq!(found(&c, ColumnRole::Grade), None);
        assert_eq!(found(&c, ColumnRole::Action), None);
        let o = ColumnNames {
            soc: Some("AESOC".into()),
            action: Some("AEACNOTH".into()),
            ..Default::default()
        };
        assert_eq!(found(&o, ColumnRole::Soc).as_deref(), Some("AESOC"));
        assert_eq!(found(&o, ColumnRole::Action), None);
    }
}
