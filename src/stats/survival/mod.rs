//! Survival analysis: Kaplan-Meier with Greenwood variance and log-log
//! intervals, the median and its interval, the log-rank test for k groups
//! (stratified or not), Cox proportional hazards with Efron or Breslow ties,
//! and the Aalen-Johansen cumulative incidence with a competing risk.
//!
//! Definitions follow Therneau & Grambsch, *Modeling Survival Data* (2000)
//! and Klein & Moeschberger, *Survival Analysis* (2nd ed., 2003): Greenwood's
//! formula (K&M §4.2), the log-log ("complementary log-log") interval for
//! S(t) (K&M §4.3), the Brookmeyer-Crowley median interval read off the
//! pointwise limits (K&M §4.5), the k-sample log-rank statistic with its
//! hypergeometric covariance (K&M §7.3, §7.5 stratified), the partial
//! likelihood with Efron's and Breslow's tie corrections (T&G §3.3) fitted
//! by Newton-Raphson, and the Aalen-Johansen estimator of the cumulative
//! incidence (K&M §2.7, Putter, Fiocco & Geskus 2007).

mod cox;
mod incidence;
mod kaplan_meier;
mod log_rank;

pub use crate::stats::linalg::{invert, solve};
pub use cox::{cox, treatment_cox, CoxFit, Ties};
pub use incidence::{aalen_johansen, CumulativeIncidence};
pub use kaplan_meier::{kaplan_meier, kaplan_meier_sorted, KaplanMeier};
pub use log_rank::{log_rank, LogRank};

/// Indices of the subjects sorted by time (ascending; ties keep input order).
pub(crate) fn order_by_time(time: &[f64]) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..time.len()).collect();
    idx.sort_by(|&a, &b| time[a].total_cmp(&time[b]));
    idx
}
