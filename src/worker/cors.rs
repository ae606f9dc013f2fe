//! Which browser origins may call the worker, and the CORS headers of each
//! answer. Every answer varies on `Origin`; the allowed origin is echoed,
//! never `*`. Callers authenticate with a bearer capture token, not cookies,
//! so `Access-Control-Allow-Credentials` is never sent.

use crate::error::{Error, Result};

/// Headers a page may send.
pub const ALLOW_HEADERS: &str = "Authorization, Content-Type, Idempotency-Key";
/// Methods a page may use.
pub const ALLOW_METHODS: &str = "POST, OPTIONS";
/// Headers a page may read besides the safelisted ones.
pub const EXPOSE_HEADERS: &str = "Retry-After, X-Request-Id, Idempotent-Replayed";
/// How long a browser may cache a preflight answer, in seconds.
pub const MAX_AGE: &str = "600";

/// One allow-list entry: an exact origin, or every subdomain of a host.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Pattern {
    /// `https://app.example.com` (scheme, host and port, lower case).
    Exact(String),
    /// `https://*.example.com`: scheme and the suffix `.example.com[:port]`,
    /// one label deep.
    Subdomains {
        /// `https://`
        scheme: String,
        /// `.example.com`, with the port if any.
        suffix: String,
    },
}

/// The origins a browser may call from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OriginList(Vec<Pattern>);

/// Checks `scheme://host[:port]` with nothing after it; returns it lower-cased.
pub fn normalise_origin(s: &str) -> Option<String> {
    let lower = s.trim().to_ascii_lowercase();
    let (scheme, rest) = lower.split_once("://")?;
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let ok = |c: char| c.is_ascii_alphanumeric() || "-.:[]".contains(c);
    if rest.is_empty() || !rest.chars().all(ok) || rest.starts_with([':', '.']) {
        return None;
    }
    Some(lower)
}

impl OriginList {
    /// Parses a comma-separated list; `*` alone is refused (it would let any
    /// site spend the account), `https://*.example.com` is accepted.
    pub fn parse(list: &str) -> Result<OriginList> {
        let bad = || Error::invalid_argument("origins.invalid", "not a list of origins");
        let mut out = Vec::new();
        for item in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            if let Some((scheme, host)) = item.split_once("://*.") {
                let full = normalise_origin(&format!("{scheme}://x.{host}")).ok_or_else(bad)?;
                let (scheme, rest) = full.split_once("://").ok_or_else(bad)?;
                let suffix = rest.strip_prefix('x').ok_or_else(bad)?.to_owned();
                // A bare TLD suffix like `.com` would allow most of the web.
                if !suffix.trim_start_matches('.').contains('.') {
                    return Err(bad());
                }
                out.push(Pattern::Subdomains { scheme: format!("{scheme}://"), suffix });
            } else {
                out.push(Pattern::Exact(normalise_origin(item).ok_or_else(bad)?));
            }
        }
        Ok(OriginList(out))
    }

    /// Whether a browser at `origin` may call the worker. `null` (sandboxed
    /// frames, `file:`) never matches.
    pub fn allows(&self, origin: &str) -> bool {
        let Some(o) = normalise_origin(origin) else {
            return false;
        };
        self.0.iter().any(|p| match p {
            Pattern::Exact(e) => *e == o,
            Pattern::Subdomains { scheme, suffix } => o
                .strip_prefix(scheme.as_str())
                .and_then(|host| host.strip_suffix(suffix.as_str()))
                // One label deep: `*.example.com` is `a.example.com`, not
                // `a.b.example.com`, whose owner may be someone else.
                .is_some_and(|label| !label.is_empty() && !label.contains(['.', ':'])),
        })
    }

    /// True when no origin is allowed (server-to-server use only).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// What CORS decides about one request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// No `Origin` header: not a cross-origin browser call; only `Vary`.
    NoOrigin,
    /// An allowed origin: echo it.
    Allowed(String),
    /// An origin not on the list: refuse, without CORS headers.
    Refused,
}

/// Decides for the request's `Origin` header.
pub fn decide(list: &OriginList, origin: Option<&str>) -> Decision {
    match origin {
        None => Decision::NoOrigin,
        // Echoed as normalised (lower case, trimmed), the form that matched.
        Some(o) if list.allows(o) => {
            Decision::Allowed(normalise_origin(o).unwrap_or_else(|| o.trim().to_owned()))
        }
        Some(_) => Decision::Refused,
    }
}

/// The CORS headers of an ordinary answer.
pub fn response_headers(d: &Decision) -> Vec<(String, String)> {
    let mut h = vec![("Vary".to_owned(), "Origin".to_owned())];
    if let Decision::Allowed(o) = d {
        h.push(("Access-Control-Allow-Origin".into(), o.clone()));
        h.push(("Access-Control-Expose-Headers".into(), EXPOSE_HEADERS.into()));
    }
    h
}

/// Whether a preflight asks only for what the routes accept: `POST`, and the
/// headers in [`ALLOW_HEADERS`].
pub fn preflight_ok(method: Option<&str>, headers: Option<&str>) -> bool {
    let method_ok = method.is_some_and(|m| m.trim().eq_ignore_ascii_case("POST"));
    let headers_ok = headers
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|h| !h.is_empty())
        .all(|h| ALLOW_HEADERS.split(", ").any(|a| a.eq_ignore_ascii_case(h)));
    method_ok && headers_ok
}

/// The headers of a successful preflight answer for an allowed origin.
pub fn preflight_headers(origin: &str) -> Vec<(String, String)> {
    vec![
        ("Vary".into(), "Origin".into()),
        ("Access-Control-Allow-Origin".into(), origin.to_owned()),
        ("Access-Control-Allow-Methods".into(), ALLOW_METHODS.into()),
        ("Access-Control-Allow-Headers".into(), ALLOW_HEADERS.into()),
        ("Access-Control-Max-Age".into(), MAX_AGE.into()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_and_subdomain_matching() {
        let l = OriginList::parse(
            "https://app.example.com, http://localhost:5173 ,https://*.corp.example",
        )
        .unwrap();
        assert!(l.allows("https://app.example.com"));
        assert!(l.allows("HTTPS://APP.EXAMPLE.COM"));
        assert!(l.allows("http://localhost:5173"));
        assert!(!l.allows("http://localhost:5174"));
        assert!(!l.allows("http://app.example.com"));
        assert!(!l.allows("https://app.example.com.evil.test"));
        assert!(!l.allows("https://evilapp.example.com"));
        assert!(l.allows("https://a.corp.example"));
        assert!(!l.allows("https://a.b.corp.example"), "one label deep only");
        assert!(!l.allows("https://corp.example"));
        assert!(!l.allows("https://xcorp.example"));
        assert!(!l.allows("https://a.corp.example:444"));
        assert!(!l.allows("null"));
        assert!(!l.allows(""));
        assert!(!l.allows("https://app.example.com/path"));
    }

    #[test]
    fn wildcards_are_one_label_deep_and_origins_echo_normalised() {
        let list = OriginList::parse("https://*.partner.example").unwrap();
        assert!(list.allows("https://app.partner.example"));
        assert!(!list.allows("https://a.b.partner.example"));
        assert!(!list.allows("https://partner.example"));
        assert_eq!(
            decide(&list, Some(" HTTPS://App.Partner.Example ")),
            Decision::Allowed("https://app.partner.example".into())
        );
    }

    #[test]
    fn refuses_wildcards_and_junk() {
        assert!(OriginList::parse("*").is_err());
        assert!(OriginList::parse("https://*.com").is_err());
        assert!(OriginList::parse("ftp://x.example").is_err());
        assert!(OriginList::parse("https://x.example/path").is_err());
        assert!(OriginList::parse("").unwrap().is_empty());
    }

    #[test]
    fn headers_always_vary_and_never_star() {
        let l = OriginList::parse("https://app.example.com").unwrap();
        let allowed = decide(&l, Some("https://app.example.com"));
        let h = response_headers(&allowed);
        assert!(h.contains(&("Vary".into(), "Origin".into())));
        assert!(
            h.contains(&("Access-Control-Allow-Origin".into(), "https://app.example.com".into()))
        );
        let refused = decide(&l, Some("https://evil.test"));
        assert_eq!(refused, Decision::Refused);
        assert_eq!(response_headers(&refused), vec![("Vary".into(), "Origin".into())]);
        assert_eq!(decide(&l, None), Decision::NoOrigin);
        for (_, v) in preflight_headers("https://app.example.com") {
            assert_ne!(v, "*");
        }
    }

    #[test]
    fn preflight_requests() {
        assert!(preflight_ok(Some("POST"), Some("authorization, content-type")));
        assert!(preflight_ok(Some("POST"), None));
        assert!(!preflight_ok(Some("PUT"), None));
        assert!(!preflight_ok(None, None));
        assert!(!preflight_ok(Some("POST"), Some("x-forwarded-host")));
    }
}
