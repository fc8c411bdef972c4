//! The sponsor's laboratory section: the pooled eDISH quadrants and shift
//! tables, each count a suppression series (`firewall::suppress`), and the
//! pooled peaks, nadirs and values by visit, each shown only over at least
//! the trial's small-cell threshold of subjects. No subject's point, no
//! listing, no profile and no change from baseline: nothing per subject
//! and nothing that compares groups.

use super::pass::Category;
use super::{LabReport, Quartiles};
use crate::server::report::pooled::PooledGroup;
use crate::server::report::Cell;
use serde::Serialize;

/// The pooled-series key of the eDISH quadrants.
pub const EDISH_KEY: &str = "labs/edish";

/// The level of the subjects without a post-baseline value, which makes
/// each group of levels split all subjects.
pub const NO_VALUES: &str = "no_post_baseline_value";

fn shift_key(param: &str) -> String {
    format!("labs/shift/{param}")
}

fn shift_level(from: Category, to: Category) -> String {
    format!("{}>{}", from.name(), to.name())
}

/// The pooled counts of the laboratory section, for the suppression: the
/// quadrants and each shift table's cells, every group a partition of all
/// subjects (with those without a post-baseline value).
pub fn pooled_groups(labs: &LabReport, subjects: u32) -> Vec<PooledGroup> {
    if !labs.collected {
        return Vec::new();
    }
    let outside = subjects.saturating_sub(labs.population.total);
    let mut out = vec![PooledGroup {
        key: EDISH_KEY.into(),
        levels: labs
            .quadrants
            .total
            .levels()
            .iter()
            .map(|(l, c)| (l.to_string(), *c))
            .chain([(NO_VALUES.to_string(), outside)])
            .collect(),
        partition: true,
        within: Vec::new(),
    }];
    for t in &labs.shifts {
        let mut levels = Vec::new();
        for from in Category::ALL {
            for to in Category::ALL {
                levels.push((
                    shift_level(from, to),
                    t.counts.total[from.index()][to.index()],
                ));
            }
        }
        levels.push((NO_VALUES.to_string(), outside));
        out.push(PooledGroup {
            key: shift_key(&t.param),
            levels,
            partition: true,
            within: Vec::new(),
        });
    }
    out
}

/// A pooled shift table.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OpenShift {
    pub param: String,
    pub worst: &'static str,
    /// Baseline (rows) by worst post-baseline category (columns), LOW,
    /// NORMAL, HIGH, MISSING.
    pub cells: [[Cell; 4]; 4],
}

/// A pooled summary, or why there is none.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OpenSummary {
    pub n: u32,
    /// `None` over fewer subjects than the threshold.
    pub quartiles: Option<Quartiles>,
}

fn summary(q: &Option<Quartiles>, threshold: u32) -> Option<OpenSummary> {
    q.map(|q| OpenSummary {
        n: q.n,
        quartiles: (q.n >= threshold).then_some(q),
    })
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OpenExtreme {
    pub param: String,
    pub statistic: &'static str,
    pub values: Option<OpenSummary>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OpenTrendVisit {
    pub visit: f64,
    pub name: String,
    pub values: Option<OpenSummary>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OpenTrend {
    pub param: String,
    pub uln: Option<f64>,
    pub visits: Vec<OpenTrendVisit>,
}

/// The sponsor's laboratory section.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OpenLabs {
    pub collected: bool,
    /// ALT, AST, BILI, ALP as the trial names them.
    pub liver: [String; 4],
    pub records: usize,
    /// Subjects with a post-baseline value (shown with the count of those
    /// without one).
    pub population: Cell,
    /// (quadrant, count) in the order of `Quadrants::levels`.
    pub quadrants: Vec<(String, Cell)>,
    pub shifts: Vec<OpenShift>,
    pub extremes: Vec<OpenExtreme>,
    pub trends: Vec<OpenTrend>,
    /// Each parameter's label (see [`LabReport::labels`]): names, not
    /// counts, so the sponsor's too.
    pub labels: std::collections::BTreeMap<String, String>,
}

impl OpenLabs {
    /// What parameter `code` is called on the pages.
    pub fn label(&self, code: &str) -> String {
        self.labels
            .get(code)
            .cloned()
            .unwrap_or_else(|| code.to_string())
    }
}

/// The sponsor's section from the pooled one, each count as `shown`
/// decides (key, level, count).
pub fn open_labs(
    labs: &LabReport,
    subjects: u32,
    threshold: u32,
    shown: &dyn Fn(&str, &str, u32) -> Option<u32>,
) -> OpenLabs {
    let cell =
        |key: &str, level: &str, c: u32| shown(key, level, c).map_or(Cell::Suppressed, Cell::Count);
    if !labs.collected {
        return OpenLabs {
            collected: false,
            liver: labs.liver.clone(),
            records: 0,
            population: Cell::NotCollected,
            quadrants: Vec::new(),
            shifts: Vec::new(),
            extremes: Vec::new(),
            trends: Vec::new(),
            labels: labs.labels.clone(),
        };
    }
    let outside = subjects.saturating_sub(labs.population.total);
    let population = match shown(EDISH_KEY, NO_VALUES, outside) {
        Some(_) => Cell::Count(labs.population.total),
        None => Cell::Suppressed,
    };
    OpenLabs {
        collected: true,
        labels: labs.labels.clone(),
        liver: labs.liver.clone(),
        records: labs.records,
        population,
        quadrants: labs
            .quadrants
            .total
            .levels()
            .iter()
            .map(|(l, c)| (l.to_string(), cell(EDISH_KEY, l, *c)))
            .collect(),
        shifts: labs
            .shifts
            .iter()
            .map(|t| {
                let key = shift_key(&t.param);
                let mut cells = [[Cell::Suppressed; 4]; 4];
                for from in Category::ALL {
                    for to in Category::ALL {
                        let c = t.counts.total[from.index()][to.index()];
                        cells[from.index()][to.index()] = cell(&key, &shift_level(from, to), c);
                    }
                }
                OpenShift {
                    param: t.param.clone(),
                    worst: t.worst,
                    cells,
                }
            })
            .collect(),
        extremes: labs
            .extremes
            .iter()
            .map(|e| OpenExtreme {
                param: e.param.clone(),
                statistic: e.statistic,
                values: summary(&e.values.total, threshold),
            })
            .collect(),
        trends: labs
            .trends
            .iter()
            .map(|t| OpenTrend {
                param: t.param.clone(),
                uln: t.uln,
                visits: t
                    .visits
                    .iter()
                    .map(|v| OpenTrendVisit {
                        visit: v.visit,
                        name: v.name.clone(),
                        values: summary(&v.values.total, threshold),
                    })
                    .collect(),
            })
            .collect(),
    }
}
