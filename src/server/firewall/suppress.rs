//! Small-cell suppression of pooled counts in the open view: a count from 1
//! to the trial's threshold − 1 is not shown (zero is).

/// `count` when it may be shown, else `None`.
pub fn suppress(count: u32, threshold: u32) -> Option<u32> {
    (count == 0 || count >= threshold).then_some(count)
}
