//! Report + viewer -> page data: the DTOs and chart figures each page
//! shows, with the groups named as the viewer may see them
//! ([`crate::server::firewall::ArmNames`]) and all the page's words.
//!
//! May not: check roles or write audit entries (the server functions do,
//! through `server::web::guard`), or read data files.

pub mod adverse;
pub mod baseline;
pub mod conduct;
pub mod cuts;
pub mod diff;
pub mod disposition;
pub mod efficacy;
pub mod enrollment;
pub mod figures;
pub mod labs;
pub mod safety;

/// Text for XML (SVG, HTML): `&`, `<`, `>` and quotes escaped; control
/// characters other than tab and newline dropped (they are not XML), so no
/// value in the data can make a drawing invalid.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}
