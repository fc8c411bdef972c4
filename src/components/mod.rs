//! Reusable view pieces.

mod charts;
mod error_panel;

pub use charts::{BoundaryChart, ConditionalPowerChart, EnrollmentChart, ForestChart, KmChart};
pub use error_panel::ErrorPanel;
