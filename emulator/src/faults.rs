//! Faults on demand, from the `X-Emulator-Fault` header or the config:
//! `status=503`, `throttle`, `reset`, `truncate`, `html`, `latency=MS`, with
//! `times=N` (fire N times, then behave) and `retry-after=S`, joined by `;`.

use std::collections::HashMap;
use std::time::Duration;

/// What to do instead of (or on top of) the normal answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultKind {
    /// Only the latency applies.
    None,
    /// Answer with this HTTP status and the provider's error envelope.
    Status(u16),
    /// The provider's throttling answer with `Retry-After`.
    Throttle,
    /// Close the connection without an answer.
    Reset,
    /// Declare the full Content-Length, send half the body, then close.
    Truncate,
    /// An HTML 502 page from a proxy.
    Html,
}

/// A parsed fault specification.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    /// The kind.
    pub kind: FaultKind,
    /// Delay before answering.
    pub latency: Duration,
    /// Fire only this many times per key; `None` is every time.
    pub times: Option<u32>,
    /// Seconds for `Retry-After` (throttle, and 503).
    pub retry_after: u64,
}

/// Parses a fault specification; the error names the bad item.
pub fn parse(spec: &str) -> Result<Fault, String> {
    let mut fault =
        Fault { kind: FaultKind::None, latency: Duration::ZERO, times: None, retry_after: 1 };
    let mut kinds = 0;
    for item in spec.split(';').map(str::trim).filter(|s| !s.is_empty()) {
        let (key, value) = match item.split_once('=') {
            Some((k, v)) => (k.trim().to_ascii_lowercase(), Some(v.trim())),
            None => (item.to_ascii_lowercase(), None),
        };
        let number = |v: Option<&str>| -> Result<u64, String> {
            v.and_then(|v| v.parse::<u64>().ok()).ok_or_else(|| format!("{key} needs a number"))
        };
        match key.as_str() {
            "status" => {
                let code = number(value)?;
                if !(400..=599).contains(&code) {
                    return Err("status must be 400-599".to_owned());
                }
                fault.kind = FaultKind::Status(code as u16);
                kinds += 1;
            }
            "throttle" => {
                fault.kind = FaultKind::Throttle;
                kinds += 1;
            }
            "reset" => {
                fault.kind = FaultKind::Reset;
                kinds += 1;
            }
            "truncate" => {
                fault.kind = FaultKind::Truncate;
                kinds += 1;
            }
            "html" => {
                fault.kind = FaultKind::Html;
                kinds += 1;
            }
            "latency" => fault.latency = Duration::from_millis(number(value)?.min(60_000)),
            "times" => fault.times = Some(u32::try_from(number(value)?).unwrap_or(u32::MAX)),
            "retry-after" => fault.retry_after = number(value)?.min(3600),
            _ => return Err(format!("unknown fault item {key:?}")),
        }
    }
    if kinds > 1 {
        return Err("give at most one of status, throttle, reset, truncate, html".to_owned());
    }
    if kinds == 0 && fault.latency.is_zero() {
        return Err("empty fault".to_owned());
    }
    Ok(fault)
}

/// How many times each fault key has fired, for `times=N`.
#[derive(Debug, Default)]
pub struct Counters {
    fired: HashMap<String, u32>,
}

impl Counters {
    /// Whether the fault fires now; counts the firing when it does.
    pub fn should_fire(&mut self, key: &str, fault: &Fault) -> bool {
        let Some(times) = fault.times else { return true };
        let fired = self.fired.entry(key.to_owned()).or_insert(0);
        if *fired < times {
            *fired += 1;
            true
        } else {
            false
        }
    }

    /// Forgets every count.
    pub fn clear(&mut self) {
        self.fired.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_forms() {
        assert_eq!(parse("status=503;times=2").unwrap().kind, FaultKind::Status(503));
        assert_eq!(parse("status=503;times=2").unwrap().times, Some(2));
        let t = parse("throttle; retry-after=3").unwrap();
        assert_eq!((t.kind, t.retry_after), (FaultKind::Throttle, 3));
        assert_eq!(parse("reset").unwrap().kind, FaultKind::Reset);
        assert_eq!(parse("truncate").unwrap().kind, FaultKind::Truncate);
        assert_eq!(parse("html").unwrap().kind, FaultKind::Html);
        assert_eq!(parse("latency=200").unwrap().latency, Duration::from_millis(200));
        for bad in ["", "status=200", "status=x", "boom", "reset;html", "times=2"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn times_counts_per_key() {
        let f = parse("reset;times=2").unwrap();
        let mut c = Counters::default();
        assert!(c.should_fire("k", &f));
        assert!(c.should_fire("k", &f));
        assert!(!c.should_fire("k", &f));
        assert!(c.should_fire("other", &f));
        c.clear();
        assert!(c.should_fire("k", &f));
    }
}
