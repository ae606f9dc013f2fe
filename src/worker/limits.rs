//! The per-isolate limits, time passed in: a per-token rate limiter (fixed
//! one-minute windows), the isolate's in-flight body budget, uploads in
//! flight per token, and the pace an upload must keep.
//!
//! They live in the memory of one worker isolate. The rate limiter is the
//! fallback when no Rate Limiting binding is configured: each isolate counts
//! separately and may be recycled at any time. The budget, the in-flight
//! table and the pace bound one isolate's memory and time, which is exactly
//! their job.

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

    /// Whether `key` has used its `limit` in the current window, without
    /// counting: `Some(seconds)` until it resets.
    pub fn blocked(&self, key: &str, limit: u32, now_ms: u64) -> Option<u64> {
        let (start, n) = *self.windows.get(key)?;
        let age = now_ms.checked_sub(start)?;
        (limit > 0 && age < WINDOW_MS && n >= limit)
            .then(|| (WINDOW_MS - age).div_ceil(1000).max(1))
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

/// The body bytes an isolate holds for all its requests at once: taken as
/// chunks arrive, given back when the request ends, so concurrent uploads
/// cannot add up past the isolate's memory.
#[derive(Debug)]
pub struct BodyBudget {
    cap: u64,
    used: u64,
}

impl BodyBudget {
    /// A budget of `cap` bytes.
    pub fn new(cap: u64) -> BodyBudget {
        BodyBudget { cap, used: 0 }
    }

    /// Takes `n` bytes; `false` (and nothing taken) when that would pass the cap.
    pub fn take(&mut self, n: u64) -> bool {
        match self.used.checked_add(n) {
            Some(total) if total <= self.cap => {
                self.used = total;
                true
            }
            _ => false,
        }
    }

    /// Gives back `n` bytes taken earlier.
    pub fn give(&mut self, n: u64) {
        self.used = self.used.saturating_sub(n);
    }

    /// Bytes held now.
    pub fn used(&self) -> u64 {
        self.used
    }

    /// Changes the cap (the configuration is read per request); bytes held stay held.
    pub fn set_cap(&mut self, cap: u64) {
        self.cap = cap;
    }
}

/// Uploads in flight per key (a token): one holder cannot occupy the
/// isolate with many parallel bodies.
#[derive(Debug, Default)]
pub struct InFlight {
    counts: HashMap<String, u32>,
}

impl InFlight {
    /// An empty table.
    pub fn new() -> InFlight {
        InFlight::default()
    }

    /// Enters one upload for `key` if fewer than `max` are in flight.
    pub fn enter(&mut self, key: &str, max: u32) -> bool {
        let n = self.counts.entry(key.to_owned()).or_insert(0);
        if *n >= max {
            return false;
        }
        *n += 1;
        true
    }

    /// Leaves one upload for `key`; the key is forgotten at zero.
    pub fn leave(&mut self, key: &str) {
        if let Some(n) = self.counts.get_mut(key) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                self.counts.remove(key);
            }
        }
    }

    /// Keys with an upload in flight.
    pub fn len(&self) -> usize {
        self.counts.len()
    }

    /// True when nothing is in flight.
    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }
}

/// The pace an upload must keep: all of it within `deadline_ms` of the
/// start, and after `grace_ms` at least `min_bytes_per_sec` on average.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReadPace {
    /// When reading started.
    pub start_ms: u64,
    /// The whole body must have arrived by `start_ms + deadline_ms`.
    pub deadline_ms: u64,
    /// The slowest average rate accepted once the grace period is over.
    pub min_bytes_per_sec: u64,
    /// Time before the rate counts (connection set-up, a slow first packet).
    pub grace_ms: u64,
}

impl ReadPace {
    /// How long to wait for the next chunk at `now_ms` with `received`
    /// bytes in; `None` when the upload is already too late or too slow.
    pub fn wait_ms(&self, now_ms: u64, received: u64) -> Option<u64> {
        let deadline = self.start_ms.saturating_add(self.deadline_ms);
        // The moment `received` bytes fall below the rate floor.
        let floor = match self.min_bytes_per_sec {
            0 => u64::MAX,
            rate => self
                .start_ms
                .saturating_add(self.grace_ms)
                .saturating_add(received.saturating_mul(1000) / rate),
        };
        let until = deadline.min(floor);
        (until > now_ms).then(|| until - now_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocked_peeks_without_counting() {
        let mut l = RateLimiter::new();
        assert_eq!(l.blocked("k", 2, 0), None);
        l.check("k", 2, 0).unwrap();
        assert_eq!(l.blocked("k", 2, 10), None);
        l.check("k", 2, 10).unwrap();
        assert_eq!(l.blocked("k", 2, 1_000), Some(59));
        assert_eq!(l.blocked("k", 2, 60_000), None);
        assert_eq!(l.blocked("k", 0, 1_000), None);
    }

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
    fn body_budget_is_shared_and_given_back() {
        let mut b = BodyBudget::new(100);
        assert!(b.take(60) && b.take(40));
        assert!(!b.take(1), "spent");
        assert_eq!(b.used(), 100);
        b.give(60);
        assert!(b.take(50) && !b.take(11));
        assert!(!b.take(u64::MAX), "no overflow");
        b.give(1000);
        assert_eq!(b.used(), 0);
    }

    #[test]
    fn uploads_in_flight_per_key() {
        let mut f = InFlight::new();
        assert!(f.enter("t", 2) && f.enter("t", 2));
        assert!(!f.enter("t", 2), "a third is refused");
        assert!(f.enter("u", 2), "other keys are independent");
        f.leave("t");
        assert!(f.enter("t", 2));
        for k in ["t", "t", "u", "u"] {
            f.leave(k);
        }
        assert!(f.is_empty(), "keys at zero are forgotten");
    }

    #[test]
    fn read_pace_cuts_late_and_slow_uploads() {
        let p = ReadPace {
            start_ms: 1_000,
            deadline_ms: 10_000,
            min_bytes_per_sec: 1_000,
            grace_ms: 2_000,
        };
        assert_eq!(p.wait_ms(1_000, 0), Some(2_000), "nothing yet: the grace period");
        assert_eq!(p.wait_ms(3_000, 0), None, "nothing after the grace period");
        assert_eq!(p.wait_ms(3_000, 5_000), Some(5_000), "5 kB buys 5 s at 1 kB/s");
        assert_eq!(p.wait_ms(9_000, 1_000_000), Some(2_000), "fast, but the deadline holds");
        assert_eq!(p.wait_ms(11_000, 1_000_000), None, "past the deadline");
        let no_rate = ReadPace { min_bytes_per_sec: 0, ..p };
        assert_eq!(no_rate.wait_ms(5_000, 0), Some(6_000));
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
