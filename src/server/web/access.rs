//! The access layer's shared state: the store and the throttle of failed
//! sign-ins.

use crate::server::store::Store;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Failed sign-ins allowed per account, and per address, in the window.
pub const MAX_FAILURES_PER_ACCOUNT: usize = 5;
pub const MAX_FAILURES_PER_ADDRESS: usize = 20;
pub const FAILURE_WINDOW: Duration = Duration::from_secs(15 * 60);

/// Recent failed sign-ins per account and per address.
#[derive(Default)]
pub struct Throttle {
    accounts: HashMap<String, Vec<Instant>>,
    addresses: HashMap<String, Vec<Instant>>,
}

impl Throttle {
    fn prune(v: &mut Vec<Instant>, now: Instant) {
        v.retain(|t| now.duration_since(*t) < FAILURE_WINDOW);
    }

    /// Whether a sign-in for `account` from `address` is refused now.
    pub fn blocked(&mut self, account: &str, address: &str) -> bool {
        let now = Instant::now();
        let a = self.accounts.entry(account.to_string()).or_default();
        Self::prune(a, now);
        let over_account = a.len() >= MAX_FAILURES_PER_ACCOUNT;
        let b = self.addresses.entry(address.to_string()).or_default();
        Self::prune(b, now);
        over_account || b.len() >= MAX_FAILURES_PER_ADDRESS
    }

    pub fn failed(&mut self, account: &str, address: &str) {
        let now = Instant::now();
        self.accounts
            .entry(account.to_string())
            .or_default()
            .push(now);
        self.addresses
            .entry(address.to_string())
            .or_default()
            .push(now);
    }

    pub fn succeeded(&mut self, account: &str) {
        self.accounts.remove(account);
    }
}

/// The access layer's shared state.
#[derive(Clone)]
pub struct Access {
    pub store: Store,
    pub throttle: Arc<Mutex<Throttle>>,
    /// Mark cookies Secure (the app is served over TLS, directly or behind a
    /// proxy that terminates it).
    pub secure_cookies: bool,
}

impl Access {
    pub fn new(store: Store, secure_cookies: bool) -> Self {
        Access {
            store,
            throttle: Arc::new(Mutex::new(Throttle::default())),
            secure_cookies,
        }
    }
}
