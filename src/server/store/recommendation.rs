//! The recommendations a DSMB makes, by name: what each is called in the
//! store and the forms (`stop_futility`), in words ("Stop for futility"),
//! and what a signed one makes of the trial ("stopped for futility").

use std::fmt;

/// A DSMB's recommendation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Recommendation {
    #[default]
    Continue,
    Modify,
    PauseEnrollment,
    StopEfficacy,
    StopFutility,
    StopHarm,
}

impl Recommendation {
    /// Every recommendation, in the order the form offers them.
    pub const ALL: [Recommendation; 6] = [
        Recommendation::Continue,
        Recommendation::Modify,
        Recommendation::PauseEnrollment,
        Recommendation::StopEfficacy,
        Recommendation::StopFutility,
        Recommendation::StopHarm,
    ];

    /// The code kept in the store and sent by the form.
    pub fn as_str(self) -> &'static str {
        match self {
            Recommendation::Continue => "continue",
            Recommendation::Modify => "modify",
            Recommendation::PauseEnrollment => "pause_enrollment",
            Recommendation::StopEfficacy => "stop_efficacy",
            Recommendation::StopFutility => "stop_futility",
            Recommendation::StopHarm => "stop_harm",
        }
    }

    /// The recommendation in words.
    pub fn label(self) -> &'static str {
        match self {
            Recommendation::Continue => "Continue unchanged",
            Recommendation::Modify => "Continue with modifications",
            Recommendation::PauseEnrollment => "Pause enrollment",
            Recommendation::StopEfficacy => "Stop for efficacy",
            Recommendation::StopFutility => "Stop for futility",
            Recommendation::StopHarm => "Stop for harm",
        }
    }

    /// The recommendation of code `code`, or what is wrong with it.
    pub fn parse(code: &str) -> Result<Recommendation, String> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == code.trim())
            .ok_or_else(|| {
                let shown: String = code.chars().take(40).collect();
                let known: Vec<&str> = Self::ALL.iter().map(|r| r.as_str()).collect();
                format!(
                    "recommendation {shown:?} is not one of: {}",
                    known.join(", ")
                )
            })
    }

    /// What a signed stop makes of the trial ("stopped for futility");
    /// `None` for a recommendation that does not stop it.
    pub fn stop_status(self) -> Option<&'static str> {
        match self {
            Recommendation::StopEfficacy => Some("stopped for efficacy"),
            Recommendation::StopFutility => Some("stopped for futility"),
            Recommendation::StopHarm => Some("stopped for harm"),
            _ => None,
        }
    }

    /// Whether a signed one stops the trial.
    pub fn stops(self) -> bool {
        self.stop_status().is_some()
    }

    /// The trial's status under a signed one, when it says more than
    /// "ongoing": stopped, or enrollment paused.
    pub fn status(self) -> Option<&'static str> {
        match self {
            Recommendation::PauseEnrollment => Some("enrollment paused"),
            r => r.stop_status(),
        }
    }
}

impl fmt::Display for Recommendation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_reads_back_as_itself_and_others_are_named_in_the_refusal() {
        for r in Recommendation::ALL {
            assert_eq!(Recommendation::parse(r.as_str()), Ok(r));
        }
        let why = Recommendation::parse("stop_now").unwrap_err();
        assert!(
            why.contains("\"stop_now\"") && why.contains("stop_futility"),
            "{why}"
        );
        assert_eq!(Recommendation::StopHarm.status(), Some("stopped for harm"));
        assert_eq!(
            Recommendation::PauseEnrollment.status(),
            Some("enrollment paused")
        );
        assert!(!Recommendation::PauseEnrollment.stops());
        assert_eq!(Recommendation::Modify.status(), None);
    }
}
