//! Reusable view pieces.

mod charts;
mod error_panel;

pub use charts::EnrollmentChart;
pub use error_panel::ErrorPanel;
