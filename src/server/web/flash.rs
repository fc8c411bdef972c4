//! A refused form, as a browser sees it: instead of a bare status page
//! outside the app, the browser goes back (303) to the page the form was
//! on, and that page shows why, once, inside the app's frame. The message
//! is kept on the server for the session (never in the URL, where a link
//! could forge one) and taken by the next page of that session.
//!
//! A request that is not a browser's navigation from a page of this site
//! (a script, a test, a form posted from elsewhere) gets the status and
//! the message as before.

use axum::http::{header, HeaderMap};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a message waits for its page.
const KEPT: Duration = Duration::from_secs(120);

/// The messages waiting for their session's next page.
#[derive(Clone, Default)]
pub struct Flashes(Arc<Mutex<HashMap<String, (String, Instant)>>>);

impl Flashes {
    /// Keep `message` for the session `token`'s next page.
    pub fn put(&self, token: &str, message: String) {
        let mut m = self.0.lock().unwrap_or_else(|e| e.into_inner());
        m.retain(|_, (_, at)| at.elapsed() < KEPT);
        m.insert(token.to_string(), (message, Instant::now()));
    }

    /// The message waiting for the session `token`, taken.
    pub fn take(&self, token: &str) -> Option<String> {
        let mut m = self.0.lock().unwrap_or_else(|e| e.into_inner());
        m.remove(token)
            .filter(|(_, at)| at.elapsed() < KEPT)
            .map(|(msg, _)| msg)
    }
}

/// The page a browser's form post came from (its path and query), when the
/// request is a navigation from a page of this host; else `None`.
pub fn back_to(headers: &HeaderMap) -> Option<String> {
    let get = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let navigation = get("sec-fetch-mode") == Some("navigate")
        || get(header::ACCEPT.as_str()).is_some_and(|a| a.contains("text/html"));
    if !navigation {
        return None;
    }
    let host = get(header::HOST.as_str())?;
    let referer = get(header::REFERER.as_str())?;
    let rest = referer
        .strip_prefix("https://")
        .or_else(|| referer.strip_prefix("http://"))?;
    let path = rest.strip_prefix(host)?;
    let path = path.split('#').next().unwrap_or_default();
    // A path of this site, and nothing a header could not carry.
    (path.starts_with('/') && !path.starts_with("//") && !path.contains(['\r', '\n']))
        .then(|| path.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn only_a_navigation_from_a_page_of_this_host_goes_back() {
        let nav = [("host", "localhost:3000"), ("sec-fetch-mode", "navigate")];
        let back = |r: &'static str| {
            let mut h = headers(&nav);
            h.insert("referer", HeaderValue::from_static(r));
            back_to(&h)
        };
        assert_eq!(
            back("http://localhost:3000/trial/a/reviews/1?x=1#f").as_deref(),
            Some("/trial/a/reviews/1?x=1")
        );
        assert_eq!(back("http://elsewhere.example/trial/a"), None);
        assert_eq!(back("http://localhost:3000.evil.example/x"), None);
        assert_eq!(back("http://localhost:3000//evil.example/x"), None);
        let mut h = headers(&[("host", "localhost:3000")]);
        h.insert(
            "referer",
            HeaderValue::from_static("http://localhost:3000/trial/a"),
        );
        assert_eq!(back_to(&h), None, "a script's request gets the status");
    }

    #[test]
    fn a_message_is_taken_once_by_its_own_session() {
        let f = Flashes::default();
        f.put("t1", "wrong password".into());
        assert_eq!(f.take("t2"), None);
        assert_eq!(f.take("t1").as_deref(), Some("wrong password"));
        assert_eq!(f.take("t1"), None);
    }
}
