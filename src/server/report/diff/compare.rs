//! Comparing two cuts' frames record by record: which earlier row each
//! later row is (a subject by USUBJID, an adverse event by its subject and
//! AESEQ, or its term and onset), and which values of the matched rows
//! differ, gathered and compared by polars a column at a time (a cut of
//! 50,000 subjects has three quarters of a million events to compare).

use crate::server::data::days::date_text;
use crate::server::data::load::Snapshot;
use polars::prelude::*;

/// Matched rows: `old[k]` of the earlier frame is `new[k]` of the later.
#[derive(Default)]
pub(super) struct Pairs {
    pub old: Vec<IdxSize>,
    pub new: Vec<IdxSize>,
}

impl Pairs {
    pub fn push(&mut self, old: usize, new: usize) {
        self.old
            .push(IdxSize::try_from(old).unwrap_or(IdxSize::MAX));
        self.new
            .push(IdxSize::try_from(new).unwrap_or(IdxSize::MAX));
    }
}

/// A value of a changed pair: the pair's index and the old and new values
/// as shown.
pub(super) type Differing = (usize, Option<String>, Option<String>);

/// The matched pairs whose column `name` differs (a missing value equals
/// only a missing value), with their values as shown.
pub(super) fn differing(
    old: &DataFrame,
    new: &DataFrame,
    name: &str,
    pairs: &Pairs,
) -> PolarsResult<Vec<Differing>> {
    let take = |df: &DataFrame, rows: &[IdxSize]| -> PolarsResult<Column> {
        // One chunk first: gathering from many chunks resolves each row's
        // chunk, five times slower at 750,000 rows.
        let idx = IdxCa::from_vec("rows".into(), rows.to_vec());
        df.column(name)?.rechunk().take(&idx)
    };
    let (mut a, mut b) = (take(old, &pairs.old)?, take(new, &pairs.new)?);
    if a.dtype() != b.dtype() {
        a = a.cast(&DataType::String)?;
        b = b.cast(&DataType::String)?;
    }
    let differ = a
        .as_materialized_series()
        .not_equal_missing(b.as_materialized_series())?;
    let ks: Vec<usize> = differ
        .iter()
        .enumerate()
        .filter_map(|(k, d)| (d == Some(true)).then_some(k))
        .collect();
    if ks.is_empty() {
        return Ok(Vec::new());
    }
    let (was, now) = (shown(&a, &ks)?, shown(&b, &ks)?);
    Ok(ks
        .into_iter()
        .zip(was.into_iter().zip(now))
        .map(|(k, (o, n))| (k, o, n))
        .collect())
}

/// The values of `col` at rows `ks` as a page shows them (dates as ISO
/// dates, whole numbers without a decimal point; blank as missing).
fn shown(col: &Column, ks: &[usize]) -> PolarsResult<Vec<Option<String>>> {
    Ok(match col.dtype() {
        DataType::String => {
            let ca = col.str()?;
            ks.iter()
                .map(|&k| ca.get(k).filter(|s| !s.is_empty()).map(str::to_string))
                .collect()
        }
        DataType::Date => {
            let days = col.cast(&DataType::Int32)?;
            let ca = days.i32()?;
            ks.iter().map(|&k| ca.get(k).map(date_text)).collect()
        }
        _ => {
            let x = col.cast(&DataType::Float64)?;
            let ca = x.f64()?;
            ks.iter()
                .map(|&k| {
                    ca.get(k).map(|x| {
                        if x.fract() == 0.0 {
                            format!("{x:.0}")
                        } else {
                            x.to_string()
                        }
                    })
                })
                .collect()
        }
    })
}

/// How adverse-event records are known across cuts.
pub(super) struct AeKeys<'a> {
    /// By AESEQ (both cuts carry it), else by term and onset.
    pub by_seq: bool,
    keys: Vec<(Option<&'a str>, Option<i32>)>,
}

impl<'a> AeKeys<'a> {
    fn of(df: &'a DataFrame, by_seq: bool) -> PolarsResult<AeKeys<'a>> {
        let keys = if by_seq {
            df.column("AESEQ")?
                .str()?
                .iter()
                .map(|s| (s, None))
                .collect()
        } else {
            let decod = df.column("AEDECOD")?.str()?;
            let verbatim = df.column("AETERM")?.str()?;
            let start = df.column("ASTDT")?.cast(&DataType::Int32)?;
            decod
                .iter()
                .zip(verbatim.iter())
                .zip(start.i32()?.iter())
                .map(|((d, v), s)| (d.filter(|d| !d.is_empty()).or(v), s))
                .collect()
        };
        Ok(AeKeys { by_seq, keys })
    }

    /// The record's name on a page: its AESEQ, or its term and onset.
    pub fn name(&self, r: usize) -> String {
        let (k, onset) = self.keys[r];
        if self.by_seq {
            format!("AESEQ {}", k.unwrap_or(""))
        } else {
            format!(
                "{}, {}",
                k.unwrap_or(""),
                onset.map_or("no date".to_string(), date_text)
            )
        }
    }
}

/// Rows of each subject (by ADSL row) of a frame whose rows name their
/// subject in `subject_of`: a counting sort.
fn rows_by_subject(subject_of: &[u32], subjects: usize) -> (Vec<usize>, Vec<usize>) {
    let mut start = vec![0usize; subjects + 1];
    for &s in subject_of {
        if (s as usize) < subjects {
            start[s as usize + 1] += 1;
        }
    }
    for i in 0..subjects {
        start[i + 1] += start[i];
    }
    let mut next = start.clone();
    let mut rows = vec![0usize; start[subjects]];
    for (r, &s) in subject_of.iter().enumerate() {
        if (s as usize) < subjects {
            rows[next[s as usize]] = r;
            next[s as usize] += 1;
        }
    }
    (start, rows)
}

/// Each later ADAE row's earlier row: the same subject (`matched`: each
/// later subject's earlier ADSL row) and the same key, the first such row
/// not matched yet; with the keys of both cuts and the earlier rows no
/// later row matched.
pub(super) fn ae_pairs<'a>(
    old: &'a Snapshot,
    new: &'a Snapshot,
    matched: &[Option<usize>],
) -> PolarsResult<(Pairs, AeKeys<'a>, AeKeys<'a>, Vec<usize>)> {
    let by_seq = old.adae.column("AESEQ").is_ok() && new.adae.column("AESEQ").is_ok();
    let (ko, kn) = (
        AeKeys::of(&old.adae, by_seq)?,
        AeKeys::of(&new.adae, by_seq)?,
    );
    let (start, rows) = rows_by_subject(&old.adae_subject, old.adsl.height());
    let mut used = vec![false; old.adae.height()];
    let mut pairs = Pairs::default();
    for (r, &s) in new.adae_subject.iter().enumerate() {
        let Some(Some(earlier)) = matched.get(s as usize) else {
            continue;
        };
        let own = &rows[start[*earlier]..start[*earlier + 1]];
        if let Some(&o) = own.iter().find(|&&o| !used[o] && ko.keys[o] == kn.keys[r]) {
            used[o] = true;
            pairs.push(o, r);
        }
    }
    let gone = (0..used.len()).filter(|&o| !used[o]).collect();
    Ok((pairs, ko, kn, gone))
}
