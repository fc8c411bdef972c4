//! A `<textarea>` holding text from users. Its content is escaped here,
//! by the app, and written as the element's inner HTML: the renderer's own
//! handling of a textarea's text child is not relied on (a `</textarea>`
//! in the text must never close the element and start live markup).

use leptos::prelude::*;

/// Text for HTML and XML (pages, SVG drawings, documents): `&`, `<`, `>`
/// and quotes escaped; control characters other than tab and newline
/// dropped (they are not XML), so no value can make markup invalid.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
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

/// A textarea named `name` prefilled with `text`, shown as text.
#[component]
pub fn TextArea(
    name: &'static str,
    rows: u32,
    text: String,
    #[prop(optional)] required: bool,
) -> impl IntoView {
    view! { <textarea name=name rows=rows required=required inner_html=escape_html(&text)></textarea> }
}

#[cfg(test)]
mod tests {
    #[test]
    fn markup_in_user_text_is_escaped() {
        assert_eq!(
            super::escape_html(r#"</textarea><meta http-equiv="refresh" content='0'>&"#),
            "&lt;/textarea&gt;&lt;meta http-equiv=&quot;refresh&quot; content=&#39;0&#39;&gt;&amp;"
        );
    }
}
