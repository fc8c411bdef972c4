//! The closed report, by arm, for the DSMB and the independent
//! statistician: computed from a [`ClosedSnapshot`] only.

use super::adverse::adverse_events;
use super::adverse::AdverseEvents;
use super::baseline::ClosedBaseline;
use super::baseline::{baseline, rows_by_arm};
use super::conduct::{deviations, exposure};
use super::conduct::{Deviations, Exposure};
use super::deaths::deaths;
use super::deaths::Deaths;
use super::disposition::disposition;
use super::disposition::Disposition;
use super::efficacy::{survival_summary, time_to_event};
use super::enrollment::{by_site, cumulative_by_month, cumulative_by_month_of};
use super::frames::{arm_sum, category_hits, count_by2, subject_frame, sums, u32_of};
use super::interim::{compared_arms, interim};
use super::labs::{hys_law_cases, lab_report, HysLawCase};
use super::safety::closed_rates;
use super::safety_time::SeriousEvent;
use super::safety_time::{category_onsets, serious_events, SubjectDays};
use super::subgroups::{events_by_arm, subgroups};
use super::types::{
    ArmInfo, ClosedEnrollment, ClosedPrimary, ClosedRate, ClosedReport, EventsN, Interim,
    PrimaryComparison, ReportError, SubgroupInteraction, SubgroupRow,
};
use crate::server::config::{EndpointKind, TrialConfig};
use crate::server::firewall::ClosedSnapshot;
use crate::stats::proportions::{compare, TwoByTwo};
use polars::prelude::*;
use std::collections::{BTreeMap, HashMap};

/// The closed report, by arm, from a closed snapshot.
///
/// The report tables (the serious-event listing, baseline, disposition,
/// adverse events, deaths, exposure, deviations) and the laboratory section
/// need nothing the monitoring numbers compute, so they are made on two
/// more threads while this one makes the rest: on two cores a large cut's
/// report takes a little over half the time.
pub fn closed_report(
    snap: &ClosedSnapshot,
    trial: &TrialConfig,
) -> Result<ClosedReport, ReportError> {
    let codes: Vec<&str> = trial.arms.iter().map(|a| a.code.as_str()).collect();
    let groups = rows_by_arm(&snap.adsl, &codes);
    let subject_days = SubjectDays::of(snap)?;
    let (tables, labs, numbers) = std::thread::scope(|s| {
        let tables = s.spawn(|| report_tables(snap, trial, &groups, &subject_days));
        let labs = s.spawn(|| lab_report(snap, trial, &groups, true));
        let numbers = monitoring(snap, trial, &subject_days, true);
        (tables.join(), labs.join(), numbers)
    });
    let tables = tables.unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
    let labs = labs.unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
    let numbers = numbers?;
    let safety_rules = super::rules::safety_rules(trial, &numbers.safety);
    Ok(ClosedReport {
        trial: trial.id.clone(),
        title: trial.title.clone(),
        cut_date: snap.cut_date.to_string(),
        view: "closed",
        files: snap.files.clone(),
        arms: trial
            .arms
            .iter()
            .map(|a| ArmInfo {
                code: a.code.clone(),
                label: a.label.clone(),
            })
            .collect(),
        enrollment: numbers.enrollment,
        safety: numbers.safety,
        primary: numbers.primary,
        subgroups: numbers.subgroups,
        subgroup_interactions: numbers.subgroup_interactions,
        secondary: numbers.secondary,
        bayes: numbers.bayes,
        benefit_risk: numbers.benefit_risk,
        interim: numbers.interim,
        incidence_days: numbers.incidence_days,
        serious_events_total: tables.serious.len(),
        serious_events: tables.serious,
        baseline: tables.baseline,
        disposition: tables.disposition,
        ae_signals: super::ae_signals::ae_signals(trial, &tables.adverse_events),
        adverse_events: tables.adverse_events,
        deaths: tables.deaths,
        exposure: tables.exposure,
        deviations: tables.deviations,
        labs,
        safety_test: trial.analysis.safety_test_sentence(),
        safety_rules,
    })
}

/// What a comparison of two cuts reads of a cut's closed report: the
/// monitoring numbers, the deaths and the serious-event listing. The diff
/// makes it for the earlier cut instead of the whole report: the other
/// report tables are never compared, and making them is most of the time.
pub struct ClosedLook {
    pub cut_date: String,
    pub enrollment: ClosedEnrollment,
    pub safety: Vec<ClosedRate>,
    pub primary_events: u32,
    pub interim: Option<Interim>,
    pub deaths: Deaths,
    pub serious_events: Vec<SeriousEvent>,
    /// The subjects in the Hy's law range.
    pub hys_law: Vec<HysLawCase>,
}

/// A cut's [`ClosedLook`], borrowed from its whole report or made alone.
pub struct LookRef<'a> {
    pub cut_date: &'a str,
    pub enrollment: &'a ClosedEnrollment,
    pub safety: &'a [ClosedRate],
    pub primary_events: u32,
    pub interim: Option<&'a Interim>,
    pub deaths: &'a Deaths,
    pub serious_events: &'a [SeriousEvent],
    pub hys_law: &'a [HysLawCase],
}

impl ClosedLook {
    pub fn look(&self) -> LookRef<'_> {
        LookRef {
            cut_date: &self.cut_date,
            enrollment: &self.enrollment,
            safety: &self.safety,
            primary_events: self.primary_events,
            interim: self.interim.as_ref(),
            deaths: &self.deaths,
            serious_events: &self.serious_events,
            hys_law: &self.hys_law,
        }
    }
}

impl ClosedReport {
    pub fn look(&self) -> LookRef<'_> {
        LookRef {
            cut_date: &self.cut_date,
            enrollment: &self.enrollment,
            safety: &self.safety,
            primary_events: self.primary.events,
            interim: self.interim.as_ref(),
            deaths: &self.deaths,
            serious_events: &self.serious_events,
            hys_law: &self.labs.hys_law,
        }
    }
}

/// The closed report's monitoring numbers, deaths and serious events (the
/// latter two on a second thread), the same as [`closed_report`]'s.
pub fn closed_look(snap: &ClosedSnapshot, trial: &TrialConfig) -> Result<ClosedLook, ReportError> {
    let codes: Vec<&str> = trial.arms.iter().map(|a| a.code.as_str()).collect();
    let groups = rows_by_arm(&snap.adsl, &codes);
    let subject_days = SubjectDays::of(snap)?;
    let (listed, numbers) = std::thread::scope(|s| {
        let listed = s.spawn(|| {
            Ok::<_, ReportError>((
                serious_events(snap, &subject_days)?,
                deaths(snap, trial, &groups)?,
                hys_law_cases(snap, trial, &groups)?,
            ))
        });
        let numbers = monitoring(snap, trial, &subject_days, false);
        (listed.join(), numbers)
    });
    let (serious_events, deaths, hys_law) =
        listed.unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
    let numbers = numbers?;
    Ok(ClosedLook {
        cut_date: snap.cut_date.to_string(),
        enrollment: numbers.enrollment,
        safety: numbers.safety,
        primary_events: numbers.primary.events,
        interim: numbers.interim,
        deaths,
        serious_events,
        hys_law,
    })
}

/// The interim look of the closed report alone (the statistic's path over
/// earlier cuts reads nothing else of them): the same as
/// [`closed_report`]'s, from a snapshot that may leave ADLB unparsed.
pub fn closed_interim(
    snap: &ClosedSnapshot,
    trial: &TrialConfig,
) -> Result<Option<Interim>, ReportError> {
    let subject_days = SubjectDays::of(snap)?;
    Ok(monitoring(snap, trial, &subject_days, false)?.interim)
}

/// The report tables of the closed report.
struct Tables {
    serious: Vec<SeriousEvent>,
    baseline: Vec<ClosedBaseline>,
    disposition: Disposition,
    adverse_events: AdverseEvents,
    deaths: Deaths,
    exposure: Exposure,
    deviations: Deviations,
}

fn report_tables(
    snap: &ClosedSnapshot,
    trial: &TrialConfig,
    groups: &BTreeMap<String, Vec<usize>>,
    subject_days: &SubjectDays,
) -> Result<Tables, ReportError> {
    let reference = trial.arms.first().map(|a| a.code.as_str());
    Ok(Tables {
        serious: serious_events(snap, subject_days)?,
        baseline: baseline(snap, trial, groups),
        disposition: disposition(snap, trial, groups)?,
        adverse_events: adverse_events(snap, trial, groups, reference)?,
        deaths: deaths(snap, trial, groups)?,
        exposure: exposure(snap, trial, groups)?,
        deviations: deviations(snap, trial)?,
    })
}

/// The monitoring numbers of the closed report: enrollment, the safety
/// categories, the primary endpoint, subgroups and the interim look.
struct Monitoring {
    enrollment: ClosedEnrollment,
    safety: Vec<ClosedRate>,
    primary: ClosedPrimary,
    subgroups: Vec<SubgroupRow>,
    subgroup_interactions: Vec<SubgroupInteraction>,
    secondary: Vec<super::secondary::SecondaryResult>,
    bayes: Option<super::bayes::BayesSummary>,
    benefit_risk: Option<super::benefit_risk::BenefitRiskResult>,
    interim: Option<Interim>,
    incidence_days: Vec<f64>,
}

/// With `beyond_primary`, the secondary endpoints, the Bayesian summaries
/// and benefit-risk too (the whole report's; a look or an earlier cut's
/// comparison reads none of them, and its snapshot may leave ADLB unread).
fn monitoring(
    snap: &ClosedSnapshot,
    trial: &TrialConfig,
    subject_days: &SubjectDays,
    beyond_primary: bool,
) -> Result<Monitoring, ReportError> {
    let codes: Vec<&str> = trial.arms.iter().map(|a| a.code.as_str()).collect();
    let total = u32_of(snap.adsl.height());

    let mut by_site_arm: BTreeMap<String, BTreeMap<String, u32>> = BTreeMap::new();
    for ((site, arm), n) in count_by2(snap.adsl.clone().lazy(), "SITEID", "ARM")? {
        by_site_arm.entry(site).or_default().insert(arm, n);
    }
    for arms in by_site_arm.values_mut() {
        for c in &codes {
            arms.entry(c.to_string()).or_insert(0);
        }
    }

    let hits = category_hits(snap, trial)?;
    let subjects = subject_frame(snap, trial, &hits)?;
    let ncat = trial.safety.len();
    let per_arm: HashMap<String, Vec<u32>> = sums(subjects.clone().lazy(), ncat, true)?
        .into_iter()
        .collect();
    let arm_value = |arm: &str, i: usize| arm_sum(&per_arm, arm, i);

    let incidence_days = super::safety_time::incidence_days(trial);
    let onsets = category_onsets(snap, &hits)?;
    let benefit_risk = if beyond_primary {
        super::benefit_risk::benefit_risk(snap, trial, &hits)?
    } else {
        None
    };
    drop(hits);
    let safety = closed_rates(
        snap,
        trial,
        &per_arm,
        total,
        subject_days,
        &onsets,
        &incidence_days,
    )?;

    let primary_by_arm = events_by_arm(&per_arm, &codes, ncat);
    // The primary endpoint's times, whenever it is an ADTTE parameter: a
    // binary endpoint read at a horizon is summarised by Kaplan-Meier, the
    // log-rank test and Cox too, as papers report it (Altshock-2: HR 0.72).
    // The look and the subgroup effects follow the design's endpoint.
    let times = time_to_event(snap, trial)?;
    let tte = times
        .as_ref()
        .filter(|_| trial.design.endpoint == EndpointKind::TimeToEvent);
    let comparison = primary_comparison(trial, &primary_by_arm);
    let primary = ClosedPrimary {
        name: trial.primary.name.clone(),
        events: primary_by_arm.values().map(|e| e.events).sum(),
        n: total,
        by_arm: primary_by_arm,
        comparison,
        survival: times.as_ref().map(|d| survival_summary(d, trial)),
    };
    let (subgroups, subgroup_interactions) = subgroups(trial, &subjects, tte, ncat)?;
    let bayes = beyond_primary
        .then(|| super::bayes::bayes(trial, &primary.by_arm, tte))
        .flatten();

    Ok(Monitoring {
        enrollment: ClosedEnrollment {
            total,
            target: trial.enrollment.target,
            by_site: by_site(snap)?,
            by_arm: codes
                .iter()
                .map(|c| (c.to_string(), arm_value(c, 0)))
                .collect(),
            by_site_arm,
            cumulative_by_month: cumulative_by_month(snap)?,
            cumulative_by_arm_month: codes
                .iter()
                .map(|c| Ok((c.to_string(), cumulative_by_month_of(snap, Some(c))?)))
                .collect::<Result<_, PolarsError>>()?,
        },
        safety,
        primary,
        subgroups,
        subgroup_interactions,
        secondary: if beyond_primary {
            super::secondary::secondary(snap, trial)?
        } else {
            Vec::new()
        },
        bayes,
        benefit_risk,
        interim: interim(snap, trial, &per_arm_primary_events(&per_arm, ncat), tte)?,
        incidence_days,
    })
}

/// A binary primary endpoint's events of the design's compared arms by the
/// trial's test rule.
fn primary_comparison(
    trial: &TrialConfig,
    by_arm: &BTreeMap<String, EventsN>,
) -> Option<PrimaryComparison> {
    if trial.design.endpoint != EndpointKind::Binary {
        return None;
    }
    compare_groups(trial, by_arm)
}

/// The design's compared arms' events/n in `by_arm` compared by the
/// trial's configured test (the safety rule: chi-square or Fisher).
pub(super) fn compare_groups(
    trial: &TrialConfig,
    by_arm: &BTreeMap<String, EventsN>,
) -> Option<PrimaryComparison> {
    let (ri, ti) = compared_arms(trial)?;
    let (r, t) = (&trial.arms[ri].code, &trial.arms[ti].code);
    let (a, b) = (by_arm.get(t)?, by_arm.get(r)?);
    let table = TwoByTwo {
        events_1: u64::from(a.events),
        n_1: u64::from(a.n),
        events_2: u64::from(b.events),
        n_2: u64::from(b.n),
    };
    let cmp = compare(
        &table,
        trial.analysis.safety_test,
        trial.analysis.continuity_correction,
    )?;
    Some(PrimaryComparison {
        arm: t.clone(),
        reference: r.clone(),
        test: cmp.test,
        p_value: cmp.p_value,
    })
}

fn per_arm_primary_events(
    per_arm: &HashMap<String, Vec<u32>>,
    ncat: usize,
) -> HashMap<String, u32> {
    per_arm
        .iter()
        .map(|(k, v)| (k.clone(), v.get(1 + ncat).copied().unwrap_or(0)))
        .collect()
}
