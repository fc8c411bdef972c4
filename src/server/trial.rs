//! The trial configuration (`trial.toml`), written once by the independent
//! statistician for each trial.

use serde::Deserialize;
use std::path::Path;

/// A trial as described by its `trial.toml`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrialConfig {
    /// Short identifier used in URLs and on the command line, e.g. `altshock2`.
    pub id: String,
    /// Human-readable title shown on every page.
    pub title: String,
    /// Enrollment plan.
    pub enrollment: EnrollmentPlan,
}

/// Planned enrollment.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnrollmentPlan {
    /// Number of subjects the trial plans to randomize.
    pub target: u32,
}

/// Why a trial configuration could not be read.
#[derive(Debug, thiserror::Error)]
pub enum TrialConfigError {
    #[error("{path}: cannot read the trial configuration: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Parse { path: String, message: String },
}

impl TrialConfig {
    /// Read and parse a `trial.toml`.
    pub fn load(path: &Path) -> Result<Self, TrialConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| TrialConfigError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Self::parse(&text).map_err(|message| TrialConfigError::Parse {
            path: path.display().to_string(),
            message,
        })
    }

    /// Parse the text of a `trial.toml`; the error names line and column.
    pub fn parse(text: &str) -> Result<Self, String> {
        let cfg: TrialConfig = toml::from_str(text).map_err(|e| e.to_string())?;
        if cfg.id.is_empty()
            || !cfg
                .id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(format!(
                "id {:?} must be non-empty and use only letters, digits, '-' and '_'",
                cfg.id
            ));
        }
        if cfg.enrollment.target == 0 {
            return Err("enrollment.target must be at least 1".into());
        }
        Ok(cfg)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_minimal_config_parses() {
        let cfg =
            TrialConfig::parse("id = \"t1\"\ntitle = \"T\"\n[enrollment]\ntarget = 200\n").unwrap();
        assert_eq!(cfg.enrollment.target, 200);
    }

    #[test]
    fn an_unknown_key_is_refused_with_its_position() {
        let err = TrialConfig::parse(
            "id = \"t1\"\ntitle = \"T\"\ntargte = 3\n[enrollment]\ntarget = 2\n",
        )
        .unwrap_err();
        assert!(err.contains("targte"), "{err}");
        assert!(err.contains("line 3"), "{err}");
    }

    #[test]
    fn an_id_with_a_slash_is_refused() {
        let err = TrialConfig::parse("id = \"a/b\"\ntitle = \"T\"\n[enrollment]\ntarget = 2\n")
            .unwrap_err();
        assert!(err.contains("id"), "{err}");
    }
}
