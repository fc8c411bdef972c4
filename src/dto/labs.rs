//! The safety page's laboratory section: eDISH and Hy's law, shift tables,
//! peaks and nadirs, trends and the change from baseline; and a subject's
//! lab profile (closed roles).

use super::{Figure, LinesTableData, Role};
use serde::{Deserialize, Serialize};

/// A subject in the Hy's law range (closed roles).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HysLawRow {
    pub group: String,
    pub usubjid: String,
    /// Peak xULN with its study day, as shown ("10.1 (day 3)"), or "–".
    pub alt: String,
    pub ast: String,
    pub bili: String,
    pub alp: String,
    /// "yes", "no" or "not measured".
    pub alp_below_2xuln: String,
    pub potential: bool,
}

/// The laboratory section at a cut.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabsView {
    pub trial_id: String,
    pub cut_date: String,
    pub viewer_role: Option<Role>,
    pub coded: bool,
    /// The cut carries laboratory data (ADLB).
    pub collected: bool,
    /// What the section says of itself (population, definitions, what is
    /// withheld).
    pub notes: Vec<String>,
    /// eDISH quadrant counts: by group and in total (closed), pooled
    /// (sponsor).
    pub quadrants: LinesTableData,
    /// The eDISH plot (closed roles; empty for the sponsor).
    pub edish_chart: Figure,
    /// How the plot shows many subjects, when it bins them.
    pub edish_binned: Option<String>,
    /// One page of the subjects in the Hy's law range (closed roles).
    pub hys_law: Vec<HysLawRow>,
    pub hys_law_total: u32,
    pub hys_law_page: u32,
    pub hys_law_pages: u32,
    pub shifts: Vec<LinesTableData>,
    pub extremes: LinesTableData,
    /// The trend parameters (the menu), the one shown, its chart and table.
    pub trend_params: Vec<String>,
    pub trend_param: String,
    pub trend_chart: Figure,
    pub trend_table: LinesTableData,
    /// Change from baseline at the configured visit (closed roles).
    pub change: Option<LinesTableData>,
}

/// A subject's lab profile (closed roles).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabProfileView {
    pub trial_id: String,
    pub cut_date: String,
    pub usubjid: String,
    pub group: String,
    pub coded: bool,
    pub chart: Figure,
    /// Values by study day in their units: the liver tests, then the
    /// other parameters a few to a table (so that each fits a page).
    pub tables: Vec<LinesTableData>,
    /// Adverse events and death by study day.
    pub events: LinesTableData,
}
