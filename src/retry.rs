//! When to send a request again, decided without I/O: the transport reports
//! what happened, and this says whether to retry and how long to wait.

/// What one attempt came to, as far as retrying is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The connection failed or was reset: the request may have been processed.
    Network,
    /// The gateway throttled the call; it was not processed.
    Throttled,
    /// A 5xx or an internal error: the request may have been processed.
    ServerError,
    /// Any other answer: final.
    Final,
}

/// The retry settings of a client.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Policy {
    /// Retries after the first attempt, at most.
    pub max_retries: u32,
    /// The first backoff ceiling, in milliseconds; it doubles per retry.
    pub base_ms: u64,
    /// The largest backoff ceiling, in milliseconds.
    pub cap_ms: u64,
}

impl Default for Policy {
    fn default() -> Self {
        Policy { max_retries: 2, base_ms: 200, cap_ms: 5_000 }
    }
}

/// Whether an operation may be sent twice without changing its effect.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Safety {
    /// Reads, and idempotent writes (DELETE of a tag): retry any transient failure.
    Idempotent,
    /// Creates (an APIG app): never sent twice, whatever happened.
    NotIdempotent,
}

/// Decides whether attempt number `attempt` (0 for the first) is followed by
/// another, and after how many milliseconds.
///
/// `retry_after_ms` is the server's `Retry-After`, `remaining_ms` what is
/// left of the overall deadline, and `jitter` a uniform random number in
/// [0, 1) (full jitter: the wait is uniform below the exponential ceiling).
pub fn next_delay(
    policy: &Policy,
    safety: Safety,
    attempt: u32,
    outcome: Outcome,
    retry_after_ms: Option<u64>,
    remaining_ms: u64,
    jitter: f64,
) -> Option<u64> {
    if safety == Safety::NotIdempotent || outcome == Outcome::Final || attempt >= policy.max_retries
    {
        return None;
    }
    let ceiling = policy.base_ms.saturating_mul(1u64 << attempt.min(32)).min(policy.cap_ms);
    let jittered = (ceiling as f64 * jitter.clamp(0.0, 1.0)) as u64;
    let wait = jittered.max(retry_after_ms.unwrap_or(0));
    // Waiting past the deadline only to time out helps no one.
    (wait < remaining_ms).then_some(wait)
}

/// Parses `Retry-After` given in seconds; `now_ms` resolves an HTTP date.
pub fn parse_retry_after(value: &str, now_ms: u64) -> Option<u64> {
    let v = value.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(secs.saturating_mul(1000));
    }
    http_date_ms(v).map(|at| at.saturating_sub(now_ms))
}

/// Parses an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`) to unix milliseconds.
fn http_date_ms(v: &str) -> Option<u64> {
    let mut it = v.split_ascii_whitespace();
    let _weekday = it.next()?;
    let day: u64 = it.next()?.parse().ok()?;
    let month = match it.next()? {
        "Jan" => 1,
        "Feb" => 2,
        "Mar" => 3,
        "Apr" => 4,
        "May" => 5,
        "Jun" => 6,
        "Jul" => 7,
        "Aug" => 8,
        "Sep" => 9,
        "Oct" => 10,
        "Nov" => 11,
        "Dec" => 12,
        _ => return None,
    };
    let year: i64 = it.next()?.parse().ok()?;
    let mut hms = it.next()?.split(':').map(|p| p.parse::<u64>().ok());
    let (h, m, s) = (hms.next()??, hms.next()??, hms.next()??);
    if it.next()? != "GMT" || !(1..=31).contains(&day) || h > 23 || m > 59 || s > 60 {
        return None;
    }
    let days = crate::date::days_from_civil(year, month, day as u32)?;
    let secs = days.checked_mul(86_400)?.checked_add((h * 3600 + m * 60 + s) as i64)?;
    u64::try_from(secs).ok()?.checked_mul(1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: Policy = Policy { max_retries: 3, base_ms: 100, cap_ms: 1_000 };

    #[test]
    fn never_retries_a_create_or_a_final_answer() {
        for o in [Outcome::Network, Outcome::Throttled, Outcome::ServerError] {
            assert_eq!(next_delay(&P, Safety::NotIdempotent, 0, o, None, 60_000, 0.5), None);
        }
        assert_eq!(next_delay(&P, Safety::Idempotent, 0, Outcome::Final, None, 60_000, 0.5), None);
    }

    #[test]
    fn full_jitter_below_a_doubling_capped_ceiling() {
        let d = |attempt, jitter| {
            next_delay(&P, Safety::Idempotent, attempt, Outcome::ServerError, None, 60_000, jitter)
        };
        assert_eq!(d(0, 0.999_999), Some(99));
        assert_eq!(d(1, 0.5), Some(100));
        assert_eq!(d(2, 0.999_999), Some(399));
        assert_eq!(d(0, 0.0), Some(0));
        assert_eq!(d(3, 0.5), None, "max_retries reached");
        let big = Policy { max_retries: 40, ..P };
        let d = next_delay(&big, Safety::Idempotent, 39, Outcome::Network, None, 60_000, 0.999);
        assert_eq!(d, Some(999), "capped");
    }

    #[test]
    fn retry_after_is_a_floor_and_the_deadline_a_ceiling() {
        let d = next_delay(&P, Safety::Idempotent, 0, Outcome::Throttled, Some(2_000), 60_000, 0.1);
        assert_eq!(d, Some(2_000));
        let d = next_delay(&P, Safety::Idempotent, 0, Outcome::Throttled, Some(2_000), 1_500, 0.1);
        assert_eq!(d, None);
    }

    #[test]
    fn parses_retry_after_in_both_forms() {
        assert_eq!(parse_retry_after(" 3 ", 0), Some(3_000));
        let at = 784_111_777_000; // Sun, 06 Nov 1994 08:49:37 GMT
        assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", at - 5_000), Some(5_000));
        assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", at + 5_000), Some(0));
        for bad in
            ["", "soon", "-1", "Sun, 06 Foo 1994 08:49:37 GMT", "Sun, 32 Nov 1994 08:49:37 GMT"]
        {
            assert_eq!(parse_retry_after(bad, 0), None, "{bad}");
        }
    }
}
