//! A per-token rate limiter: a fixed one-minute window per key, time passed in.
//!
//! It lives in the memory of one worker isolate, so it is best-effort: a busy
//! worker runs several isolates in several places, each with its own counts,
//! and an isolate may be recycled at any time. It stops a single page (or a
//! leaked token) hammering the account through one isolate; a Durable Object
//! keyed by the token nonce would make the limit global and exact.

use std::collections::HashMap;

/// The window length.
pub const WINDOW_MS: u64 = 60_000;
/// Keys held at most; past this, finished windows are dropped first.
pub const MAX_KEYS: usize = 10_000;

/// Counts requests per key in fixed windows.
#[derive(Debug, Default)]
pub struct RateLimiter {
    windows: HashMap<String, (u64, u32)>,
}

impl RateLimiter {
    /// An empty limiter.
    pub fn new() -> RateLimiter {
        RateLimiter::default()
    }

    /// Counts one request for `key` at `now_ms` against `limit` per minute.
    /// `Err(seconds)` says how long until the window resets (for
    /// `Retry-After`). A limit of 0 turns limiting off.
    pub fn check(&mut self, key: &str, limit: u32, now_ms: u64) -> Result<(), u64> {
        if limit == 0 {
            return Ok(());
        }
        if self.windows.len() >= MAX_KEYS && !self.windows.contains_key(key) {
            self.windows.retain(|_, (start, _)| now_ms.saturating_sub(*start) < WINDOW_MS);
            if self.windows.len() >= MAX_KEYS {
                // Every window is live: forget the lot rather than grow without
                // bound (best-effort, as documented above).
                self.windows.clear();
            }
        }
        let entry = self.windows.entry(key.to_owned()).or_insert((now_ms, 0));
        if now_ms.saturating_sub(entry.0) >= WINDOW_MS || now_ms < entry.0 {
            *entry = (now_ms, 0);
        }
        if entry.1 >= limit {
            let left_ms = WINDOW_MS.saturating_sub(now_ms.saturating_sub(entry.0));
            return Err(left_ms.div_ceil(1000).max(1));
        }
        entry.1 += 1;
        Ok(())
    }

    /// Keys currently held.
    pub fn len(&self) -> usize {
        self.windows.len()
    }

    /// True when no key is held.
    pub fn is_empty(&self) -> bool {
        self.windows.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_per_key_per_window() {
        let mut r = RateLimiter::new();
        for _ in 0..3 {
            assert!(r.check("a", 3, 1_000).is_ok());
        }
        assert_eq!(r.check("a", 3, 1_500), Err(60));
        assert_eq!(r.check("a", 3, 31_000), Err(30));
        assert!(r.check("b", 3, 31_000).is_ok(), "keys are independent");
        assert!(r.check("a", 3, 61_000).is_ok(), "a new window");
        assert!(r.check("a", 0, 61_000).is_ok(), "0 turns it off");
    }

    #[test]
    fn clock_going_back_starts_a_window() {
        let mut r = RateLimiter::new();
        assert!(r.check("a", 1, 10_000).is_ok());
        assert!(r.check("a", 1, 5_000).is_ok());
    }

    #[test]
    fn memory_is_bounded() {
        let mut r = RateLimiter::new();
        for i in 0..MAX_KEYS {
            assert!(r.check(&i.to_string(), 5, 0).is_ok());
        }
        assert_eq!(r.len(), MAX_KEYS);
        // Windows finished: dropped to make room.
        assert!(r.check("new", 5, WINDOW_MS + 1).is_ok());
        assert_eq!(r.len(), 1);
        for i in 0..MAX_KEYS + 5 {
            let _ = r.check(&format!("k{i}"), 5, WINDOW_MS + 2);
        }
        assert!(r.len() <= MAX_KEYS);
    }
}
