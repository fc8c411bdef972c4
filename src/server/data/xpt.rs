//! A reader for SAS transport files, version 5 (XPORT, `.xpt`): the format
//! the FDA takes submissions in. Pure Rust over a byte slice; no polars here
//! (the conversion to frames is in `ingest`).
//!
//! The layout follows SAS Institute's technical note TS-140, "The Record
//! Layout of a Data Set in SAS Transport (XPORT) Format": 80-byte records; a
//! library header (3 records), then per member a member header, a descriptor
//! header (2 records of member data), a NAMESTR header giving the number of
//! variables, one 140-byte NAMESTR per variable (136 on VAX/VMS) padded to a
//! record boundary, an OBS header, and the observations packed back to back,
//! the last record padded with blanks. Numbers are IBM System/370 floating
//! point (base 16, excess-64 exponent), big-endian, 2 to 8 bytes long; SAS
//! missing values are `.`, `._` and `.A`-`.Z`, stored as the code byte
//! followed by zero bytes.

/// One variable's description (a NAMESTR record).
#[derive(Clone, Debug, PartialEq)]
pub struct Variable {
    pub name: String,
    pub label: String,
    /// SAS format name, e.g. `DATE` for `DATE9.` (empty when none).
    pub format: String,
    pub numeric: bool,
    /// Bytes per value in an observation.
    pub length: usize,
    /// Offset of the value in an observation.
    pub position: usize,
}

/// The values of one variable.
#[derive(Clone, Debug, PartialEq)]
pub enum Values {
    /// Numbers; SAS missing values are `None`.
    Numeric(Vec<Option<f64>>),
    /// Text with trailing blanks removed; a blank value is `None`.
    Text(Vec<Option<String>>),
}

/// One member (data set) of a transport file.
#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    pub name: String,
    pub label: String,
    pub variables: Vec<Variable>,
    /// One entry per variable, in the same order.
    pub columns: Vec<Values>,
    pub rows: usize,
}

/// What is wrong with a transport file; offsets are in bytes from its start.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum XptError {
    #[error("not a SAS transport (XPORT v5) file: the library header is missing")]
    NotXport,
    #[error("truncated at byte {offset}: expected {what}")]
    Truncated { offset: usize, what: String },
    #[error("bad header at byte {offset}: {message}")]
    BadHeader { offset: usize, message: String },
    #[error("variable {variable}: {message}")]
    BadVariable { variable: String, message: String },
    #[error("the file holds no data set")]
    NoMember,
}

const RECORD: usize = 80;
const LIBRARY: &[u8] = b"HEADER RECORD*******LIBRARY HEADER RECORD!!!!!!!";
const MEMBER: &[u8] = b"HEADER RECORD*******MEMBER  HEADER RECORD!!!!!!!";
const DSCRPTR: &[u8] = b"HEADER RECORD*******DSCRPTR HEADER RECORD!!!!!!!";
const NAMESTR: &[u8] = b"HEADER RECORD*******NAMESTR HEADER RECORD!!!!!!!";
const OBS: &[u8] = b"HEADER RECORD*******OBS     HEADER RECORD!!!!!!!";

/// Convert an IBM System/370 floating-point number (big-endian, `bytes.len()`
/// from 2 to 8, shorter values being truncated on the right) to `f64`.
/// Returns `None` for SAS missing values.
pub fn ibm_to_f64(bytes: &[u8]) -> Option<f64> {
    let mut b = [0u8; 8];
    let n = bytes.len().min(8);
    b[..n].copy_from_slice(&bytes[..n]);
    let first = b[0];
    if b[1..].iter().all(|&x| x == 0)
        && (first == b'.' || first == b'_' || first.is_ascii_uppercase())
    {
        return None;
    }
    let sign = if first & 0x80 != 0 { -1.0 } else { 1.0 };
    let exponent = i32::from(first & 0x7f) - 64;
    let mut fraction: u64 = 0;
    for &x in &b[1..] {
        fraction = (fraction << 8) | u64::from(x);
    }
    if fraction == 0 {
        return Some(0.0);
    }
    // value = 0.fraction (56 bits) * 16^exponent
    let mantissa = fraction as f64 / (1u64 << 56) as f64;
    Some(sign * mantissa * 16f64.powi(exponent))
}

/// Text from a fixed-width field: UTF-8 when valid, else Latin-1; trailing
/// blanks (and NULs) removed.
pub fn decode_text(bytes: &[u8]) -> String {
    let end = bytes
        .iter()
        .rposition(|&c| c != b' ' && c != 0)
        .map_or(0, |p| p + 1);
    let bytes = &bytes[..end];
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => bytes.iter().map(|&c| char::from(c)).collect(),
    }
}

fn record<'a>(data: &'a [u8], offset: usize, what: &str) -> Result<&'a [u8], XptError> {
    data.get(offset..offset + RECORD)
        .ok_or_else(|| XptError::Truncated {
            offset,
            what: what.to_string(),
        })
}

fn expect_header(data: &[u8], offset: usize, tag: &[u8], what: &str) -> Result<(), XptError> {
    let rec = record(data, offset, what)?;
    if rec.starts_with(tag) {
        Ok(())
    } else {
        Err(XptError::BadHeader {
            offset,
            message: format!("expected the {what}, found {:?}", decode_text(&rec[..48])),
        })
    }
}

fn be_u16(b: &[u8]) -> usize {
    usize::from(u16::from_be_bytes([b[0], b[1]]))
}

fn be_u32(b: &[u8]) -> usize {
    u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize
}

/// Read every member of a transport file.
pub fn read(data: &[u8]) -> Result<Vec<Member>, XptError> {
    if !data.starts_with(LIBRARY) {
        return Err(XptError::NotXport);
    }
    // Library header, then two records of library metadata.
    record(data, RECORD * 2, "the library header")?;
    let mut offset = RECORD * 3;
    let mut members = Vec::new();
    while offset + RECORD <= data.len() {
        let (member, next) = read_member(data, offset)?;
        members.push(member);
        offset = next;
    }
    if members.is_empty() {
        return Err(XptError::NoMember);
    }
    Ok(members)
}

/// Read the one member of a transport file (ADaM files hold one data set).
pub fn read_single(data: &[u8]) -> Result<Member, XptError> {
    let mut members = read(data)?;
    Ok(members.remove(0))
}

fn read_member(data: &[u8], start: usize) -> Result<(Member, usize), XptError> {
    expect_header(data, start, MEMBER, "member header")?;
    let header = record(data, start, "member header")?;
    // Bytes 74..78 of the member header give the NAMESTR length (140, or 136 on VAX).
    let namestr_len: usize =
        decode_text(&header[74..78])
            .trim()
            .parse()
            .map_err(|_| XptError::BadHeader {
                offset: start,
                message: "the NAMESTR length in the member header is not a number".into(),
            })?;
    if namestr_len != 140 && namestr_len != 136 {
        return Err(XptError::BadHeader {
            offset: start,
            message: format!("NAMESTR length {namestr_len} (expected 140 or 136)"),
        });
    }
    let mut offset = start + RECORD;
    expect_header(data, offset, DSCRPTR, "descriptor header")?;
    offset += RECORD;
    let md1 = record(data, offset, "member data")?;
    let name = decode_text(&md1[8..16]);
    offset += RECORD;
    let md2 = record(data, offset, "member label")?;
    let label = decode_text(&md2[32..72]);
    offset += RECORD;

    expect_header(data, offset, NAMESTR, "NAMESTR header")?;
    let nh = record(data, offset, "NAMESTR header")?;
    let nvars: usize =
        decode_text(&nh[54..58])
            .trim()
            .parse()
            .map_err(|_| XptError::BadHeader {
                offset,
                message: "the variable count in the NAMESTR header is not a number".into(),
            })?;
    offset += RECORD;

    let mut variables = Vec::with_capacity(nvars);
    for i in 0..nvars {
        let at = offset + i * namestr_len;
        let ns = data
            .get(at..at + namestr_len)
            .ok_or_else(|| XptError::Truncated {
                offset: at,
                what: format!("the description of variable {} of {nvars}", i + 1),
            })?;
        let ntype = be_u16(&ns[0..2]);
        let length = be_u16(&ns[4..6]);
        let var_name = decode_text(&ns[8..16]);
        let numeric = match ntype {
            1 => true,
            2 => false,
            other => {
                return Err(XptError::BadVariable {
                    variable: var_name,
                    message: format!("unknown type code {other}"),
                })
            }
        };
        if length == 0 || (numeric && !(2..=8).contains(&length)) {
            return Err(XptError::BadVariable {
                variable: var_name,
                message: format!("invalid length {length}"),
            });
        }
        variables.push(Variable {
            label: decode_text(&ns[16..56]),
            format: decode_text(&ns[56..64]),
            numeric,
            length,
            position: be_u32(&ns[84..88]),
            name: var_name,
        });
    }
    offset += (nvars * namestr_len).div_ceil(RECORD) * RECORD;

    expect_header(data, offset, OBS, "observation header")?;
    offset += RECORD;

    let row_len: usize = variables.iter().map(|v| v.length).sum();
    for v in &variables {
        if v.position + v.length > row_len {
            return Err(XptError::BadVariable {
                variable: v.name.clone(),
                message: format!(
                    "position {} and length {} run past the {row_len}-byte observation",
                    v.position, v.length
                ),
            });
        }
    }
    // The observations run to the next member header (at a record boundary)
    // or to the end of the file.
    let mut end = offset;
    while end + RECORD <= data.len() && !data[end..].starts_with(MEMBER) {
        end += RECORD;
    }
    let next = end;
    if end < data.len() && data.len() - end < RECORD {
        return Err(XptError::Truncated {
            offset: data.len(),
            what: "observations padded to a whole 80-byte record".into(),
        });
    }
    let obs = &data[offset..end];
    let mut rows = obs.len().checked_div(row_len).unwrap_or(0);
    // The last record is padded with blanks: rows made only of blanks that lie
    // within that padding are not observations.
    while rows > 0 {
        let row = &obs[(rows - 1) * row_len..rows * row_len];
        let in_last_record = obs.len() - (rows - 1) * row_len <= RECORD;
        if in_last_record && row.iter().all(|&c| c == b' ') {
            rows -= 1;
        } else {
            break;
        }
    }
    let columns = variables
        .iter()
        .map(|v| {
            let cells = (0..rows).map(|r| &obs[r * row_len + v.position..][..v.length]);
            if v.numeric {
                Values::Numeric(cells.map(ibm_to_f64).collect())
            } else {
                Values::Text(
                    cells
                        .map(|c| Some(decode_text(c)).filter(|s| !s.trim().is_empty()))
                        .collect(),
                )
            }
        })
        .collect();
    Ok((
        Member {
            name,
            label,
            variables,
            columns,
            rows,
        },
        next,
    ))
}

/// Whether a SAS format names a date (values are days since 1960-01-01).
pub fn is_date_format(format: &str) -> bool {
    const DATE_FORMATS: [&str; 12] = [
        "DATE", "YYMMDD", "MMDDYY", "DDMMYY", "E8601DA", "IS8601DA", "B8601DA", "WORDDATE",
        "WEEKDATE", "MONYY", "YYMMDDN", "NLDATE",
    ];
    let f = format.trim().to_ascii_uppercase();
    DATE_FORMATS.contains(&f.as_str())
}

/// Whether a SAS format names a date and time (values are seconds since
/// 1960-01-01 00:00:00): ADTM, ASTDTM and the like.
pub fn is_datetime_format(format: &str) -> bool {
    const DATETIME_FORMATS: [&str; 14] = [
        "DATETIME", "E8601DT", "IS8601DT", "B8601DT", "E8601DZ", "IS8601DZ", "B8601DZ", "E8601DN",
        "B8601DN", "DTDATE", "DATEAMPM", "MDYAMPM", "DTMONYY", "NLDATM",
    ];
    let f = format.trim().to_ascii_uppercase();
    DATETIME_FORMATS.contains(&f.as_str())
}

/// Days from 1960-01-01 (SAS) to 1970-01-01 (Unix, polars).
pub const SAS_EPOCH_OFFSET_DAYS: i32 = 3653;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ibm_floats_decode_to_their_values() {
        // 1.0 = 0x41 10 00.. (0.0625 * 16^1); -118.625 = 0xC2 76 A0 00..
        assert_eq!(ibm_to_f64(&[0x41, 0x10, 0, 0, 0, 0, 0, 0]), Some(1.0));
        assert_eq!(
            ibm_to_f64(&[0xC2, 0x76, 0xA0, 0, 0, 0, 0, 0]),
            Some(-118.625)
        );
        assert_eq!(ibm_to_f64(&[0x40, 0x80, 0, 0, 0, 0, 0, 0]), Some(0.5));
        assert_eq!(ibm_to_f64(&[0; 8]), Some(0.0));
        // 0.1 is not exact in base 16 either: within f64 rounding of 0.1.
        let tenth = ibm_to_f64(&[0x40, 0x19, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9A]).unwrap();
        assert!((tenth - 0.1).abs() < 1e-16, "{tenth}");
        // Truncated (length 4) values.
        assert_eq!(ibm_to_f64(&[0x42, 0x64, 0x00, 0x00]), Some(100.0));
    }

    #[test]
    fn sas_missing_values_are_none() {
        for code in [b'.', b'_', b'A', b'Z'] {
            assert_eq!(ibm_to_f64(&[code, 0, 0, 0, 0, 0, 0, 0]), None);
        }
    }

    #[test]
    fn text_is_utf8_or_latin1_without_trailing_blanks() {
        assert_eq!(decode_text(b"abc   "), "abc");
        assert_eq!(decode_text("Müller  ".as_bytes()), "Müller");
        assert_eq!(
            decode_text(&[b'M', 0xFC, b'l', b'l', b'e', b'r', b' ']),
            "Müller"
        );
        assert_eq!(decode_text(b"      "), "");
    }

    #[test]
    fn a_file_that_is_not_xport_is_refused() {
        assert_eq!(read(b"USUBJID,SITEID\n1,2\n"), Err(XptError::NotXport));
    }
}
