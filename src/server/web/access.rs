//! The access layer's shared state: the store, the throttle of sign-in
//! attempts, and the cap on password checks running at once.

use crate::server::store::Store;
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

/// Failed sign-ins allowed per account, and per address, in the window.
pub const MAX_FAILURES_PER_ACCOUNT: usize = 5;
pub const MAX_FAILURES_PER_ADDRESS: usize = 20;
pub const FAILURE_WINDOW: Duration = Duration::from_secs(15 * 60);
/// Accounts (and addresses) the throttle remembers at most; beyond it the
/// one whose last attempt is oldest is forgotten first.
pub const MAX_TRACKED: usize = 10_000;
/// Password checks (argon2id, 19 MiB each) running at once at most; the
/// others wait up to [`VERIFY_WAIT`], then get 503.
pub const MAX_CONCURRENT_VERIFICATIONS: usize = 4;
pub const VERIFY_WAIT: Duration = Duration::from_secs(10);
/// A sign-in's username and password are refused (400) beyond these, before
/// any other work.
pub const MAX_USERNAME_BYTES: usize = 64;
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// Recent attempts per key, bounded in keys.
#[derive(Default)]
struct Window(HashMap<String, VecDeque<Instant>>);

impl Window {
    fn count(&mut self, key: &str, now: Instant) -> usize {
        match self.0.get_mut(key) {
            Some(v) => {
                while v
                    .front()
                    .is_some_and(|t| now.duration_since(*t) >= FAILURE_WINDOW)
                {
                    v.pop_front();
                }
                v.len()
            }
            None => 0,
        }
    }

    /// Count an attempt for `key`. When the window is full, the stalest
    /// key still under `limit` is forgotten to make room; a key at its limit
    /// never is (so junk keys cannot reset a victim's count), and when every
    /// key is at its limit the new one is not tracked (its attempts still
    /// count against the other window).
    fn push(&mut self, key: &str, now: Instant, limit: usize) {
        if !self.0.contains_key(key) && self.0.len() >= MAX_TRACKED && !self.evict(now, limit) {
            return;
        }
        self.0.entry(key.to_string()).or_default().push_back(now);
    }

    /// Forget keys with no attempt in the window, then, if still full, the
    /// stalest key under `limit`; whether there is room now.
    fn evict(&mut self, now: Instant, limit: usize) -> bool {
        self.0.retain(|_, v| {
            v.back()
                .is_some_and(|t| now.duration_since(*t) < FAILURE_WINDOW)
        });
        if self.0.len() >= MAX_TRACKED {
            let stalest = self
                .0
                .iter()
                .filter(|(_, v)| v.len() < limit)
                .min_by_key(|(_, v)| v.back().copied())
                .map(|(k, _)| k.clone());
            match stalest {
                Some(k) => {
                    self.0.remove(&k);
                }
                None => return false,
            }
        }
        true
    }

    fn pop(&mut self, key: &str) {
        if let Some(v) = self.0.get_mut(key) {
            v.pop_back();
            if v.is_empty() {
                self.0.remove(key);
            }
        }
    }
}

/// Sign-in attempts per account and per address. An attempt is counted
/// before its password is checked, so that guesses sent at once cannot pass
/// the limit; a successful one is taken back.
#[derive(Default)]
pub struct Throttle {
    accounts: Window,
    addresses: Window,
}

impl Throttle {
    /// Count an attempt for `account` from `address`, or refuse it (nothing
    /// counted) when either is at its limit.
    pub fn begin(&mut self, account: &str, address: &str) -> bool {
        let now = Instant::now();
        let blocked = self.accounts.count(account, now) >= MAX_FAILURES_PER_ACCOUNT
            || self.addresses.count(address, now) >= MAX_FAILURES_PER_ADDRESS;
        if !blocked {
            self.accounts.push(account, now, MAX_FAILURES_PER_ACCOUNT);
            self.addresses.push(address, now, MAX_FAILURES_PER_ADDRESS);
        }
        !blocked
    }

    /// The attempt was not a guess after all (the check could not run):
    /// take it back.
    pub fn abandon(&mut self, account: &str, address: &str) {
        self.accounts.pop(account);
        self.addresses.pop(address);
    }

    /// The password was right: the account's failures are forgiven and the
    /// attempt is taken back from the address.
    pub fn succeeded(&mut self, account: &str, address: &str) {
        self.accounts.0.remove(account);
        self.addresses.pop(address);
    }

    /// Accounts and addresses remembered now.
    pub fn tracked(&self) -> usize {
        self.accounts.0.len() + self.addresses.0.len()
    }
}

/// The access layer's shared state.
#[derive(Clone)]
pub struct Access {
    pub store: Store,
    pub throttle: Arc<Mutex<Throttle>>,
    /// Password checks allowed to run at once.
    pub verifications: Arc<Semaphore>,
    /// Mark cookies Secure and name the session cookie `__Host-…` (the app
    /// is served over TLS, directly or behind a proxy that terminates it).
    pub secure_cookies: bool,
    /// Refused forms' messages, waiting for their session's next page.
    pub flashes: super::flash::Flashes,
}

impl Access {
    pub fn new(store: Store, secure_cookies: bool) -> Self {
        Access {
            store,
            throttle: Arc::new(Mutex::new(Throttle::default())),
            verifications: Arc::new(Semaphore::new(MAX_CONCURRENT_VERIFICATIONS)),
            secure_cookies,
            flashes: super::flash::Flashes::default(),
        }
    }

    /// The session cookie's name: `__Host-` when Secure, so that no other
    /// host or path can set it.
    pub fn cookie_name(&self) -> &'static str {
        if self.secure_cookies {
            "__Host-dsmb_session"
        } else {
            "dsmb_session"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn junk_accounts_cannot_evict_an_account_at_its_limit() {
        let mut t = Throttle::default();
        for _ in 0..MAX_FAILURES_PER_ACCOUNT {
            assert!(t.begin("victim", "a"));
        }
        assert!(!t.begin("victim", "b"));
        // Fill the account window with junk names from many addresses.
        for i in 0..MAX_TRACKED + 50 {
            t.begin(&format!("junk-{i}"), &format!("addr-{}", i % 1000));
        }
        assert!(!t.begin("victim", "c"), "the victim's count was reset");
        assert!(t.tracked() <= 2 * MAX_TRACKED);
    }
}
