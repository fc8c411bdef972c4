//! The observed information of a trial's formal looks. The boundaries at a
//! formal look are spent at the information observed at the formal looks
//! before it (as rpact's analysis over the looks performed); a look declared
//! without its information fraction gets it here, from its cut's interim
//! (read at the closed level, ADLB left unparsed).
//!
//! May not: render pages, check roles.

use crate::server::config::TrialConfig;
use crate::server::data::layout;
use crate::server::firewall::closed_snapshot_without_labs;
use crate::server::report::closed_interim;
use std::path::Path;

/// `config` with the information fraction of every formal look before the
/// cut dated `cut` filled in, where not given, from the cut folders of the
/// trial folder `trial_dir` (`cut-YYYY-MM-DD`). A look whose cut cannot be
/// read keeps none (its planned fraction stands in, and the log says so).
pub fn with_observed_looks(config: &TrialConfig, trial_dir: &Path, cut: &str) -> TrialConfig {
    let mut out = config.clone();
    for look in out
        .design
        .formal_looks
        .iter_mut()
        .filter(|l| l.cut.as_str() < cut && l.information_fraction.is_none())
    {
        let Ok(date) = chrono::NaiveDate::parse_from_str(&look.cut, "%Y-%m-%d") else {
            continue;
        };
        let dir = trial_dir.join(layout::cut_folder_name(date));
        let observed = closed_snapshot_without_labs(config, &dir)
            .map_err(|p| p.to_string())
            .and_then(|snap| closed_interim(&snap, config).map_err(|e| e.to_string()))
            .map(|i| i.map(|i| i.information_fraction));
        match observed {
            Ok(Some(t)) => look.information_fraction = Some(t),
            Ok(None) => tracing::warn!(
                "formal look {} of {} ({}): no interim at that cut; its planned fraction stands in",
                look.look,
                config.id,
                look.cut
            ),
            Err(e) => tracing::warn!(
                "formal look {} of {} ({}) cannot be read ({e}); its planned fraction stands in",
                look.look,
                config.id,
                look.cut
            ),
        }
    }
    out
}

/// `catalog` with the looks declared in the app (`store`) added to each
/// trial's trial.toml looks, as the server starts. A declared look that no
/// longer fits the trial.toml (edited since) is an error naming both: the
/// server does not serve a design other than the one the board's looks
/// were declared under.
pub fn with_declared_looks(
    catalog: &crate::server::catalog::Catalog,
    store: &crate::server::store::Store,
) -> Result<crate::server::catalog::Catalog, String> {
    let mut out = catalog.clone();
    for entry in &catalog.trials {
        let id = &entry.config.id;
        let declared = store
            .declared_looks(id)
            .map_err(|e| format!("{id}: the declared looks cannot be read: {e}"))?;
        if declared.is_empty() {
            continue;
        }
        let config =
            join_declared(entry.config.clone(), &declared).map_err(|e| format!("{id}: {e}"))?;
        out = out.with_entry(entry.with_config(config));
    }
    Ok(out)
}

/// `config` with the looks `declared` in the app joined to its own (a look
/// it declares already at the same cut is no change); an error names the
/// first declared look that contradicts it, who declared it and when.
pub fn join_declared(
    config: crate::server::config::TrialConfig,
    declared: &[crate::server::store::looks::DeclaredLook],
) -> Result<crate::server::config::TrialConfig, String> {
    let mut out = config;
    for d in declared {
        if out.design.formal_look_at(&d.cut).map(|l| l.look) == Some(d.look) {
            continue;
        }
        out = out.with_declared_look(d.look, &d.cut).map_err(|e| {
            format!(
                "look {} at the cut of {} (declared in the app by {} at {}) does not fit trial.toml: {e}",
                d.look, d.cut, d.declared_by, d.declared_at
            )
        })?;
    }
    Ok(out)
}
