//! The review cycle's wire types: the DSMB's meetings and "since the last
//! review".

use serde::{Deserialize, Serialize};

/// A meeting in the trial's list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingLine {
    pub id: i64,
    pub meeting_date: String,
    pub cut_date: String,
    /// The recommendation in words.
    pub recommendation: String,
    pub signed: bool,
    pub signed_by: Option<String>,
    /// The record this one corrects, and the one correcting it.
    pub amends: Option<i64>,
    pub amended_by: Option<i64>,
    /// Set when the cut reviewed is no longer one of the trial's good cuts.
    pub cut_note: Option<String>,
}

/// The meetings page: the list, and the form for a new record
/// (statistician only).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reviews {
    pub trial_id: String,
    pub meetings: Vec<MeetingLine>,
    /// The viewer writes meeting records (the statistician).
    pub can_write: bool,
    /// Only signed meetings are listed (the sponsor).
    pub signed_only: bool,
    pub csrf: String,
    /// The good cuts, newest first, for the form.
    pub cuts: Vec<String>,
    /// (code, words) of each recommendation.
    pub recommendations: Vec<(String, String)>,
}

/// One meeting record as the viewer may see it: the sponsor gets the open
/// part only (`closed` is `None`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingRecord {
    pub trial_id: String,
    pub id: i64,
    pub meeting_date: String,
    pub cut_date: String,
    pub open_attendees: String,
    pub open_minutes: String,
    pub recommendation_code: String,
    pub recommendation: String,
    pub recommendation_text: String,
    pub closed: Option<ClosedPart>,
    pub created_by: String,
    pub created_at: String,
    pub signed_by: Option<String>,
    pub signed_at: Option<String>,
    pub signature_meaning: Option<String>,
    pub signature_hash: Option<String>,
    pub amends: Option<i64>,
    pub amended_by: Option<i64>,
    pub cut_note: Option<String>,
    /// The viewer chairs the DSMB and the record awaits signature.
    pub can_sign: bool,
    /// The viewer may write a correction (the statistician, on the latest
    /// version).
    pub can_amend: bool,
    pub csrf: String,
    /// (code, words) of each recommendation, for the correction form.
    pub recommendations: Vec<(String, String)>,
}

/// The closed part of a meeting record (closed roles only).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClosedPart {
    pub closed_attendees: String,
    pub closed_minutes: String,
    pub rationale: String,
}

/// A count then and now; `None` where the viewer's report hides it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeCount {
    pub then: Option<u32>,
    pub now: Option<u32>,
    pub new: Option<i64>,
}

/// A line of the "since the last review" table: a count in total and, for
/// closed roles, per group (in `SinceReview::groups`' order).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SinceLine {
    pub label: String,
    pub total: ChangeCount,
    /// Per group (closed roles; absent for the sponsor).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub per_group: Vec<ChangeCount>,
}

/// A changed record (closed roles).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangedLine {
    pub usubjid: String,
    pub dataset: String,
    pub record: String,
    pub field: String,
    pub old: String,
    pub new: String,
    pub kind: String,
}

/// A new serious or fatal event (closed roles).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewEventLine {
    pub usubjid: String,
    pub group: String,
    pub term: String,
    pub onset: String,
    pub day: Option<i64>,
    pub serious: bool,
    pub fatal: bool,
}

/// A potential Hy's law case new since the earlier cut (closed roles).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewHysLawLine {
    pub usubjid: String,
    pub group: String,
    /// Peak ALT or AST and bilirubin, × ULN, as shown.
    pub peaks: String,
}

/// The interim look at a cut (closed roles).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LookLine {
    pub cut: String,
    pub look: usize,
    pub information_fraction: f64,
    /// `None` for a coded viewer (the sign of z names the better arm).
    pub z: Option<f64>,
    pub b_value: Option<f64>,
    pub conditional_power_trend: Option<f64>,
    pub conditional_power_design: Option<f64>,
}

/// The overview's "since the last review".
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SinceReview {
    pub trial_id: String,
    pub from_cut: String,
    pub to_cut: String,
    /// Why `from_cut`: "the cut reviewed at the last signed meeting" or
    /// "the previous cut" or "chosen".
    pub basis: String,
    /// The earlier cuts the viewer may compare with, newest first.
    pub choices: Vec<String>,
    pub closed: bool,
    pub coded: bool,
    /// The groups' names (closed roles; absent for the sponsor).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<String>,
    pub lines: Vec<SinceLine>,
    pub by_site: Vec<SinceLine>,
    /// Information fraction then and now (pooled; `None` where not
    /// defined for the design).
    pub fraction_then: Option<f64>,
    pub fraction_now: Option<f64>,
    pub looks: Vec<LookLine>,
    pub new_events: Vec<NewEventLine>,
    pub new_events_total: usize,
    /// Potential Hy's law cases that are new since the earlier cut (closed
    /// roles), by subject.
    #[serde(default)]
    pub new_hys_law: Vec<NewHysLawLine>,
    /// (kind in words, records).
    pub changed_by_kind: Vec<(String, u32)>,
    pub changed: Vec<ChangedLine>,
    pub changed_total: usize,
    /// Set when there is no earlier cut to compare with.
    pub note: Option<String>,
}
