//! Time stamps and random tokens for the store.

use crate::server::digest::hex;

/// `n` random bytes from the operating system, as hex.
pub fn random_hex(n: usize) -> String {
    let mut buf = vec![0u8; n];
    getrandom::fill(&mut buf).expect("the operating system's random source");
    hex(&buf)
}

pub(crate) fn now_unix() -> i64 {
    chrono::Utc::now().timestamp()
}

pub(crate) fn now_text() -> String {
    chrono::Utc::now()
        .format("%Y-%m-%dT%H:%M:%S%.6fZ")
        .to_string()
}
