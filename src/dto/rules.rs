//! The safety monitoring rules as the closed safety page shows them, groups
//! named as the viewer may see them.

use serde::{Deserialize, Serialize};

/// One configured rule at the cut.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SafetyRuleView {
    /// The rule in words.
    pub rule: String,
    /// `posterior`, `difference` or `sequential`.
    pub kind: String,
    /// Whether any group or pair signals (a signal, never an automatic stop).
    pub signal: bool,
    pub groups: Vec<RuleGroupView>,
    /// Two-group rules: every ordered pair of groups.
    pub pairs: Vec<RulePairView>,
    pub boundary: Option<BoundaryView>,
}

/// A group on a rule.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RuleGroupView {
    pub group: String,
    pub events: u32,
    pub n: u32,
    /// Posterior rules: P(rate > threshold | data).
    pub posterior: Option<f64>,
    /// Sequential rules: the events that signal at the group's subjects.
    pub signal_at: Option<u32>,
    pub signal: bool,
}

/// An ordered pair of groups on a two-group rule.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RulePairView {
    pub higher: String,
    pub lower: String,
    pub probability: f64,
    pub signal: bool,
}

/// A sequential boundary: "signal at >= events among from..to subjects",
/// its constant, and its probability of a signal by true rate.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BoundaryView {
    /// (events, from, to).
    pub runs: Vec<(u32, u32, u32)>,
    pub c: f64,
    pub size: f64,
    pub operating: Vec<(f64, f64)>,
}
