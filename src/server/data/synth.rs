//! A generator of synthetic cuts of any size in the Altshock-2
//! reconstruction's schema, for benchmarks and tests: deterministic (a fixed
//! seed gives the same files), written as Parquet and CSV with polars.
//! Never real data.

use super::days::epoch_days;
use polars::prelude::*;
use std::path::Path;

/// A small deterministic pseudo-random generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const AE_KINDS: [(&str, &str, &str, &str); 10] = [
    (
        "BLEEDING",
        "Catheter site haemorrhage",
        "General disorders and administration site conditions",
        "2",
    ),
    (
        "BLEEDING",
        "Gastrointestinal haemorrhage",
        "Gastrointestinal disorders",
        "3a",
    ),
    (
        "VASCULAR COMPLICATION",
        "Limb ischaemia",
        "Vascular disorders",
        "",
    ),
    ("EMBOLISM", "Embolism arterial", "Vascular disorders", ""),
    ("STROKE", "Ischaemic stroke", "Nervous system disorders", ""),
    (
        "ARRHYTHMIA",
        "Ventricular tachycardia",
        "Cardiac disorders",
        "",
    ),
    ("CARDIAC ARREST", "Cardiac arrest", "Cardiac disorders", ""),
    ("INFECTION", "Sepsis", "Infections and infestations", ""),
    ("OTHER", "Hypotension", "Vascular disorders", ""),
    (
        "OTHER",
        "Anaemia",
        "Blood and lymphatic system disorders",
        "",
    ),
];

/// The laboratory parameters: (PARAMCD, ANRLO, ANRHI, typical baseline,
/// spread), the reconstruction's eight.
const LAB_PARAMS: [(&str, f64, f64, f64, f64); 8] = [
    ("ALT", 0.0, 40.0, 30.0, 0.6),
    ("AST", 0.0, 40.0, 32.0, 0.6),
    ("BILI", 0.2, 1.2, 0.8, 0.5),
    ("ALP", 40.0, 130.0, 90.0, 0.3),
    ("CREAT", 0.6, 1.2, 1.1, 0.4),
    ("HGB", 13.0, 17.0, 13.0, 0.12),
    ("PLAT", 150.0, 400.0, 230.0, 0.3),
    ("LACTATE", 0.5, 2.0, 3.0, 0.5),
];

/// The visits (AVISITN = study day after randomization; 0 = baseline).
const LAB_VISITS: [i32; 8] = [0, 1, 2, 3, 7, 14, 30, 60];

/// The four frames and the randomization (USUBJID, ARMCD, SITEID) of a
/// synthetic cut.
pub struct SynthCut {
    pub adsl: DataFrame,
    pub adae: DataFrame,
    pub adtte: DataFrame,
    /// 8 parameters at 8 visits while alive and followed (about 60 records
    /// a subject).
    pub adlb: DataFrame,
    pub allocation: DataFrame,
}

/// Generate `subjects` subjects with about `ae_per_subject` AE records each,
/// randomized 1:1 to SOC / IABP over 2020-2024, with the cut on 2024-12-31.
pub fn generate(subjects: usize, ae_per_subject: usize, seed: u64) -> PolarsResult<SynthCut> {
    let mut rng = Rng(seed);
    let day = |y, m, d| epoch_days(chrono::NaiveDate::from_ymd_opt(y, m, d).expect("date"));
    let start = day(2020, 6, 30);
    let span = 1_500;
    let cut = day(2024, 12, 31);

    let mut ids = Vec::with_capacity(subjects);
    let mut sites = Vec::with_capacity(subjects);
    let mut rand = Vec::with_capacity(subjects);
    let mut arm = Vec::with_capacity(subjects);
    let mut age = Vec::with_capacity(subjects);
    let mut sex = Vec::with_capacity(subjects);
    let mut scai = Vec::with_capacity(subjects);
    let mut map = Vec::with_capacity(subjects);
    let mut lactate = Vec::with_capacity(subjects);
    let mut lvef = Vec::with_capacity(subjects);
    let mut onset = Vec::with_capacity(subjects);
    // Heart replacement therapy and escalation to another device (the
    // demo's secondary endpoints): about a fifth and a twentieth.
    let mut hrt: Vec<Option<&str>> = Vec::with_capacity(subjects);
    let mut esc: Vec<Option<&str>> = Vec::with_capacity(subjects);
    let mut death: Vec<Option<i32>> = Vec::with_capacity(subjects);
    for i in 0..subjects {
        let site = 1 + rng.below(40);
        ids.push(format!("SYN-{site:02}-{i:06}"));
        sites.push(format!("{site:02}"));
        let r = start + (span as f64 * (i as f64 / subjects as f64)) as i32;
        rand.push(r);
        arm.push(if rng.below(2) == 0 { "SOC" } else { "IABP" });
        age.push(35.0 + rng.below(50) as f64);
        sex.push(if rng.unit() < 0.8 { "M" } else { "F" });
        scai.push(["B", "C", "D"][rng.below(3) as usize]);
        map.push(50.0 + rng.below(40) as f64);
        lactate.push((5.0 + rng.below(40) as f64) / 10.0);
        lvef.push(10.0 + rng.below(25) as f64);
        onset.push(rng.below(72) as f64);
        hrt.push(match rng.below(10) {
            0 => Some("LVAD"),
            1 => Some("HTX"),
            _ => None,
        });
        esc.push(match rng.below(40) {
            0 => Some("IMPELLA"),
            1 | 2 => Some("VA-ECMO"),
            _ => None,
        });
        death.push((rng.unit() < 0.22).then(|| (r + 1 + rng.below(59) as i32).min(cut)));
    }
    let to_date =
        |v: Vec<Option<i32>>, name: &str| Column::new(name.into(), v).cast(&DataType::Date);
    let adsl = DataFrame::new_infer_height(vec![
        Column::new("STUDYID".into(), vec!["SYNTH"; subjects]),
        Column::new("USUBJID".into(), ids.clone()),
        Column::new("SITEID".into(), sites.clone()),
        to_date(rand.iter().map(|&r| Some(r)).collect(), "RANDDT")?,
        Column::new("AGE".into(), age),
        Column::new("SEX".into(), sex),
        Column::new("SCAISTG".into(), scai),
        Column::new("MAP".into(), map),
        Column::new("LACTATE".into(), lactate),
        Column::new("LVEF".into(), lvef),
        Column::new("ONSETHR".into(), onset),
        Column::new("HRTTYPE".into(), hrt),
        Column::new("ESCDEV".into(), esc),
        to_date(death.clone(), "DTHDT")?,
        Column::new("ARMCD".into(), arm.clone()),
    ])?;

    let mut ae_id = Vec::new();
    let mut ae_seq = Vec::new();
    let mut ae_cat = Vec::new();
    let mut ae_decod = Vec::new();
    let mut ae_soc = Vec::new();
    let mut ae_barc = Vec::new();
    let mut ae_start = Vec::new();
    let mut ae_ser = Vec::new();
    let mut ae_out = Vec::new();
    for i in 0..subjects {
        let n = rng.below(2 * ae_per_subject as u64 + 1) as usize;
        let last = death[i].unwrap_or((rand[i] + 60).min(cut));
        for k in 0..n {
            let (cat, decod, soc, barc) = AE_KINDS[rng.below(AE_KINDS.len() as u64) as usize];
            ae_id.push(ids[i].clone());
            ae_seq.push(k as f64 + 1.0);
            ae_cat.push(cat);
            ae_decod.push(decod);
            ae_soc.push(soc);
            ae_barc.push(barc);
            ae_start.push(Some(
                rand[i] + rng.below((last - rand[i] + 1) as u64) as i32,
            ));
            ae_ser.push(if rng.unit() < 0.3 { "Y" } else { "N" });
            ae_out.push("RECOVERED/RESOLVED");
        }
    }
    let rows = ae_id.len();
    let adae = DataFrame::new_infer_height(vec![
        Column::new("STUDYID".into(), vec!["SYNTH"; rows]),
        Column::new("USUBJID".into(), ae_id),
        Column::new("AESEQ".into(), ae_seq),
        Column::new("AEDECOD".into(), ae_decod),
        Column::new("AEBODSYS".into(), ae_soc),
        Column::new("AECAT".into(), ae_cat),
        to_date(ae_start, "ASTDT")?,
        Column::new("AESER".into(), ae_ser),
        Column::new("AEOUT".into(), ae_out),
        Column::new("TRTEMFL".into(), vec!["Y"; rows]),
        Column::new("BARC".into(), ae_barc),
    ])?;

    let mut t_id = Vec::with_capacity(2 * subjects);
    let mut t_param = Vec::with_capacity(2 * subjects);
    let mut t_aval = Vec::with_capacity(2 * subjects);
    let mut t_cnsr = Vec::with_capacity(2 * subjects);
    for i in 0..subjects {
        let followed = f64::from((cut - rand[i]).min(365));
        for param in ["OS", "PRIMEP"] {
            let horizon = if param == "PRIMEP" {
                followed.min(60.0)
            } else {
                followed
            };
            let (aval, cnsr) = match death[i] {
                Some(d) if f64::from(d - rand[i]) <= horizon => (f64::from(d - rand[i]), 0.0),
                _ => (horizon, 1.0),
            };
            t_id.push(ids[i].clone());
            t_param.push(param);
            t_aval.push(aval);
            t_cnsr.push(cnsr);
        }
    }
    let adtte = DataFrame::new_infer_height(vec![
        Column::new("USUBJID".into(), t_id),
        Column::new("PARAMCD".into(), t_param),
        Column::new("AVAL".into(), t_aval),
        Column::new("CNSR".into(), t_cnsr),
    ])?;
    let adlb = generate_adlb(&mut rng, &ids, &rand, &death, cut)?;
    let allocation = DataFrame::new_infer_height(vec![
        Column::new("USUBJID".into(), ids),
        Column::new("ARMCD".into(), arm),
        Column::new("SITEID".into(), sites),
    ])?;
    Ok(SynthCut {
        adsl,
        adae,
        adtte,
        adlb,
        allocation,
    })
}

/// ADLB for the subjects: each parameter at each visit up to the cut and
/// before death, log-normal around the parameter's typical value; some
/// subjects' liver tests rise (a few into the Hy's law range).
fn generate_adlb(
    rng: &mut Rng,
    ids: &[String],
    rand: &[i32],
    death: &[Option<i32>],
    cut: i32,
) -> PolarsResult<DataFrame> {
    let n = ids.len() * LAB_PARAMS.len() * LAB_VISITS.len();
    let mut id = Vec::with_capacity(n);
    let mut param = Vec::with_capacity(n);
    let mut aval: Vec<Option<f64>> = Vec::with_capacity(n);
    let mut lo = Vec::with_capacity(n);
    let mut hi = Vec::with_capacity(n);
    let mut adt = Vec::with_capacity(n);
    let mut visit = Vec::with_capacity(n);
    let mut visit_n = Vec::with_capacity(n);
    let mut ablfl: Vec<Option<&str>> = Vec::with_capacity(n);
    let names: Vec<String> = LAB_VISITS
        .iter()
        .map(|v| {
            if *v == 0 {
                "Baseline".into()
            } else {
                format!("Day {v}")
            }
        })
        .collect();
    for (i, subject) in ids.iter().enumerate() {
        // Liver injury: 1 in 4 subjects' transaminases rise, 1 in 20
        // bilirubin too.
        let liver = 1.0
            + if rng.below(4) == 0 {
                2.0 + 6.0 * rng.unit()
            } else {
                0.0
            };
        let bili = 1.0
            + if rng.below(20) == 0 {
                2.0 + 2.0 * rng.unit()
            } else {
                0.0
            };
        for (code, l, h, typical, spread) in LAB_PARAMS {
            for (k, v) in LAB_VISITS.iter().enumerate() {
                let day = rand[i] + v;
                if day > cut || death[i].is_some_and(|d| day >= d) {
                    break;
                }
                // A log-normal value from two uniforms (Box-Muller).
                let z = (-2.0 * (1.0 - rng.unit()).ln()).sqrt()
                    * (std::f64::consts::TAU * rng.unit()).cos();
                let rise = match code {
                    "ALT" | "AST" if *v > 0 => liver,
                    "BILI" if *v > 0 => bili,
                    _ => 1.0,
                };
                let value = (typical * (spread * z).exp() * rise * 100.0).round() / 100.0;
                id.push(subject.clone());
                param.push(code);
                aval.push((rng.below(50) != 0).then_some(value));
                lo.push(l);
                hi.push(h);
                adt.push(Some(day));
                visit.push(names[k].clone());
                visit_n.push(f64::from(*v));
                ablfl.push((*v == 0).then_some("Y"));
            }
        }
    }
    let rows = id.len();
    DataFrame::new_infer_height(vec![
        Column::new("STUDYID".into(), vec!["SYNTH"; rows]),
        Column::new("USUBJID".into(), id),
        Column::new("PARAMCD".into(), param),
        Column::new("AVAL".into(), aval),
        Column::new("ANRLO".into(), lo),
        Column::new("ANRHI".into(), hi),
        Column::new("ADT".into(), adt).cast(&DataType::Date)?,
        Column::new("AVISIT".into(), visit),
        Column::new("AVISITN".into(), visit_n),
        Column::new("ABLFL".into(), ablfl),
    ])
}

fn write_parquet(df: &mut DataFrame, path: &Path) -> PolarsResult<()> {
    let file = std::fs::File::create(path)?;
    ParquetWriter::new(file).finish(df)?;
    Ok(())
}

fn write_csv(df: &mut DataFrame, path: &Path) -> PolarsResult<()> {
    let mut file = std::fs::File::create(path)?;
    CsvWriter::new(&mut file).include_header(true).finish(df)
}

/// Write the cut under `cut_dir` (a `cut-2024-12-31` folder): `unblinded/`
/// as Parquet, `blinded/` as CSV (without ARMCD), and the randomization list.
pub fn write(cut: &mut SynthCut, cut_dir: &Path) -> PolarsResult<()> {
    let (unblinded, blinded, list) = super::layout::parts_of(cut_dir);
    std::fs::create_dir_all(&unblinded)?;
    std::fs::create_dir_all(&blinded)?;
    write_parquet(&mut cut.adsl, &unblinded.join("adsl.parquet"))?;
    write_parquet(&mut cut.adae, &unblinded.join("adae.parquet"))?;
    write_parquet(&mut cut.adtte, &unblinded.join("adtte.parquet"))?;
    write_parquet(&mut cut.adlb, &unblinded.join("adlb.parquet"))?;
    let mut adsl_blinded = cut.adsl.drop("ARMCD")?;
    write_csv(&mut adsl_blinded, &blinded.join("adsl.csv"))?;
    write_csv(&mut cut.adae, &blinded.join("adae.csv"))?;
    write_csv(&mut cut.adtte, &blinded.join("adtte.csv"))?;
    write_csv(&mut cut.adlb, &blinded.join("adlb.csv"))?;
    write_csv(&mut cut.allocation, &list)?;
    Ok(())
}
