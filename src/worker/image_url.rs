//! URL mode: a caller passing an image URL (`url`, `imageUrl`) instead of
//! bytes, which the provider then downloads. Off unless `IMAGE_URL_HOSTS`
//! lists the hosts such URLs may name. When on, a URL is parsed by the
//! runtime's WHATWG parser (the JS shell hands its parts in as a
//! [`ParsedUrl`]), checked here, and forwarded as the parser re-serialised
//! it: https only, the default port only, no user info, no IP literal in any
//! notation (the parser turns `0x7f000001`, `2130706433`, `0177.0.0.1` and
//! full-width digits into dotted decimal, and brackets IPv6), and a host on
//! the list.

use crate::api::input::MAX_URL_LEN;
use crate::api::Fields;
use crate::error::{Error, Result};

/// The parameters that carry an image URL, in every operation that takes one.
pub const URL_KEYS: [&str; 2] = ["url", "imageUrl"];

/// One entry of `IMAGE_URL_HOSTS`.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Pattern {
    /// This host exactly.
    Exact(String),
    /// Any host one label below this one (`*.example.com`).
    Below(String),
}

/// The hosts image URLs may name, from `IMAGE_URL_HOSTS`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostList(Vec<Pattern>);

/// Whether the last label reads as a number: a WHATWG parser would take
/// such a host for an IPv4 address, so it is never a name.
fn numeric_label(label: &str) -> bool {
    let hex = label.strip_prefix("0x").or_else(|| label.strip_prefix("0X"));
    match hex {
        Some(h) => h.bytes().all(|b| b.is_ascii_hexdigit()),
        None => !label.is_empty() && label.bytes().all(|b| b.is_ascii_digit()),
    }
}

/// A DNS name of two labels or more, in ASCII (`xn--` for IDNs), lower
/// case, each label 1–63 letters, digits and inner hyphens, the last one
/// not a number.
fn is_host_name(host: &str) -> bool {
    let labels: Vec<&str> = host.split('.').collect();
    host.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(|l| {
            (1..=63).contains(&l.len())
                && l.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        })
        && !labels.last().is_some_and(|l| numeric_label(l))
}

impl HostList {
    /// Reads a comma list of host names, each maybe `*.` and a name: `None`
    /// (URL mode off) when the list is empty, `Err` for an entry that is not
    /// a host name (an IP address, a port, a scheme, `*` alone).
    pub fn parse(text: &str) -> Result<Option<HostList>> {
        let mut out = Vec::new();
        for entry in text.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let entry = entry.to_ascii_lowercase();
            let pattern = match entry.strip_prefix("*.") {
                Some(name) => Pattern::Below(name.to_owned()),
                None => Pattern::Exact(entry.clone()),
            };
            let (Pattern::Exact(name) | Pattern::Below(name)) = &pattern;
            if !is_host_name(name) {
                return Err(Error::invalid_argument(
                    "config.invalid",
                    "an image URL host must be a host name like img.example.com or *.example.com",
                ));
            }
            out.push(pattern);
        }
        Ok((!out.is_empty()).then_some(HostList(out)))
    }

    /// Whether `host` (as the parser gives it: ASCII, lower case) is listed.
    pub fn allows(&self, host: &str) -> bool {
        self.0.iter().any(|p| match p {
            Pattern::Exact(h) => host == h,
            Pattern::Below(h) => host
                .strip_suffix(h.as_str())
                .and_then(|rest| rest.strip_suffix('.'))
                .is_some_and(|label| !label.is_empty() && !label.contains('.')),
        })
    }
}

/// A URL as a WHATWG parser (`new URL(text)`) splits it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ParsedUrl {
    /// The re-serialised URL: what is forwarded.
    pub href: String,
    /// `https:`, `http:`, …
    pub protocol: String,
    /// User name, empty when none.
    pub username: String,
    /// Password, empty when none.
    pub password: String,
    /// The host without port: a name, dotted decimal, or `[v6]`.
    pub hostname: String,
    /// The port, empty for the scheme's default.
    pub port: String,
}

/// Parses a URL as the runtime does; `None` when it is not one.
pub type UrlParser<'p> = &'p dyn Fn(&str) -> Option<ParsedUrl>;

fn not_allowed(why: &str) -> Error {
    Error::invalid_argument("url.not_allowed", format!("the image URL is not allowed: {why}"))
}

/// Whether `host` is an IP literal in the form a WHATWG parser leaves it.
fn is_ip_literal(host: &str) -> bool {
    let host = host.strip_suffix('.').unwrap_or(host);
    host.starts_with('[')
        || host.contains(':')
        || host.rsplit('.').next().is_some_and(numeric_label)
}

/// The URL to forward for `raw`, or the refusal: `url.mode_off` without a
/// host list, `argument.url` for text that is not a URL, `url.not_allowed`
/// for a URL outside the rules.
pub fn check(hosts: Option<&HostList>, raw: &str, parse: UrlParser<'_>) -> Result<String> {
    let Some(hosts) = hosts else {
        return Err(Error::invalid_argument(
            "url.mode_off",
            "image URLs are not accepted here; send the image bytes (IMAGE_URL_HOSTS is not set)",
        ));
    };
    let bad = |m: &str| Error::invalid_argument("argument.url", m.to_owned());
    let text = raw.trim();
    if text.len() > MAX_URL_LEN {
        return Err(bad("the image URL is over the 64 KiB bound"));
    }
    if text.chars().any(char::is_control) {
        return Err(bad("the image URL holds control characters"));
    }
    let u = parse(text).ok_or_else(|| bad("the image URL is not a valid URL"))?;
    if u.protocol != "https:" {
        return Err(not_allowed("only https URLs are accepted"));
    }
    if !u.username.is_empty() || !u.password.is_empty() {
        return Err(not_allowed("it holds a user name or password"));
    }
    if !u.port.is_empty() {
        return Err(not_allowed("only the default port is accepted"));
    }
    if is_ip_literal(&u.hostname) {
        return Err(not_allowed("an IP address is never accepted, only listed host names"));
    }
    if !hosts.allows(&u.hostname) {
        return Err(not_allowed("its host is not on the worker's list (IMAGE_URL_HOSTS)"));
    }
    if u.href.len() > MAX_URL_LEN {
        return Err(bad("the image URL is over the 64 KiB bound once encoded"));
    }
    Ok(u.href)
}

/// Checks every image URL among `fields` and puts the re-serialised one in
/// its place. Values that are not text are left for the operation's own
/// rules (a type error); any of them with URL mode off is `url.mode_off`.
pub fn gate(fields: &mut Fields<'_>, hosts: Option<&HostList>, parse: UrlParser<'_>) -> Result<()> {
    for (k, v) in fields.values.iter_mut() {
        if !URL_KEYS.contains(&k.as_str()) || v.is_null() {
            continue;
        }
        match v {
            serde_json::Value::String(s) => *s = check(hosts, s, parse)?,
            _ if hosts.is_none() => {
                check(None, "", parse)?;
            }
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stand-in for `new URL()` on the plain forms below (the runtime's
    /// own parser is checked in tests/worker/outbound.test.mjs).
    fn fake(text: &str) -> Option<ParsedUrl> {
        let (scheme, rest) = text.split_once("://")?;
        let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        let (userinfo, hostport) = authority.rsplit_once('@').unwrap_or(("", authority));
        let (hostname, port) = if hostport.ends_with(']') {
            (hostport, "")
        } else {
            hostport.rsplit_once(':').unwrap_or((hostport, ""))
        };
        let (username, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
        Some(ParsedUrl {
            href: format!("{scheme}://{}{path}", authority.to_ascii_lowercase()),
            protocol: format!("{scheme}:"),
            username: username.to_owned(),
            password: password.to_owned(),
            hostname: hostname.to_ascii_lowercase(),
            port: if port == "443" { String::new() } else { port.to_owned() },
        })
    }

    fn list(text: &str) -> HostList {
        HostList::parse(text).unwrap().unwrap()
    }

    #[test]
    fn host_lists() {
        assert_eq!(HostList::parse("").unwrap(), None);
        assert_eq!(HostList::parse(" , ").unwrap(), None);
        let l = list("img.example.com, *.cdn.example.net,IMG.Other.example");
        assert!(l.allows("img.example.com"));
        assert!(l.allows("img.other.example"));
        assert!(l.allows("a.cdn.example.net"));
        assert!(!l.allows("cdn.example.net"), "the wildcard is one label below, not the name");
        assert!(!l.allows("a.b.cdn.example.net"), "one label deep only");
        assert!(!l.allows("evilcdn.example.net"));
        assert!(!l.allows("img.example.com.evil.test"));
        assert!(!l.allows("example.com"));
        for bad in [
            "*",
            "*.com",
            "localhost",
            "127.0.0.1",
            "10.0.0.1",
            "0x7f000001",
            "2130706433",
            "[::1]",
            "::1",
            "img.example.com:8443",
            "https://img.example.com",
            "a.*.example.com",
            "-a.example.com",
            "a_b.example.com",
            "img.example.com/path",
        ] {
            assert!(HostList::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn mode_off_refuses_every_url() {
        let e = check(None, "https://img.example.com/a.png", &fake).unwrap_err();
        assert_eq!(e.code(), "url.mode_off");
    }

    #[test]
    fn refusals_and_the_forwarded_form() {
        let l = list("img.example.com");
        let ok = check(Some(&l), "https://img.example.com/a.png", &fake).unwrap();
        assert_eq!(ok, "https://img.example.com/a.png");
        for (url, code) in [
            ("http://img.example.com/a.png", "url.not_allowed"),
            ("ftp://img.example.com/a.png", "url.not_allowed"),
            ("https://img.example.com:8443/a.png", "url.not_allowed"),
            ("https://u:p@img.example.com/a.png", "url.not_allowed"),
            ("https://127.0.0.1/a.png", "url.not_allowed"),
            ("https://[::1]/a.png", "url.not_allowed"),
            ("https://0x7f000001/a.png", "url.not_allowed"),
            ("https://other.example.com/a.png", "url.not_allowed"),
            ("https://img.example.com./a.png", "url.not_allowed"),
            ("https://img.example.com/a\n.png", "argument.url"),
            ("not a url", "argument.url"),
        ] {
            assert_eq!(check(Some(&l), url, &fake).unwrap_err().code(), code, "{url}");
        }
        // The parser is never asked about an over-long URL.
        let long = format!("https://img.example.com/{}", "a".repeat(MAX_URL_LEN));
        let never = |_: &str| -> Option<ParsedUrl> { panic!("parsed") };
        assert_eq!(check(Some(&l), &long, &never).unwrap_err().code(), "argument.url");
    }

    #[test]
    fn ip_literals_in_the_parsers_forms() {
        for h in
            ["127.0.0.1", "10.0.0.1", "0x7f000001", "2130706433", "[::1]", "1.2.3.4.", "a.0x1f"]
        {
            assert!(is_ip_literal(h), "{h}");
        }
        for h in ["img.example.com", "1.example.com", "xn--bcher-kva.example"] {
            assert!(!is_ip_literal(h), "{h}");
        }
    }

    #[test]
    fn gate_rewrites_and_leaves_types_to_the_operation() {
        let l = list("img.example.com");
        let mut f = Fields::from_json(br#"{"url":"https://img.example.com/a.png"}"#, &[]).unwrap();
        gate(&mut f, Some(&l), &|_| {
            Some(ParsedUrl {
                href: "https://img.example.com/a%20b.png".into(),
                protocol: "https:".into(),
                hostname: "img.example.com".into(),
                ..ParsedUrl::default()
            })
        })
        .unwrap();
        assert_eq!(f.text("url").unwrap(), Some("https://img.example.com/a%20b.png"));
        let mut typed = Fields::from_json(br#"{"url":["x"]}"#, &[]).unwrap();
        assert!(gate(&mut typed, Some(&l), &fake).is_ok());
        assert_eq!(gate(&mut typed, None, &fake).unwrap_err().code(), "url.mode_off");
        let mut none = Fields::from_json(br#"{"imageUrl":null,"name":"x"}"#, &[]).unwrap();
        assert!(gate(&mut none, None, &fake).is_ok());
    }
}
