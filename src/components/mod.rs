//! Reusable view pieces.

mod charts;
mod error_panel;
pub mod fragment;

pub use charts::Chart;
pub use error_panel::ErrorPanel;
