//! Reusable view pieces: the chart island, the upload form's progress island, the error panel, the closed
//! sections' fragment cache, a textarea of user text escaped by the app, the report tables of lines, long tables with their "show all", and how numbers
//! are formatted on every page.

mod charts;
mod error_panel;
pub mod format;
pub mod fragment;
mod lines_table;
mod long_table;
mod text_area;
mod upload_progress;

pub use charts::Chart;
pub use error_panel::ErrorPanel;
pub use lines_table::LinesTable;
pub use long_table::LongTable;
pub use text_area::{escape_html, TextArea};
pub use upload_progress::UploadProgress;
