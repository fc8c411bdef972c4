//! Data-transfer objects: the small, plain structs that cross the wire
//! between server functions and pages, split by page; both builds compile
//! them. DataFrames never cross.

mod access;
mod adverse;
mod baseline;
mod conduct;
mod cuts;
mod disposition;
mod efficacy;
mod enrollment;
mod error;
mod labs;
mod reports;
mod reviews;
mod rules;
mod safety;
mod standing;

pub use access::*;
pub use adverse::*;
pub use baseline::*;
pub use conduct::*;
pub use cuts::*;
pub use disposition::*;
pub use efficacy::*;
pub use enrollment::*;
pub use error::AppError;
pub use labs::*;
pub use reports::*;
pub use reviews::*;
pub use rules::*;
pub use safety::*;
pub use standing::*;

use serde::{Deserialize, Serialize};

/// A plotly figure (`{data, layout, config}`) as JSON, built on the server
/// and drawn by plotly.js in the browser; empty when there is nothing to
/// draw. Every number in it is also in a table on the same page.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figure(pub String);

/// A role on a trial.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Dsmb,
    Statistician,
    Sponsor,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Dsmb => "dsmb",
            Role::Statistician => "statistician",
            Role::Sponsor => "sponsor",
        }
    }

    /// Whether the role may see results by arm (closed views).
    pub fn is_closed(self) -> bool {
        matches!(self, Role::Dsmb | Role::Statistician)
    }
}

/// A role name that is not one of the three.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown role {0:?}: dsmb, statistician or sponsor")]
pub struct UnknownRole(pub String);

impl std::str::FromStr for Role {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<Self, UnknownRole> {
        match s {
            "dsmb" => Ok(Role::Dsmb),
            "statistician" => Ok(Role::Statistician),
            "sponsor" => Ok(Role::Sponsor),
            other => Err(UnknownRole(other.to_string())),
        }
    }
}
