//! The report documents' sections, each made from the DTO the screen shows
//! (`server::views`), so a document carries the screen's words and numbers:
//! the ones both reports share, given the open or the closed DTO.

use super::model::{Section, Table};
use super::svg::svg;
use crate::components::format::{ci_pct, p_fmt, pct};
use crate::dto::{
    AeView, BaselineLine, BaselineTable, ConductView, DeathsView, DispositionTable,
    EnrollmentSummary, LinesTableData, SinceLine, SinceReview,
};
use crate::server::views::figures;

/// Chart width in the documents (pixels of the SVG's own coordinates).
pub const CHART_WIDTH: f64 = 640.0;

/// At most this many rows of a listing in a document; the rest are counted
/// and left to the screen and `dsmb summary --json`.
pub const LISTING_ROWS: usize = 200;

fn dash(v: Option<u32>) -> String {
    v.map_or("–".to_string(), |v| v.to_string())
}

/// A table of lines (baseline, disposition, exposure, deaths): the first
/// column names the line.
pub fn lines_table(
    caption: &str,
    first: &str,
    columns: &[String],
    lines: &[BaselineLine],
) -> Table {
    let mut header = vec![first.to_string()];
    header.extend(columns.iter().cloned());
    let mut t = Table::new(caption, header);
    for l in lines {
        let mut cells = vec![l.label.clone()];
        cells.extend(l.cells.iter().cloned());
        t.styled(
            cells,
            !l.indent && l.cells.iter().all(String::is_empty),
            l.indent,
        );
    }
    t
}

pub(super) fn lines_data(d: &LinesTableData) -> Table {
    let mut t = lines_table(&d.title, &d.first, &d.columns, &d.lines);
    for n in &d.notes {
        t.note(n.clone());
    }
    t
}

/// The previous meeting's recommendation, as its readers may see it.
pub struct Previous {
    pub meeting_date: String,
    pub cut_date: String,
    pub recommendation: String,
    pub recommendation_text: String,
    pub open_minutes: String,
    pub signed_by: Option<String>,
    pub signed_at: Option<String>,
    /// The closed rationale (closed report only).
    pub rationale: Option<String>,
}

impl Previous {
    /// A signed meeting as a report shows it: the closed rationale only in
    /// the closed report.
    pub fn of(m: &crate::server::store::meetings::Meeting, closed: bool) -> Previous {
        let f = &m.fields;
        Previous {
            meeting_date: f.meeting_date.to_string(),
            cut_date: f.cut_date.to_string(),
            recommendation: f.recommendation.label().to_string(),
            recommendation_text: f.recommendation_text.clone(),
            open_minutes: f.open_minutes.clone(),
            signed_by: m.signed_by.clone(),
            signed_at: m.signed_at.clone(),
            rationale: closed.then(|| f.rationale.clone()),
        }
    }
}

/// Page 1, where the trial stands: the standing (status, looks, verdict,
/// signals), the cut, enrollment against target, the previous meeting's
/// recommendation and what changed since that review.
pub fn status(
    standing: &crate::dto::Standing,
    e: &EnrollmentSummary,
    previous: Option<&Previous>,
    since: Option<&SinceReview>,
) -> Section {
    let mut s = Section::new("Where the trial stands");
    super::standing::standing(&mut s, standing);
    s.heading("Study status");
    let mut facts = vec![
        ("Data cut-off".to_string(), e.cut_date.clone()),
        (
            "Subjects randomized".into(),
            format!("{} of {} planned", e.total, e.target),
        ),
    ];
    if e.target > 0 {
        facts.push((
            "Enrollment against target".into(),
            pct(f64::from(e.total) / f64::from(e.target)),
        ));
    }
    s.facts(facts);
    s.heading("The previous meeting's recommendation");
    match previous {
        Some(p) => {
            let mut facts = vec![
                ("Meeting".to_string(), p.meeting_date.clone()),
                ("Cut reviewed".into(), p.cut_date.clone()),
                ("Recommendation".into(), p.recommendation.clone()),
            ];
            if !p.recommendation_text.is_empty() {
                facts.push(("In the DSMB's words".into(), p.recommendation_text.clone()));
            }
            if let (Some(by), Some(at)) = (&p.signed_by, &p.signed_at) {
                facts.push(("Signed".into(), format!("by {by} at {at}")));
            }
            s.facts(facts);
            if !p.open_minutes.is_empty() {
                s.text(format!("Open minutes: {}", p.open_minutes));
            }
            if let Some(r) = p.rationale.as_ref().filter(|r| !r.is_empty()) {
                s.text(format!("Rationale (closed): {r}"));
            }
        }
        None => {
            s.absent("No signed meeting has reviewed an earlier cut of this trial.");
        }
    }
    s.heading("What changed since the last review");
    match since {
        Some(d) => since_blocks(&mut s, d),
        None => {
            s.absent(
                "This is the trial's first good cut: there is no earlier one to compare with.",
            );
        }
    }
    s
}

fn since_table(caption: &str, first: &str, groups: &[String], lines: &[SinceLine]) -> Table {
    let mut header = vec![first.to_string(), "Then".into(), "Now".into(), "New".into()];
    header.extend(groups.iter().map(|g| format!("New, {g}")));
    let mut t = Table::new(caption, header);
    let new = |n: Option<i64>| n.map_or("–".to_string(), |n| format!("{n:+}"));
    for l in lines {
        let mut cells = vec![
            l.label.clone(),
            dash(l.total.then),
            dash(l.total.now),
            new(l.total.new),
        ];
        cells.extend(l.per_group.iter().map(|c| new(c.new)));
        t.row(cells);
    }
    t
}

fn since_blocks(s: &mut Section, d: &SinceReview) {
    if let Some(n) = &d.note {
        s.absent(n.clone());
        return;
    }
    s.text(format!(
        "The cut of {} against the cut of {} ({}).",
        d.to_cut, d.from_cut, d.basis
    ));
    s.table(since_table(
        "New since the last review",
        "",
        &d.groups,
        &d.lines,
    ));
    if let (Some(a), Some(b)) = (d.fraction_then, d.fraction_now) {
        s.facts(vec![(
            "Information fraction".into(),
            format!("{a:.3} then, {b:.3} now"),
        )]);
    }
    if !d.looks.is_empty() {
        let mut t = Table::new(
            "The interim statistic then and now",
            vec![
                "Cut".into(),
                "Look".into(),
                "Information".into(),
                "z".into(),
                "B-value".into(),
                "CP (trend)".into(),
                "CP (design)".into(),
            ],
        );
        let o = |x: Option<f64>| x.map_or("–".to_string(), |v| format!("{v:.3}"));
        for l in &d.looks {
            t.row(vec![
                l.cut.clone(),
                l.look.to_string(),
                format!("{:.3}", l.information_fraction),
                o(l.z),
                o(l.b_value),
                l.conditional_power_trend.map_or("–".into(), pct),
                l.conditional_power_design.map_or("–".into(), pct),
            ]);
        }
        s.table(t);
    }
    if !d.by_site.is_empty() {
        s.table(since_table("New subjects by site", "Site", &[], &d.by_site));
    }
    if d.closed {
        let mut t = Table::new(
            format!("New serious and fatal events ({})", d.new_events_total),
            vec![
                "Subject".into(),
                "Group".into(),
                "Term".into(),
                "Onset".into(),
                "Day".into(),
                "Serious".into(),
                "Fatal".into(),
            ],
        );
        for e in d.new_events.iter().take(LISTING_ROWS) {
            t.row(vec![
                e.usubjid.clone(),
                e.group.clone(),
                e.term.clone(),
                e.onset.clone(),
                e.day.map_or("–".into(), |d| d.to_string()),
                yes(e.serious),
                yes(e.fatal),
            ]);
        }
        listing_note(
            &mut t,
            d.new_events.len().min(LISTING_ROWS),
            d.new_events_total,
        );
        s.table(t);
    }
    let mut t = Table::new(
        format!("Changed records ({})", d.changed_total),
        vec!["Kind of change".into(), "Records".into()],
    );
    for (k, n) in &d.changed_by_kind {
        t.row(vec![k.clone(), n.to_string()]);
    }
    s.table(t);
    if d.closed && !d.changed.is_empty() {
        let mut t = Table::new(
            "Changed records, old and new values",
            vec![
                "Subject".into(),
                "Dataset".into(),
                "Record".into(),
                "Field".into(),
                "Old".into(),
                "New".into(),
                "Kind".into(),
            ],
        );
        for c in d.changed.iter().take(LISTING_ROWS) {
            t.row(vec![
                c.usubjid.clone(),
                c.dataset.clone(),
                c.record.clone(),
                c.field.clone(),
                c.old.clone(),
                c.new.clone(),
                c.kind.clone(),
            ]);
        }
        listing_note(&mut t, d.changed.len().min(LISTING_ROWS), d.changed_total);
        s.table(t);
    }
}

pub fn yes(b: bool) -> String {
    if b { "yes" } else { "no" }.into()
}

/// Under a listing cut to its first rows: how many there are.
pub fn listing_note(t: &mut Table, shown: usize, total: usize) {
    if shown < total {
        t.note(format!(
            "The first {shown} of {total} rows; the full listing is on the dashboard and in `dsmb summary --json`."
        ));
    }
}

/// Enrollment: overall, against target, by site, the projection and the
/// cumulative chart.
pub fn enrollment(e: &EnrollmentSummary) -> Section {
    let mut s = Section::new("Enrollment");
    let mut facts = vec![
        ("Randomized".to_string(), e.total.to_string()),
        ("Planned".into(), e.target.to_string()),
    ];
    if let Some(p) = &e.projection {
        facts.push((
            format!("Look {} ({:.0}% of the target)", p.look, 100.0 * p.fraction),
            format!(
                "{} more subjects; at {:.1} a month, expected by {} ({})",
                p.subjects_needed, p.rate_per_month, p.look_date, p.model
            ),
        ));
    }
    s.facts(facts);
    s.figure(
        "Cumulative enrollment against the target",
        svg(&figures::enrollment(e), CHART_WIDTH),
    );
    let mut t = Table::new(
        "Subjects randomized by site",
        vec!["Site".into(), "Randomized".into(), "% of all".into()],
    );
    for site in &e.by_site {
        t.row(vec![
            site.site.clone(),
            site.enrolled.to_string(),
            crate::components::format::percent(site.enrolled, e.total),
        ]);
    }
    s.table(t);
    s
}

/// Disposition: the CONSORT flow (the diagram the screen draws) and its
/// table.
pub fn disposition(d: &DispositionTable) -> Section {
    let mut s = Section::new("Disposition (CONSORT)");
    s.figure(
        "The flow of subjects",
        Some(d.svg.clone()).filter(|x| !x.is_empty()),
    );
    let mut t = lines_table("Disposition", "", &d.columns, &d.lines);
    for n in &d.notes {
        t.note(n.clone());
    }
    s.table(t);
    s
}

pub fn baseline(b: &BaselineTable) -> Section {
    let mut s = Section::new("Baseline characteristics");
    if b.lines.is_empty() {
        s.absent("No baseline characteristics are configured for this trial.");
    } else {
        s.table(lines_table(
            "Baseline characteristics",
            "Characteristic",
            &b.columns,
            &b.lines,
        ));
    }
    s
}

pub fn conduct(c: &ConductView) -> Section {
    let mut s = Section::new("Exposure and protocol deviations");
    s.table(lines_data(&c.exposure));
    s.table(lines_data(&c.deviations));
    s
}

/// One adverse-event category's table by organ class and term.
pub fn adverse_events(s: &mut Section, v: &AeView) {
    s.heading(v.label.clone());
    if !v.collected {
        s.absent(format!("{}: not collected in this cut.", v.label));
        return;
    }
    let mut header = vec!["System organ class / preferred term".to_string()];
    header.extend(v.columns.iter().cloned());
    let mut t = Table::new(format!("{} ({})", v.label, v.population), header);
    let mut overall = vec![v.overall.label.clone()];
    overall.extend(v.overall.cells.iter().cloned());
    t.styled(overall, true, false);
    for l in &v.lines {
        let mut cells = vec![l.label.clone()];
        cells.extend(l.cells.iter().cloned());
        t.styled(cells, l.class_row, !l.class_row);
    }
    t.note("Cells: subjects n (%) [events].");
    s.table(t);
    if let Some(sig) = &v.signals {
        ae_signals(s, sig);
    }
}

/// The signal screen: its volcano plot and the flagged terms.
fn ae_signals(s: &mut Section, v: &crate::dto::AeSignalsView) {
    s.heading("Adverse-event signals");
    if let Some(why) = &v.withheld {
        s.absent(why.clone());
        return;
    }
    // The figure right under the heading (which keeps with it), what was
    // screened in its caption.
    s.figure(
        format!(
            "Volcano plot, risk difference against −log10 p, flagged terms labelled. {}: {}",
            v.comparison, v.summary
        ),
        super::svg::svg(&v.volcano, CHART_WIDTH),
    );
    if !v.flagged.is_empty() {
        let mut header = vec!["Flagged term (organ class)".to_string()];
        header.extend(v.columns.iter().cloned());
        header.extend([
            "Difference, points".to_string(),
            "Relative risk".into(),
            "p".into(),
            "Adjusted p".into(),
        ]);
        let mut t = Table::new("Flagged adverse-event terms", header);
        for r in &v.flagged {
            let mut cells = vec![format!("{} ({})", r.term, r.organ_class)];
            cells.extend(r.cells.iter().cloned());
            cells.extend([
                r.risk_difference.clone(),
                r.relative_risk.clone(),
                r.p.clone(),
                r.p_adjusted.clone(),
            ]);
            t.row(cells);
        }
        t.mark_numeric();
        t.note(v.caption.clone());
        s.table(t);
    } else {
        s.text(v.caption.clone());
    }
}

/// Deaths: the table, and for closed roles the listing.
pub fn deaths(d: &DeathsView) -> Section {
    let mut s = Section::new("Deaths");
    s.table(lines_data(&d.table));
    if d.listing_total > 0 && !d.listing.is_empty() {
        let mut t = Table::new(
            format!("Deaths listed ({})", d.listing_total),
            vec![
                "Subject".into(),
                "Group".into(),
                "Date".into(),
                "Day".into(),
                "Cause".into(),
            ],
        );
        for r in &d.listing {
            t.row(vec![
                r.usubjid.clone(),
                r.group.clone(),
                r.date.clone().unwrap_or_else(|| "–".into()),
                r.day.map_or("–".into(), |d| d.to_string()),
                r.cause.clone().unwrap_or_else(|| "–".into()),
            ]);
        }
        listing_note(&mut t, d.listing.len(), d.listing_total as usize);
        s.table(t);
    }
    s
}

/// Follow-up completeness and data timeliness.
pub fn completeness(e: &EnrollmentSummary) -> Section {
    let mut s = Section::new("Follow-up completeness and data timeliness");
    match &e.follow_up {
        Some(f) => {
            let mut facts = vec![("Endpoint".to_string(), f.endpoint.clone())];
            if let (Some(due), Some(done)) = (f.due, f.complete) {
                facts.push((
                    "Subjects due for the horizon with complete follow-up".into(),
                    format!("{done} of {due}"),
                ));
            }
            facts.push((
                "Observed over potential follow-up".into(),
                format!(
                    "{:.0} of {:.0} days{}",
                    f.observed_days,
                    f.potential_days,
                    f.completeness
                        .map(|c| format!(" ({})", pct(c)))
                        .unwrap_or_default()
                ),
            ));
            s.facts(facts);
        }
        None => {
            s.absent(
                "Follow-up completeness needs a time-to-event endpoint (ADTTE): not collected.",
            );
        }
    }
    if let Some(t) = &e.timeliness {
        let day = |d: Option<i64>| d.map_or(String::new(), |d| format!(" ({d} days)"));
        let mut facts = Vec::new();
        if let Some(r) = &t.registered_at {
            facts.push((
                "Registered".to_string(),
                format!("{r}{}", day(t.days_cut_to_registration)),
            ));
        }
        if let Some(r) = &t.last_randomization {
            facts.push((
                "Last randomization".into(),
                format!("{r}{}", day(t.days_since_last_randomization)),
            ));
        }
        if let Some(r) = &t.last_ae_onset {
            facts.push((
                "Last adverse-event onset".into(),
                format!("{r}{}", day(t.days_since_last_ae_onset)),
            ));
        }
        s.facts(facts);
    }
    s
}

/// A rate and its interval as the pages print it.
pub fn rate_cell(subjects: u32, n: u32, percent: Option<f64>, ci: Option<[f64; 2]>) -> String {
    format!(
        "{subjects}/{n} {} ({})",
        percent.map(|p| format!("{p:.1}%")).unwrap_or_default(),
        ci_pct(ci)
    )
}

/// A p-value as printed.
pub fn p(p: f64) -> String {
    p_fmt(p)
}
