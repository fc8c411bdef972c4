//! The key of a cached view. Cuts are immutable, so what a page shows
//! depends only on what it is, the trial, the cut and whether the viewer's
//! groups are coded; the coding is a named part of every key, so a coded
//! viewer can only ever be served a coded view.

/// A cached page view or fragment.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ViewKey {
    /// Which view (a server function's data, or a section's HTML).
    pub what: &'static str,
    pub trial: String,
    /// The cut date, `YYYY-MM-DD`.
    pub cut: String,
    /// The viewer's groups are coded letters.
    pub coded: bool,
}

impl ViewKey {
    pub fn new(what: &'static str, trial: &str, cut: &str, coded: bool) -> Self {
        ViewKey {
            what,
            trial: trial.to_string(),
            cut: cut.to_string(),
            coded,
        }
    }
}
