//! A UTF-8 CSV file read once, in blocks: hashed and its structure
//! checked as it streams (`csvscan::Scanner`), then read by polars from the
//! file; or, to check a large file without holding it ([`stream_frames`]),
//! each block of rows read into a frame, checked and dropped. And a
//! dataset hashed as it streams without being parsed
//! ([`hashed_unparsed`]).

use super::csvscan;
use super::problem::{Problem, Problems};
use super::read::{dataset_files, projection, read_frame_file, Frame};
use crate::server::config::Encoding;
use polars::prelude::*;
use std::path::{Path, PathBuf};

/// The block a CSV file is read in to be hashed and checked.
const BLOCK: usize = 8 << 20;

/// Read the UTF-8 CSV file `path` once, in blocks: hashed and its
/// structure checked as it streams; `each` is given every block of
/// complete records after the header (and the header's bytes) until it
/// returns `false` or a structural problem is found. Returns the hash, the
/// header's column names and the structural problems.
fn stream_csv(
    path: &Path,
    shown: &str,
    block: usize,
    mut each: impl FnMut(&[u8], &[u8]) -> bool,
) -> Result<(String, Vec<String>, Vec<Problem>), Problems> {
    use std::io::Read;
    let cannot =
        |e: std::io::Error| Problems::from(Problem::file(shown, &format!("cannot be read: {e}")));
    let mut file = std::fs::File::open(path).map_err(cannot)?;
    let mut hasher = crate::server::digest::Hasher::new();
    let mut scanner = csvscan::Scanner::new(shown, true, 20);
    let mut buf = vec![0u8; block];
    // buf[..held] is what the scanner has yet to take.
    let mut held = 0usize;
    let mut size = 0u64;
    let mut header: Option<Vec<u8>> = None;
    let mut wanted = true;
    loop {
        if held == buf.len() {
            // One record longer than the block (a broken quote): grow.
            buf.resize(buf.len() * 2, 0);
        }
        let got = file.read(&mut buf[held..]).map_err(cannot)?;
        hasher.update(&buf[held..held + got]);
        super::progress::advance(got as u64);
        size += got as u64;
        let last = got == 0;
        let end = held + got;
        let used = scanner.feed(&buf[..end], last);
        let mut records = &buf[..used];
        if header.is_none() {
            if let Some(h) = scanner.header_len() {
                header = Some(buf[..h].to_vec());
                records = &buf[h..used];
            }
        }
        if wanted && scanner.clean() && !records.is_empty() {
            if let Some(h) = &header {
                wanted = each(h, records);
            }
        }
        buf.copy_within(used..end, 0);
        held = end - used;
        if last {
            break;
        }
    }
    if size == 0 {
        return Err(Problem::file(shown, "the file is empty").into());
    }
    let columns = header.as_deref().map(csvscan::header).unwrap_or_default();
    Ok((hasher.hex(), columns, scanner.finish()))
}

/// A UTF-8 CSV file: hashed and its structure checked in one streaming
/// pass (row and column of any problem), then read by polars from the file
/// with every column as text; columns are typed on use.
pub(super) fn read_csv_streaming(
    path: &Path,
    shown: &str,
    wanted: Option<&[String]>,
) -> Result<(String, Vec<String>, DataFrame), Problems> {
    let (sha256, columns, problems) = stream_csv(path, shown, BLOCK, |_, _| false)?;
    if !problems.is_empty() {
        return Err(Problems(problems));
    }
    let frame = csv_options(&columns, wanted)
        .try_into_reader_with_file_path(Some(path.to_path_buf()))
        .and_then(|r| r.finish())
        .map_err(|e| {
            Problems::from(Problem::file(shown, &format!("cannot be read as CSV: {e}")))
        })?;
    Ok((sha256, columns, frame))
}

/// How polars reads a cut's CSV: with a header, every column as text, only
/// the `wanted` columns.
fn csv_options(columns: &[String], wanted: Option<&[String]>) -> CsvReadOptions {
    let keep: Option<std::sync::Arc<[PlSmallStr]>> =
        projection(columns, wanted).map(|k| k.into_iter().map(PlSmallStr::from).collect());
    CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .with_columns(keep)
}

/// The dataset `name` of `dir` when it is a UTF-8 CSV file: a file that
/// can be checked block by block ([`stream_frames`]).
pub fn streamable(dir: &Path, name: &str, enc: Encoding) -> Option<PathBuf> {
    if enc != Encoding::Utf8 {
        return None;
    }
    let mut found = dataset_files(dir, name).ok()?.into_iter();
    let first = found.next()?;
    let csv = first
        .extension()
        .and_then(|s| s.to_str())
        .is_some_and(|x| x.eq_ignore_ascii_case("csv"));
    (found.next().is_none() && csv).then_some(first)
}

/// The column names of dataset `name` in `dir`, read from its header (a
/// CSV's first line, a Parquet file's schema; an XPT file is read whole),
/// or `None` when it cannot be found or read (its check will say why).
pub fn column_names(dir: &Path, name: &str, enc: Encoding) -> Option<Vec<String>> {
    let path = dataset_files(dir, name).ok()?.into_iter().next()?;
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "csv" => header_frame(&path, None).ok().map(|f| f.columns),
        "parquet" => {
            let file = std::fs::File::open(&path).ok()?;
            let schema = ParquetReader::new(file).schema().ok()?;
            Some(schema.iter_names().map(|n| n.to_string()).collect())
        }
        _ => read_frame_file(&path, enc, Some(&[]))
            .ok()
            .map(|f| f.columns),
    }
}

/// The header of the CSV file `path` as a frame without rows (the
/// `wanted` columns it has, as text), its hash left to [`stream_frames`].
pub fn header_frame(path: &Path, wanted: Option<&[String]>) -> Result<Frame, Problems> {
    use std::io::BufRead;
    let shown = path.display().to_string();
    let mut line = Vec::new();
    std::io::BufReader::new(
        std::fs::File::open(path)
            .map_err(|e| Problems::from(Problem::file(&shown, &format!("cannot be read: {e}"))))?,
    )
    .read_until(b'\n', &mut line)
    .map_err(|e| Problems::from(Problem::file(&shown, &format!("cannot be read: {e}"))))?;
    let columns = csvscan::header(&line);
    let keep = projection(&columns, wanted).unwrap_or_else(|| columns.clone());
    let frame = DataFrame::new_infer_height(
        keep.iter()
            .filter(|k| !k.is_empty())
            .map(|k| Column::new_empty(k.as_str().into(), &DataType::String))
            .collect(),
    )
    .unwrap_or_default();
    Ok(Frame {
        path: path.to_path_buf(),
        file_name: path
            .file_name()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string(),
        sha256: String::new(),
        columns,
        frame,
        first_row: 0,
    })
}

/// Stream the CSV file of `header` (see [`header_frame`]) block by block:
/// each block of rows is read by polars (the `wanted` columns, as text)
/// and given to `check` as a frame numbered in the file, then dropped, so
/// the file is never held whole, as bytes or as a frame. `check` returns
/// `false` to stop reading rows (the rest is still hashed and its
/// structure checked). Returns the file's hash and its number of rows.
pub fn stream_frames(
    header: &Frame,
    wanted: Option<&[String]>,
    check: impl FnMut(&Frame) -> bool + Send,
) -> Result<(String, usize), Problems> {
    stream_frames_in(header, wanted, BLOCK, check)
}

/// [`stream_frames`] in blocks of `block` bytes.
fn stream_frames_in(
    header: &Frame,
    wanted: Option<&[String]>,
    block: usize,
    mut check: impl FnMut(&Frame) -> bool + Send,
) -> Result<(String, usize), Problems> {
    use std::sync::atomic::{AtomicBool, Ordering};
    let shown = header.shown();
    let stop = AtomicBool::new(false);
    // Read, hash and scan here; read each block into a frame and check it
    // on a second thread meanwhile (one block waits between them).
    let (streamed, (rows, failed)) = std::thread::scope(|s| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<u8>>(1);
        let check = &mut check;
        let (stop, shown) = (&stop, &shown);
        let worker = s.spawn(move || {
            let mut rows = 0usize;
            let mut failed: Option<Problems> = None;
            for text in rx {
                if stop.load(Ordering::Relaxed) {
                    continue;
                }
                let read = csv_options(&header.columns, wanted)
                    .into_reader_with_file_handle(std::io::Cursor::new(text))
                    .finish();
                match read {
                    Ok(frame) => {
                        let block = Frame {
                            frame,
                            first_row: rows,
                            ..header.clone()
                        };
                        rows += block.frame.height();
                        if !check(&block) {
                            stop.store(true, Ordering::Relaxed);
                        }
                    }
                    Err(e) => {
                        failed = Some(
                            Problem::file(shown, &format!("cannot be read as CSV: {e}")).into(),
                        );
                        stop.store(true, Ordering::Relaxed);
                    }
                }
            }
            (rows, failed)
        });
        let streamed = stream_csv(&header.path, shown, block, |head, records| {
            if stop.load(Ordering::Relaxed) {
                return false;
            }
            let mut text = Vec::with_capacity(head.len() + records.len());
            text.extend_from_slice(head);
            text.extend_from_slice(records);
            tx.send(text).is_ok()
        });
        drop(tx);
        let done = worker
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (streamed, done)
    });
    let (sha256, _, problems) = streamed?;
    if !problems.is_empty() {
        return Err(Problems(problems));
    }
    if let Some(p) = failed {
        return Err(p);
    }
    Ok((sha256, rows))
}

/// Dataset `name` in `dir` hashed as it streams, in blocks, and never
/// parsed: a frame without rows with the file's hash (checked against the
/// manifest as any file's) and its column names (its header, a Parquet
/// file's schema; an XPT file is read whole). Exactly one file must hold
/// the dataset, as for [`super::read::read_frame`].
pub fn hashed_unparsed(dir: &Path, name: &str, enc: Encoding) -> Result<Frame, Problems> {
    use std::io::Read;
    let shown_dir = dir.display().to_string();
    let found = dataset_files(dir, name).map_err(|e| {
        Problems::from(Problem::file(
            &shown_dir,
            &format!("cannot list the folder: {e}"),
        ))
    })?;
    let [path] = found.as_slice() else {
        // None or several: the reader names the problem.
        return super::read::read_frame(dir, name, enc, Some(&[]));
    };
    let shown = path.display().to_string();
    let cannot =
        |e: std::io::Error| Problems::from(Problem::file(&shown, &format!("cannot be read: {e}")));
    let mut file = std::fs::File::open(path).map_err(cannot)?;
    let mut hasher = crate::server::digest::Hasher::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf).map_err(cannot)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        super::progress::advance(n as u64);
    }
    let columns = column_names(dir, name, enc)
        .ok_or_else(|| Problems::from(Problem::file(&shown, "its header cannot be read")))?;
    Ok(Frame {
        path: path.clone(),
        file_name: path
            .file_name()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string(),
        sha256: hasher.hex(),
        columns,
        frame: DataFrame::empty(),
        first_row: 0,
    })
}

#[cfg(test)]
mod tests {
    use crate::server::data::problem::Collector;

    /// Checked in blocks of a few kilobytes, a file's problems name its
    /// rows, its rows are counted, and its hash is the whole file's.
    #[test]
    fn a_streamed_file_is_checked_block_by_block_with_rows_numbered_in_the_file() {
        let dir = std::env::temp_dir().join(format!("dsmb-stream-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("adae.csv");
        let mut text = String::from("USUBJID,AETERM,X\n");
        for row in 1..=10_000 {
            let term = if row == 7_777 {
                ""
            } else {
                "\"Bleeding, minor\""
            };
            text.push_str(&format!("S-{row},{term},{row}\n"));
        }
        std::fs::write(&path, &text).unwrap();
        let wanted = vec!["USUBJID".to_string(), "AETERM".to_string()];
        let header = super::header_frame(&path, Some(&wanted)).unwrap();
        assert_eq!(header.columns, vec!["USUBJID", "AETERM", "X"]);
        let mut c = Collector::default();
        let mut blocks = 0;
        let (sha, rows) = super::stream_frames_in(&header, Some(&wanted), 4096, |b| {
            blocks += 1;
            assert_eq!(b.frame.width(), 2, "only the wanted columns");
            let _ = b.text(&mut c, "AETERM", true);
            true
        })
        .unwrap();
        assert!(blocks > 50, "{blocks} blocks");
        assert_eq!(rows, 10_000);
        assert_eq!(sha, crate::server::digest::sha256_hex(text.as_bytes()));
        let problems = c.finish().0;
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].row, Some(7_777));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
