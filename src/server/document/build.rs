//! The two report documents, assembled from the screen's DTOs: the open
//! report from the open report type only (it cannot hold an arm), the
//! closed report from the closed report named as the viewer's coding says.

use super::model::{Audience, Document, Section, Table};
use super::sections::{self, listing_note, rate_cell, yes, Previous, CHART_WIDTH, LISTING_ROWS};
use super::svg::svg;
use crate::components::format::{ci_pct, p_is, pct};
use crate::dto::{EnrollmentSummary, PathPoint, Role, SinceReview};
use crate::server::config::TrialConfig;
use crate::server::data::manifest::FileDigest;
use crate::server::firewall::ArmNames;
use crate::server::report::adverse::CATEGORIES;
use crate::server::report::{ClosedReport, OpenReport};
use crate::server::views;

/// What a document records of its making, for its title page and appendix.
pub struct Meta {
    pub version: u32,
    /// UTC, `YYYY-MM-DDTHH:MM:SSZ`.
    pub built_at: String,
    /// The data cut's files as read, with their SHA-256.
    pub files: Vec<FileDigest>,
    /// The SHA-256 of the cut's manifest, when it is registered.
    pub manifest_sha256: Option<String>,
}

/// Now, UTC, to the second, as a document's build time is written.
pub fn now() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// This program's name and version, as the appendix names it.
pub fn software() -> String {
    format!("dsmb {}", env!("CARGO_PKG_VERSION"))
}

fn document(trial: &TrialConfig, cut: &str, meta: &Meta, audience: Audience) -> Document {
    Document {
        trial_id: trial.id.clone(),
        trial_title: trial.title.clone(),
        cut_date: cut.to_string(),
        version: meta.version,
        audience,
        band: audience.band().to_string(),
        head: format!("{} · data cut {cut} · version {}", trial.id, meta.version),
        built_at: meta.built_at.clone(),
        subtitle: vec![
            format!("Data cut-off {cut}"),
            format!("Report version {}, built {}", meta.version, meta.built_at),
            match audience {
                Audience::Open => {
                    "Open report: pooled data only, for the sponsor and the open session".into()
                }
                Audience::Closed { coded: true } => {
                    "Closed report for the DSMB only: groups coded by letter".into()
                }
                Audience::Closed { coded: false } => {
                    "Closed report for the DSMB only: treatment arms decoded".into()
                }
                Audience::AuditTrail => "An export of the audit trail".into(),
            },
        ],
        sections: Vec::new(),
        watermark: None,
    }
}

/// The trial's configuration as the decoded closed report's appendix
/// shows it: without the arms' data values (which column value is which
/// arm is a data mapping, not a setting the reader needs).
fn config_text(trial: &TrialConfig) -> String {
    let mut shown = trial.clone();
    for a in &mut shown.arms {
        a.value = None;
    }
    toml::to_string(&shown).unwrap_or_default()
}

/// The settings a report may show whatever its readers: none names an
/// arm (no arm list, no per-arm assumption, no free text); the futility
/// guideline only in the closed report.
fn settings(trial: &TrialConfig, closed: bool) -> Vec<(String, String)> {
    let mut out = vec![
        (
            "Trial".to_string(),
            format!("{} ({})", trial.title, trial.id),
        ),
        (
            "Planned enrollment".into(),
            trial.enrollment.target.to_string(),
        ),
        ("Primary endpoint".into(), trial.primary.name.clone()),
        ("Design".into(), views::efficacy::design_text(&trial.design)),
        (
            "Safety categories".into(),
            trial
                .safety
                .iter()
                .map(|c| c.name.clone())
                .collect::<Vec<_>>()
                .join("; "),
        ),
        (
            "Small-cell threshold of pooled counts".into(),
            trial.open_view.small_cell_threshold.to_string(),
        ),
    ];
    if closed {
        if let Some(f) = views::efficacy::futility_text(&trial.design) {
            out.push(("Futility guideline".into(), f));
        }
    }
    out
}

/// The appendix; `threshold` is the open report's small-cell threshold,
/// `risk_difference` the closed report's comparison method in words (closed only),
/// `coded` whether the closed report's groups are coded.
fn appendix(
    trial: &TrialConfig,
    meta: &Meta,
    threshold: u32,
    risk_difference: Option<&str>,
    coded: bool,
) -> Section {
    let mut s = Section::new("Appendix: data, configuration, methods and software");
    s.heading("The data cut");
    let mut t = Table::new(
        "Files read, with their SHA-256",
        vec!["File".into(), "SHA-256".into()],
    );
    for f in &meta.files {
        t.row(vec![f.name.clone(), f.sha256.clone()]);
    }
    if let Some(m) = &meta.manifest_sha256 {
        t.note(format!("Manifest SHA-256: {m}"));
    } else {
        t.note("The cut is not registered: it has no manifest.");
    }
    s.table(t);
    s.heading("Methods");
    let mut methods = vec![
        format!(
            "Safety categories: subjects with at least one event; exact (Clopper-Pearson) 95% intervals; small pooled counts from 1 to {} suppressed in the open report.",
            threshold.saturating_sub(1)
        ),
        "Adverse events by MedDRA system organ class and preferred term; subjects n (%) [events]; treatment-emergent events where the cut flags them.".to_string(),
        "Enrollment projection: the mean accrual rate over the last 180 days before the cut.".into(),
    ];
    if let Some(rd) = risk_difference {
        methods.extend([
            format!("Safety by group: {rd}"),
            "Group-sequential monitoring: Lan-DeMets alpha spending at the observed information fraction; conditional power under the design effect, the current trend and the null; predictive power under a flat prior; repeated confidence interval at the look's boundary.".into(),
            "Time to event: Kaplan-Meier estimates with Greenwood intervals, the log-rank test, Cox proportional-hazards hazard ratios (Efron ties) with Wald intervals.".into(),
            "Cumulative incidence: Aalen-Johansen, death without the event a competing risk.".into(),
        ]);
    }
    for m in methods {
        s.text(m);
    }
    s.heading("References");
    for r in [
        "Lan KKG, DeMets DL. Discrete sequential boundaries for clinical trials. Biometrika 1983;70:659-663.",
        "Lachin JM. A review of methods for futility stopping based on conditional power. Stat Med 2005;24:2747-2764.",
        "Jennison C, Turnbull BW. Group Sequential Methods with Applications to Clinical Trials. Chapman & Hall/CRC, 2000.",
        "US FDA. Use of Data Monitoring Committees in Clinical Trials, guidance for industry (draft), 2024.",
        "NINDS. Data and Safety Monitoring Board report templates (open and closed reports).",
    ] {
        s.text(r);
    }
    s.heading("The trial's configuration");
    match (risk_difference, coded) {
        // A decoded closed report: the whole configuration.
        (Some(_), false) => {
            s.code(config_text(trial));
        }
        _ => {
            s.facts(settings(trial, risk_difference.is_some()));
            s.text("The arms' configuration is in the decoded closed report only.");
        }
    }
    s.heading("Software");
    s.facts(vec![("Built by".into(), software())]);
    s
}

/// The open report: every number from the open report (pooled, small
/// counts suppressed) and the pooled enrollment; "since the last review"
/// from the pooled diff.
pub fn open_document(
    trial: &TrialConfig,
    open: &OpenReport,
    enrollment: &EnrollmentSummary,
    previous: Option<&Previous>,
    since: Option<&SinceReview>,
    standing: &crate::dto::Standing,
    meta: &Meta,
) -> Document {
    let role = Role::Sponsor;
    let id = trial.id.clone();
    let mut doc = document(trial, &open.cut_date, meta, Audience::Open);
    doc.sections
        .push(sections::status(standing, enrollment, previous, since));
    doc.sections.push(sections::enrollment(enrollment));
    doc.sections
        .push(sections::disposition(&views::disposition::open_table(
            id.clone(),
            role,
            open,
        )));
    doc.sections
        .push(sections::baseline(&views::baseline::open_table(
            id.clone(),
            role,
            open,
        )));
    doc.sections
        .push(sections::conduct(&views::conduct::open_conduct(role, open)));
    let mut ae = Section::new("Adverse events by system organ class and preferred term");
    for cat in CATEGORIES {
        sections::adverse_events(&mut ae, &views::adverse::open_table(role, open, cat));
    }
    doc.sections.push(ae);
    doc.sections
        .push(sections::deaths(&views::conduct::open_deaths(role, open)));
    doc.sections.push(super::labs::labs(
        &views::labs::open_labs(role, open),
        &[],
        &views::labs::open_trend_charts(open),
    ));
    let safety = views::safety::open_safety(id, role, open, Vec::new());
    let mut s = Section::new("Safety events");
    let mut t = Table::new(
        "Subjects with at least one event, all subjects pooled",
        vec![
            "Category".into(),
            "Subjects".into(),
            "N".into(),
            "%".into(),
            "95% CI (%)".into(),
        ],
    );
    for r in &safety.rows {
        t.row(vec![
            r.category.clone(),
            r.subjects
                .map_or(format!("<{}", safety.small_cell_threshold), |s| {
                    s.to_string()
                }),
            r.n.to_string(),
            r.percent.map_or("–".into(), |p| format!("{p:.1}")),
            ci_pct(r.ci95),
        ]);
    }
    t.note(if safety.small_cell_threshold > 1 {
        format!(
            "Exact (Clopper-Pearson) 95% intervals. Counts from 1 to {} are suppressed.",
            safety.small_cell_threshold - 1
        )
    } else {
        "Exact (Clopper-Pearson) 95% intervals.".to_string()
    });
    s.table(t);
    s.absent("Safety by group, cumulative incidence by group, efficacy and futility, Kaplan-Meier curves and subgroups are in the closed report only.");
    doc.sections.push(s);
    doc.sections.push(sections::completeness(enrollment));
    doc.sections.push(appendix(
        trial,
        meta,
        open.small_cell_threshold,
        None,
        false,
    ));
    doc
}

/// What the closed report is made of.
pub struct ClosedParts<'a> {
    pub trial: &'a TrialConfig,
    pub closed: &'a ClosedReport,
    /// The viewer's names for the groups: coded letters, or decoded arms.
    pub names: &'a ArmNames,
    pub enrollment: &'a EnrollmentSummary,
    /// The interim statistic at this and the earlier cuts.
    pub path: Vec<PathPoint>,
    pub cuts: Vec<String>,
    pub previous: Option<&'a Previous>,
    pub since: Option<&'a SinceReview>,
    /// Page 1: where the trial stands, as the viewer's coding shows it.
    pub standing: &'a crate::dto::Standing,
}

/// The closed report, by group as `names` name them (a DSMB member's
/// coding: the coded views, nothing directional until the decode).
pub fn closed_document(c: ClosedParts<'_>, meta: &Meta) -> Document {
    let ClosedParts {
        trial,
        closed,
        names,
        enrollment,
        path,
        cuts,
        previous,
        since,
        standing,
    } = c;
    // A statistician's view of the closed report: decoded unless the names
    // are coded (the DSMB's coding, chosen when the report is built).
    let role = if names.coded {
        Role::Dsmb
    } else {
        Role::Statistician
    };
    let id = trial.id.clone();
    let mut doc = document(
        trial,
        &closed.cut_date,
        meta,
        Audience::Closed { coded: names.coded },
    );
    doc.sections
        .push(sections::status(standing, enrollment, previous, since));

    let mut e = sections::enrollment(enrollment);
    let by_group = views::enrollment::by_group_of(id.clone(), role, closed, names);
    let mut t = Table::new(
        "Subjects randomized by group",
        vec!["Group".into(), "Randomized".into()],
    );
    for g in &by_group.groups {
        t.row(vec![g.group.clone(), g.enrolled.to_string()]);
    }
    e.table(t);
    e.figure(
        "Cumulative enrollment by group",
        svg(&by_group.chart, CHART_WIDTH),
    );
    doc.sections.push(e);
    // Efficacy, futility and harm come before the long tables: the decision
    // first.
    doc.sections
        .push(super::efficacy::section(trial, closed, names, path, cuts));
    let safety = views::safety::closed_safety(&trial.analysis, id.clone(), closed, names);
    doc.sections.push(safety_section(closed, names, &safety));

    doc.sections
        .push(sections::disposition(&views::disposition::closed_table(
            id.clone(),
            role,
            closed,
            names,
        )));
    doc.sections
        .push(sections::baseline(&views::baseline::closed_table(
            id.clone(),
            role,
            closed,
            names,
        )));
    doc.sections
        .push(sections::conduct(&views::conduct::closed_conduct(
            role, closed, names,
        )));
    let mut ae = Section::new("Adverse events by system organ class and preferred term");
    for cat in CATEGORIES {
        sections::adverse_events(
            &mut ae,
            &views::adverse::closed_table(trial, role, closed, names, cat),
        );
    }
    doc.sections.push(ae);
    doc.sections
        .push(sections::deaths(&views::conduct::closed_deaths(
            role, closed, names, 1,
        )));
    // The section's view with its listing's first page, which carries
    // the listing's count.
    let lab_view = views::labs::listing_page(
        views::labs::closed_labs(role, closed, names),
        closed,
        names,
        1,
    );
    let lab_rows = super::labs::listing_rows(&lab_view, |p| {
        views::labs::listing_page(lab_view.clone(), closed, names, p)
    });
    doc.sections.push(super::labs::labs(
        &lab_view,
        &lab_rows,
        &views::labs::closed_trend_charts(closed, names),
    ));

    doc.sections.push(sections::completeness(enrollment));
    doc.sections.push(appendix(
        trial,
        meta,
        trial.open_view.small_cell_threshold,
        Some(&safety.test_caption),
        names.coded,
    ));
    doc
}

/// Safety categories by group, the safety monitoring rules, cumulative
/// incidence and the serious events: the decision's safety half, ahead of
/// the long tables.
fn safety_section(
    closed: &ClosedReport,
    names: &ArmNames,
    safety: &crate::dto::ClosedSafety,
) -> Section {
    let mut s = Section::new("Safety events by group");
    let groups: Vec<String> = safety
        .rows
        .first()
        .map(|r| r.groups.iter().map(|g| g.group.clone()).collect())
        .unwrap_or_default();
    let mut header = vec!["Category".to_string()];
    header.extend(groups.iter().cloned());
    header.push("Risk difference (95% CI); p".into());
    let mut t = Table::new("Subjects with at least one event, by group", header);
    for r in &safety.rows {
        let mut cells = vec![r.category.clone()];
        cells.extend(
            r.groups
                .iter()
                .map(|g| rate_cell(g.subjects, g.n, g.percent, g.ci95)),
        );
        cells.push(
            r.comparisons
                .iter()
                .map(|c| {
                    let rd = match (c.risk_difference, c.risk_difference_ci95) {
                        (Some(d), Some([lo, hi])) => {
                            format!("{} ({} to {})", pct(d), pct(lo), pct(hi))
                        }
                        _ => "–".into(),
                    };
                    format!("{}: {rd}; {} ({})", c.label, p_is(c.p_value), c.test)
                })
                .collect::<Vec<_>>()
                .join("\n"),
        );
        t.row(cells);
    }
    t.note(safety.test_caption.clone());
    s.table(t);
    safety_rules(&mut s, &safety.rules);
    s.heading("Cumulative incidence");
    // One chart per category (the screen switches between them).
    for r in safety.rows.iter().filter(|r| !r.incidence.is_empty()) {
        let chart = crate::server::views::figures::cumulative_incidence(
            std::slice::from_ref(r),
            &safety.incidence_days,
        );
        s.figure(
            format!("Cumulative incidence of {} by group", r.category),
            svg(&chart, CHART_WIDTH),
        );
    }
    let serious_order = views::safety::listing_order(closed, names);
    let mut t = Table::new(
        format!(
            "Serious and fatal adverse events ({})",
            safety.serious_total
        ),
        vec![
            "Group".into(),
            "Serious".into(),
            "Fatal".into(),
            "Subjects".into(),
        ],
    );
    for c in &safety.serious_summary {
        t.row(vec![
            c.group.clone(),
            c.serious.to_string(),
            c.fatal.to_string(),
            c.subjects.to_string(),
        ]);
    }
    s.table(t);
    let mut t = Table::new(
        "Serious and fatal adverse events listed, newest first",
        vec![
            "Group".into(),
            "Subject".into(),
            "Term".into(),
            "Onset".into(),
            "Day".into(),
            "Serious".into(),
            "Fatal".into(),
        ],
    );
    let rows = views::safety::listing_rows(closed, names, &serious_order, LISTING_ROWS);
    for r in &rows {
        t.row(vec![
            r.group.clone(),
            r.usubjid.clone(),
            r.term.clone(),
            r.onset.clone().unwrap_or_else(|| "–".into()),
            r.day.map_or("–".into(), |d| d.to_string()),
            yes(r.serious),
            yes(r.fatal),
        ]);
    }
    listing_note(&mut t, rows.len(), serious_order.len());
    s.table(t);
    s
}

/// The safety monitoring rules: where each group (or ordered pair of
/// groups) stands on each rule, and a sequential rule's boundary.
fn safety_rules(s: &mut Section, rules: &[crate::dto::SafetyRuleView]) {
    if rules.is_empty() {
        return;
    }
    s.heading("Safety monitoring rules");
    for r in rules {
        let signal = |b: bool| if b { "signal" } else { "no signal" }.to_string();
        let mut t = Table::new(
            r.rule.clone(),
            vec![
                "Group".into(),
                "Events/subjects".into(),
                "Value".into(),
                "Rule".into(),
            ],
        );
        if r.kind == "difference" {
            for p in &r.pairs {
                t.row(vec![
                    format!("{} above {}", p.higher, p.lower),
                    "–".into(),
                    format!("{:.4}", p.probability),
                    signal(p.signal),
                ]);
            }
        } else {
            for g in &r.groups {
                let value = match (g.posterior, g.signal_at) {
                    (Some(p), _) => format!("P = {p:.4}"),
                    (None, Some(b)) => format!("signal at >= {b} events"),
                    (None, None) => "beyond the rule's subjects".into(),
                };
                t.row(vec![
                    g.group.clone(),
                    format!("{}/{}", g.events, g.n),
                    value,
                    signal(g.signal),
                ]);
            }
        }
        if let Some(b) = &r.boundary {
            let runs: Vec<String> = b
                .runs
                .iter()
                .map(|(e, from, to)| format!(">= {e} of {from}-{to}"))
                .collect();
            let oc: Vec<String> = b
                .operating
                .iter()
                .map(|(p, q)| format!("{q:.4} at {p:.3}"))
                .collect();
            t.note(format!("Signal if the events reach: {}.", runs.join(", ")));
            t.note(format!(
                "Probability of a signal: {} (constant {:.7}).",
                oc.join("; "),
                b.c
            ));
        }
        t.note(
            "A rule that signals is for the board to weigh; it never stops the trial by itself.",
        );
        s.table(t);
    }
}
