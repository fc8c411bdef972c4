//! A writer of SAS transport (XPORT v5) files for tests, after SAS
//! Institute's TS-140 record layout: what a trial's data management sends
//! as `.xpt`, made from a demo dataset with other column names or types.
//! (The reader it feeds is checked against R's foreign on the CDISC pilot's
//! unchanged files, tests/it/xpt.rs.)

/// One variable: its name (at most 8 characters), SAS format name (e.g.
/// `DATETIME`, or empty) and values.
pub struct Var {
    pub name: String,
    pub format: String,
    pub values: Values,
}

pub enum Values {
    Numeric(Vec<Option<f64>>),
    Text(Vec<Option<String>>),
}

const RECORD: usize = 80;

/// `x` as an IBM System/370 double: sign bit, excess-64 base-16 exponent,
/// 56-bit fraction (which holds an f64's 53 bits exactly); missing as `.`.
pub fn ibm(x: Option<f64>) -> [u8; 8] {
    let Some(x) = x else {
        return [b'.', 0, 0, 0, 0, 0, 0, 0];
    };
    if x == 0.0 {
        return [0; 8];
    }
    assert!(
        x.is_finite() && (5.4e-79..7.2e75).contains(&x.abs()),
        "{x} is outside IBM doubles"
    );
    let sign = if x < 0.0 { 0x80u8 } else { 0 };
    let (mut m, mut e) = (x.abs(), 0i32);
    while m >= 1.0 {
        m /= 16.0;
        e += 1;
    }
    while m < 1.0 / 16.0 {
        m *= 16.0;
        e -= 1;
    }
    let fraction = (m * (1u64 << 56) as f64) as u64;
    let mut out = [0u8; 8];
    out[0] = sign | (e + 64) as u8;
    out[1..].copy_from_slice(&fraction.to_be_bytes()[1..]);
    out
}

fn padded(text: &str, width: usize) -> Vec<u8> {
    let mut b = text.as_bytes().to_vec();
    assert!(b.len() <= width, "{text:?} is wider than {width}");
    b.resize(width, b' ');
    b
}

fn header(tag: &str, tail: &str) -> Vec<u8> {
    let r = format!("HEADER RECORD*******{tag:<8}HEADER RECORD!!!!!!!{tail}");
    assert_eq!(r.len(), RECORD, "{r}");
    r.into_bytes()
}

/// The transport file of one data set `name` holding `vars`.
pub fn xpt(name: &str, vars: &[Var]) -> Vec<u8> {
    let rows = vars.first().map_or(0, |v| match &v.values {
        Values::Numeric(x) => x.len(),
        Values::Text(x) => x.len(),
    });
    let stamp = "01JAN25:00:00:00";
    let mut out = header("LIBRARY", &format!("{:0<30}  ", ""));
    out.extend(padded(
        &format!("SAS     SAS     SASLIB  9.4     X64_10PR{:24}{stamp}", ""),
        RECORD,
    ));
    out.extend(padded(stamp, RECORD));
    out.extend(header("MEMBER", "000000000000000001600000000140  "));
    out.extend(header("DSCRPTR", &format!("{:0<30}  ", "")));
    out.extend(padded(
        &format!(
            "SAS     {:<8}SASDATA 9.4     X64_10PR{:24}{stamp}",
            name, ""
        ),
        RECORD,
    ));
    out.extend(padded(
        &format!("{stamp}{:16}{:<40}DATA    ", "", ""),
        RECORD,
    ));
    out.extend(header(
        "NAMESTR",
        &format!("000000{:04}00000000000000000000  ", vars.len()),
    ));
    // Each variable's width: 8 for numbers, the longest text (at least 1).
    let widths: Vec<usize> = vars
        .iter()
        .map(|v| match &v.values {
            Values::Numeric(_) => 8,
            Values::Text(t) => t
                .iter()
                .flatten()
                .map(String::len)
                .max()
                .unwrap_or(1)
                .max(1),
        })
        .collect();
    let mut namestrs = Vec::new();
    let mut position = 0usize;
    for (i, (v, &w)) in vars.iter().zip(&widths).enumerate() {
        let mut ns = Vec::with_capacity(140);
        let numeric = matches!(v.values, Values::Numeric(_));
        ns.extend((if numeric { 1u16 } else { 2 }).to_be_bytes());
        ns.extend(0u16.to_be_bytes());
        ns.extend((w as u16).to_be_bytes());
        ns.extend((i as u16 + 1).to_be_bytes());
        ns.extend(padded(&v.name, 8));
        ns.extend(padded(&v.name, 40));
        ns.extend(padded(&v.format, 8));
        ns.extend([0u8; 8]); // width, decimals, justification, fill
        ns.extend(padded("", 8));
        ns.extend([0u8; 4]);
        ns.extend((position as u32).to_be_bytes());
        ns.resize(140, 0);
        namestrs.extend(ns);
        position += w;
    }
    namestrs.resize(namestrs.len().div_ceil(RECORD) * RECORD, b' ');
    out.extend(namestrs);
    out.extend(header("OBS", &format!("{:0<30}  ", "")));
    let mut obs = Vec::with_capacity(rows * position);
    for r in 0..rows {
        for (v, &w) in vars.iter().zip(&widths) {
            match &v.values {
                Values::Numeric(x) => obs.extend(ibm(x[r])),
                Values::Text(t) => obs.extend(padded(t[r].as_deref().unwrap_or(""), w)),
            }
        }
    }
    obs.resize(obs.len().div_ceil(RECORD) * RECORD, b' ');
    out.extend(obs);
    out
}

#[test]
fn numbers_written_as_ibm_doubles_read_back_exactly() {
    use dsmb::server::data::xpt::ibm_to_f64;
    for x in [
        1.0,
        -118.625,
        0.5,
        0.0,
        1e-9,
        3.0e9,
        0.1,
        1_987_654_321.5,
        -2.0e-3,
    ] {
        assert_eq!(ibm_to_f64(&ibm(Some(x))), Some(x), "{x}");
    }
    assert_eq!(ibm_to_f64(&ibm(None)), None);
    // TS-140's own example: 1 is 41 10 00 00 00 00 00 00.
    assert_eq!(ibm(Some(1.0)), [0x41, 0x10, 0, 0, 0, 0, 0, 0]);
}
