//! Where a trial stands: one summary, first on the trial's overview for
//! every role and on page 1 of the reports.

use serde::{Deserialize, Serialize};

/// Where the trial stands at a cut, as the viewer may see it. The pooled
/// part is every role's; `closed` is the closed roles' only.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Standing {
    pub trial_id: String,
    pub cut_date: String,
    /// `enrolling`, `follow-up`, `enrollment paused` or `stopped for ...`.
    pub status: String,
    /// The DSMB's last signed recommendation in words, with the meeting's
    /// date ("Stop for futility, signed at the meeting of 2025-01-20").
    pub recommendation: Option<String>,
    /// Subjects randomized by the cut, and the planned number.
    pub enrolled: u32,
    pub target: u32,
    /// The design's looks in words: the planned information of each and
    /// the cuts declared as formal looks.
    pub looks: String,
    /// The projected date of the next formal look in words, only while it
    /// is still to come (none once the DSMB signed a stop).
    pub next_look: Option<String>,
    /// What changed since the last review, in one line.
    pub since: Option<String>,
    pub closed: Option<ClosedStanding>,
}

/// The closed part: the look's verdict in three directions with its basis
/// and the safety rules that signal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClosedStanding {
    /// "formal look 1 of 2", "monitoring cut, no formal test ...": from the
    /// declared looks only while coded.
    pub look_label: String,
    /// The verdict and its kind (`efficacy`, `harm`, `futility`,
    /// `favours-reference`, `continue`, `final`, `no-formal-test`); `None`
    /// while coded (directional) or when the design has no interim.
    pub verdict: Option<String>,
    pub verdict_kind: Option<String>,
    /// z against each bound, conditional power against the guideline.
    pub basis: Vec<String>,
    /// Why the directional part is withheld (coded groups), if it is.
    pub withheld: Option<String>,
    /// The viewer may decode here (a DSMB member who has not yet), with the
    /// form's token.
    pub can_decode: bool,
    pub csrf: String,
    /// The safety rules that signal: rule, group and since which cut.
    pub signals: Vec<RuleSignal>,
    /// Configured safety rules in all.
    pub rules: usize,
}

/// A group (or ordered pair of groups) on a rule that signals at the cut.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RuleSignal {
    pub rule: String,
    /// The group as the viewer sees it, or "B over A" for a pair.
    pub group: String,
    /// The earliest cut from which it has signalled at every cut up to
    /// this one.
    pub since_cut: String,
}
