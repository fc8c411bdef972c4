//! The closed report's efficacy and futility section: the screen's
//! efficacy view (coded while the groups are coded: nothing directional
//! until the decode), with its charts drawn as SVG.

use super::model::{Section, Table};
use super::sections::{p, CHART_WIDTH};
use super::svg::svg;
use crate::components::format::{median_ci, median_days, p_is, pct};
use crate::dto::{Efficacy, PathPoint};
use crate::server::config::TrialConfig;
use crate::server::firewall::ArmNames;
use crate::server::report::ClosedReport;
use crate::server::views;

fn o3(x: Option<f64>) -> String {
    x.map_or("–".to_string(), |v| format!("{v:.3}"))
}

/// The section, from the efficacy view the viewer's names call for.
pub fn section(
    trial: &TrialConfig,
    closed: &ClosedReport,
    names: &ArmNames,
    path: Vec<PathPoint>,
    cuts: Vec<String>,
) -> Section {
    let view = if names.coded {
        views::efficacy::coded_efficacy(trial.id.clone(), trial, closed, names, cuts)
    } else {
        views::efficacy::efficacy(trial.id.clone(), trial, closed, names, path, cuts)
    };
    of_view(&view)
}

fn of_view(v: &Efficacy) -> Section {
    let mut s = Section::new("Efficacy and futility");
    s.facts(vec![
        ("Primary endpoint".into(), v.endpoint.clone()),
        ("Design".into(), v.design.clone()),
    ]);
    primary(&mut s, v);
    look(&mut s, v);
    bayes(&mut s, v);
    survival(&mut s, v);
    benefit_risk(&mut s, v);
    subgroups(&mut s, v);
    secondary(&mut s, v);
    continuous(&mut s, v);
    s
}

/// The primary endpoint's posterior summaries, one row per prior.
fn bayes(s: &mut Section, v: &Efficacy) {
    let Some(b) = &v.bayes else {
        return;
    };
    s.heading("Bayesian summaries of the primary endpoint");
    let mut header = vec![
        "Prior".to_string(),
        "Posterior estimate (95% CrI)".into(),
        "P(benefit)".into(),
        "P(harm)".into(),
    ];
    header.extend(b.mcid_header.iter().cloned());
    let mut t = Table::new(format!("{}: posterior summaries", b.measure), header);
    for r in &b.rows {
        let mut cells = vec![
            format!("{} ({})", r.prior, r.prior_text),
            r.estimate.clone(),
            r.p_benefit.clone(),
            r.p_harm.clone(),
        ];
        if b.mcid_header.is_some() {
            cells.push(r.p_mcid.clone().unwrap_or_else(|| "–".into()));
        }
        t.row(cells);
    }
    t.mark_numeric();
    t.note(format!("Data: {}.", b.data));
    t.note(b.caption.clone());
    s.table(t);
}

/// Benefit-risk in one view: the chart, what each level decided and the
/// win statistics.
fn benefit_risk(s: &mut Section, v: &Efficacy) {
    let Some(b) = &v.benefit_risk else {
        return;
    };
    s.heading("Benefit-risk in one view");
    // The figure right under the heading (which keeps with it), the
    // comparison in its caption.
    s.figure(
        format!(
            "Wins, losses and ties at each level of the hierarchy (% of all pairs): {}, {}, outcomes in order of importance",
            b.comparison, b.pairs
        ),
        svg(&b.chart, CHART_WIDTH),
    );
    let mut t = Table::new(
        "Wins and losses decided at each level",
        vec![
            "Outcome".into(),
            "Pairs reaching it".into(),
            "Wins".into(),
            "Losses".into(),
        ],
    );
    for (i, l) in b.levels.iter().enumerate() {
        t.row(vec![
            format!("{}. {} ({})", i + 1, l.name, l.compared),
            l.reached.clone(),
            l.wins.clone(),
            l.losses.clone(),
        ]);
    }
    t.mark_numeric();
    s.table(t);
    let mut t = Table::new(
        "Win statistics",
        vec!["Statistic".into(), "Estimate (95% CI)".into()],
    );
    for (name, value) in &b.statistics {
        t.row(vec![name.clone(), value.clone()]);
    }
    t.mark_numeric();
    t.note(format!("{}.", b.test));
    t.note(b.caption.clone());
    s.table(t);
}

/// The continuous secondary endpoints: each one's lines by group, and the
/// difference and test below the table.
fn continuous(s: &mut Section, v: &Efficacy) {
    if v.continuous.is_empty() {
        return;
    }
    if v.secondary.is_empty() {
        s.heading("Secondary endpoints");
    }
    let mut lines = Vec::new();
    for r in &v.continuous {
        lines.push(crate::dto::BaselineLine {
            label: r.name.clone(),
            indent: false,
            cells: vec![String::new(); v.secondary_groups.len()],
        });
        lines.extend(r.lines.iter().cloned());
    }
    let mut t = super::sections::lines_table(
        "Continuous secondary endpoints by group",
        "Endpoint",
        &v.secondary_groups,
        &lines,
    );
    for r in &v.continuous {
        t.note(format!(
            "{} ({}): difference in means (Welch 95% CI) {}; {}.",
            r.name, r.definition, r.difference, r.comparison
        ));
    }
    s.table(t);
}

/// The configured secondary endpoints by group, as the page shows them.
fn secondary(s: &mut Section, v: &Efficacy) {
    if v.secondary.is_empty() {
        return;
    }
    s.heading("Secondary endpoints");
    let mut header = vec!["Endpoint".to_string()];
    header.extend(
        v.secondary_groups
            .iter()
            .map(|g| format!("{g}: events/n (%)")),
    );
    header.push("Comparison".into());
    let mut t = Table::new("Secondary endpoints by group", header);
    for r in &v.secondary {
        let mut cells = vec![format!("{} ({})", r.name, r.kind)];
        cells.extend(r.cells.iter().cloned());
        cells.push(r.comparison.clone());
        t.row(cells);
    }
    for r in &v.secondary {
        t.note(format!("{}: {}", r.name, r.definition));
    }
    s.table(t);
}

/// The primary endpoint by group, and why the directional results wait
/// (coded groups), if they do.
fn primary(s: &mut Section, v: &Efficacy) {
    let mut t = Table::new(
        "The primary endpoint by group",
        vec![
            "Group".into(),
            "Randomized".into(),
            "Evaluable".into(),
            "Events".into(),
        ],
    );
    for r in &v.primary {
        t.row(vec![
            r.group.clone(),
            r.randomized.to_string(),
            r.evaluable.map_or("–".into(), |e| e.to_string()),
            r.events.to_string(),
        ]);
    }
    if let Some(test) = &v.primary_test {
        t.note(test.clone());
    }
    s.table(t);
    if let Some(w) = &v.withheld {
        s.absent(w.clone());
    }
}

/// The group-sequential look: the boundaries at the observed information,
/// the statistic, conditional and predictive power, the verdict with its
/// basis, the path over the cuts.
fn look(s: &mut Section, v: &Efficacy) {
    match &v.interim {
        Some(i) => {
            s.heading("Group-sequential boundaries at the observed information");
            let bound = i
                .efficacy_bounds
                .get(i.look.saturating_sub(1))
                .map_or("–".to_string(), |b| format!("{b:.3}"));
            let mut facts = vec![
                ("Look".to_string(), i.look_label.clone()),
                (
                    "Information fraction".into(),
                    format!("{:.3} ({})", i.information_fraction, i.information),
                ),
                ("z-statistic".into(), format!("{:.3}", i.z)),
                ("B-value".into(), format!("{:.3}", i.b_value)),
                ("Efficacy boundary at this look (z)".into(), bound),
                (
                    "Futility boundary at this look (z)".into(),
                    futility_here(i),
                ),
                (
                    "Conditional power".into(),
                    format!(
                        "{} under the current trend; {} under the design effect; {} under the null",
                        i.cp_trend.map_or("–".into(), pct),
                        i.cp_design.map_or("–".into(), pct),
                        i.cp_null.map_or("–".into(), pct)
                    ),
                ),
                (
                    "Predictive power".into(),
                    i.predictive_power.map_or("–".into(), pct),
                ),
                (
                    format!("Repeated 95% CI ({})", i.effect_measure),
                    format!("{:.3} to {:.3}", i.repeated_ci[0], i.repeated_ci[1]),
                ),
                ("Repeated p-value".into(), p(i.repeated_p_value)),
                ("Verdict".into(), i.verdict.clone()),
            ];
            if let Some(h) = &i.harm_bounds {
                let at = h
                    .get(i.look.saturating_sub(1))
                    .map_or("–".into(), |b| format!("{b:.3}"));
                facts.insert(6, ("Harm boundary at this look (z)".into(), at));
            }
            if !i.basis.is_empty() {
                facts.push(("Its basis".into(), i.basis.join("; ")));
            }
            if let Some(r) = &i.futility_rule {
                facts.push(("The guideline it rests on".into(), r.clone()));
            }
            if let Some(r) = &i.harm_rule {
                facts.push(("The harm guideline".into(), r.clone()));
            }
            s.facts(facts);
            s.figure(
                "Boundaries and the z path over the cuts",
                svg(&i.boundary_chart, CHART_WIDTH),
            );
            s.table(bounds_table(i));
            let mut t = Table::new(
                "The statistic's path over the cuts",
                vec![
                    "Cut".into(),
                    "Information".into(),
                    "z".into(),
                    "B-value".into(),
                ],
            );
            for pt in &i.path {
                t.row(vec![
                    pt.cut_date.clone(),
                    format!("{:.3}", pt.information_fraction),
                    format!("{:.3}", pt.z),
                    format!("{:.3}", pt.b_value),
                ]);
            }
            s.table(t);
            if !i.curve.is_empty() {
                s.figure(
                    "Conditional power against the assumed effect",
                    svg(&i.cp_chart, CHART_WIDTH),
                );
                if let Some(n) = &i.curve_note {
                    s.text(n.clone());
                }
            }
        }
        None if v.withheld.is_none() => {
            s.absent("The trial has no group-sequential design for this endpoint: no boundaries or conditional power.");
        }
        None => {}
    }
}

/// The futility bound at this look: the design's beta-spending bound, or
/// the conditional-power guideline mapped onto z, said as such.
fn futility_here(i: &crate::dto::InterimView) -> String {
    if i.futility_bound.is_some() {
        return o3(i.futility_bound);
    }
    let guideline = i
        .bounds
        .iter()
        .find(|r| r.look == i.look)
        .and_then(|r| r.futility_cp_z);
    match (guideline, i.cp_threshold) {
        (Some(z), Some(g)) => format!(
            "{z:.3} (the conditional-power guideline on the z scale: below it, conditional power under the current trend is under {:.0}%)",
            100.0 * g
        ),
        _ => "–".into(),
    }
}

/// Each look's bounds with their nominal p-values and the alpha spent by
/// then, as the page shows them.
fn bounds_table(i: &crate::dto::InterimView) -> Table {
    use crate::components::format::small;
    let harm = i.bounds.iter().any(|r| r.harm_z.is_some());
    let mut header: Vec<String> = [
        "Look",
        "Information",
        "Efficacy z",
        "Nominal p",
        "Alpha spent",
    ]
    .map(String::from)
    .to_vec();
    if harm {
        header.extend(["Harm z", "Nominal p (harm)", "Harm alpha spent"].map(String::from));
    }
    let spent = i.bounds.iter().any(|r| r.futility_z.is_some());
    let guideline = i.bounds.iter().any(|r| r.futility_cp_z.is_some());
    if spent {
        header.push("Futility z".into());
    }
    if guideline {
        header.push(crate::components::format::cp_guideline_header(
            i.cp_threshold,
        ));
    }
    let mut t = Table::new(
        "Each look's bounds, their nominal p-values and the alpha spent by then (cumulative)",
        header,
    );
    for r in &i.bounds {
        let here = if r.look == i.look { " (this cut)" } else { "" };
        let mut cells = vec![
            format!("{}{here}", r.look),
            format!("{:.3}", r.information_fraction),
            format!("{:.3}", r.efficacy_z),
            small(r.efficacy_p),
            small(r.efficacy_alpha),
        ];
        if harm {
            cells.push(o3(r.harm_z));
            cells.push(r.harm_p.map_or("–".into(), small));
            cells.push(r.harm_alpha.map_or("–".into(), small));
        }
        if spent {
            cells.push(o3(r.futility_z));
        }
        if guideline {
            cells.push(o3(r.futility_cp_z));
        }
        t.row(cells);
    }
    t
}

/// Kaplan-Meier estimates, numbers at risk and the Cox hazard ratios.
fn survival(s: &mut Section, v: &Efficacy) {
    s.heading("Kaplan-Meier");
    if v.kaplan_meier.is_empty() {
        s.absent(
            "The primary endpoint has no time-to-event data (ADTTE): no Kaplan-Meier estimates.",
        );
    } else {
        s.figure(
            "Kaplan-Meier estimates by group",
            svg(&v.km_chart, CHART_WIDTH),
        );
        let mut t = Table::new(
            "Events and median time to event by group",
            vec![
                "Group".into(),
                "N".into(),
                "Events".into(),
                "Median (days)".into(),
                "95% CI".into(),
            ],
        );
        for k in &v.kaplan_meier {
            t.row(vec![
                k.group.clone(),
                k.n.to_string(),
                k.events.to_string(),
                median_days(k.median),
                median_ci(k.median_ci95),
            ]);
        }
        if let Some(lr) = v.logrank_p {
            t.note(format!("Log-rank test: {}", p_is(lr)));
        }
        s.table(t);
        let mut header = vec!["Number at risk".to_string()];
        header.extend(v.risk_times.iter().map(|d| format!("day {d:.0}")));
        let mut t = Table::new("Numbers at risk", header);
        for k in &v.kaplan_meier {
            let mut cells = vec![k.group.clone()];
            cells.extend(k.at_risk.iter().map(u32::to_string));
            t.row(cells);
        }
        s.table(t);
    }
    if !v.hazard_ratios.is_empty() {
        let mut t = Table::new(
            "Hazard ratios (Cox)",
            vec![
                "Comparison".into(),
                "HR".into(),
                "95% CI".into(),
                "p".into(),
            ],
        );
        for h in &v.hazard_ratios {
            t.row(vec![
                h.label.clone(),
                format!("{:.2}", h.hr),
                format!("{:.2} to {:.2}", h.ci95[0], h.ci95[1]),
                p(h.p),
            ]);
        }
        s.table(t);
    }
}

/// The treatment effect by subgroup, with the interaction tests.
fn subgroups(s: &mut Section, v: &Efficacy) {
    if !v.forest.is_empty() {
        s.heading("Subgroups");
        s.figure(
            format!("Subgroups: {}", v.forest_measure),
            svg(&v.forest_chart, CHART_WIDTH),
        );
        let mut header = vec!["Subgroup".to_string(), "Level".into()];
        header.extend(v.forest_groups.iter().map(|g| format!("{g}: events/n")));
        header.extend(["N".into(), "Estimate".into(), "95% CI".into()]);
        let mut t = Table::new(format!("Subgroups ({})", v.forest_measure), header);
        for f in &v.forest {
            let mut cells = vec![f.label.clone(), f.level.clone()];
            cells.extend(f.events.iter().cloned());
            t.row(
                [
                    cells,
                    vec![
                        f.n.to_string(),
                        f.estimate.map_or("–".into(), |e| format!("{e:.2}")),
                        f.ci95
                            .map_or("–".into(), |c| format!("{:.2} to {:.2}", c[0], c[1])),
                    ],
                ]
                .concat(),
            );
        }
        for (var, pv) in &v.interactions {
            t.note(format!(
                "Interaction, {var} (likelihood ratio, {} models): {}",
                v.interaction_model,
                p_is(*pv)
            ));
        }
        s.table(t);
    }
}
