//! The worker's routes: method and path to [`Route`], nothing else. The
//! request never names a host or an upstream path: each route maps to one
//! fixed operation of `api::registry`.

use crate::api::registry;
use crate::error::{Error, ErrorKind};

/// One operation the worker serves: a handle on its descriptor.
pub use crate::api::operation::Route;
/// True for `1`, `true`, `yes` and an empty value (a bare flag).
pub use crate::api::wire::flag;

/// Every path served, for the preflight and 404/405 answers.
pub fn paths() -> Vec<&'static str> {
    registry::paths()
}

/// Splits a request URL into its path and its query string (without `?`).
/// An absolute URL's authority is dropped: it never chooses anything.
pub fn split_url(url: &str) -> (&str, &str) {
    let rest = match url.split_once("://") {
        Some((_, r)) => r.find('/').and_then(|i| r.get(i..)).unwrap_or("/"),
        None => url,
    };
    let rest = rest.split('#').next().unwrap_or("");
    match rest.split_once('?') {
        Some((p, q)) => (p, q),
        None => (rest, ""),
    }
}

/// Decodes `%XX` and `+` in one query component; invalid UTF-8 is replaced.
pub fn percent_decode(s: &str) -> String {
    String::from_utf8_lossy(&crate::sign::canonical::percent_decode_query(s)).into_owned()
}

/// Parses a query string into decoded pairs, at most 32 of them.
pub fn parse_query(q: &str) -> Vec<(String, String)> {
    q.split('&')
        .filter(|s| !s.is_empty())
        .take(32)
        .map(|kv| match kv.split_once('=') {
            Some((k, v)) => (percent_decode(k), percent_decode(v)),
            None => (percent_decode(kv), String::new()),
        })
        .collect()
}

/// A routing refusal: 404 or 405 with an `Allow` header.
fn not_found() -> Error {
    Error::new(ErrorKind::InvalidArgument, "route.not_found", "no such route").with_status(404)
}

/// Finds the route for `method` and `path` with its query pairs. Admin
/// routes are found only when `admin_enabled` (404 otherwise, as if absent).
pub fn route(
    method: &str,
    path: &str,
    query: &[(String, String)],
    admin_enabled: bool,
) -> Result<Route, Error> {
    // A path's flagged route wins when its flag is set; admin routes exist
    // only when enabled.
    let set = |f: &str| query.iter().any(|(k, v)| k == f && flag(v));
    let on_path = || {
        registry::OPERATIONS
            .iter()
            .copied()
            .filter(|d| d.path == path && (admin_enabled || !d.is_admin()))
    };
    let found = on_path()
        .find(|d| d.flag.is_some_and(set))
        .or_else(|| on_path().find(|d| d.flag.is_none()));
    let Some(d) = found else {
        return Err(not_found());
    };
    let route = Route(d);
    if !method.eq_ignore_ascii_case("POST") {
        return Err(Error::new(
            ErrorKind::InvalidArgument,
            "method.not_allowed",
            "only POST is served here",
        )
        .with_status(405));
    }
    Ok(route)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> Vec<(String, String)> {
        parse_query(s)
    }

    #[test]
    fn routes_and_detail_flag() {
        assert_eq!(route("POST", "/v1/huawei/quota-invoice", &[], false), Ok(Route::QuotaInvoice));
        assert_eq!(
            route("post", "/v1/tencent/biz-license", &[], false),
            Ok(Route::BasicBizLicense)
        );
        assert_eq!(
            route("POST", "/v1/tencent/biz-license", &q("detailed=1"), false),
            Ok(Route::BizLicense)
        );
        assert_eq!(
            route("POST", "/v1/tencent/biz-license", &q("detailed=0"), false),
            Ok(Route::BasicBizLicense)
        );
        assert_eq!(
            route("GET", "/v1/huawei/quota-invoice", &[], false).unwrap_err().status(),
            Some(405)
        );
        assert_eq!(
            route("POST", "/v1/huawei/quota-invoice/", &[], false).unwrap_err().status(),
            Some(404)
        );
        assert_eq!(route("POST", "/", &[], true).unwrap_err().code(), "route.not_found");
    }

    #[test]
    fn admin_routes_only_when_enabled() {
        for p in ["/v1/admin/csms/list", "/v1/admin/csms/delete-tag", "/v1/admin/apig/apps"] {
            assert_eq!(route("POST", p, &[], false).unwrap_err().status(), Some(404));
            let r = route("POST", p, &[], true).unwrap();
            assert!(r.is_admin() && r.scope().is_none() && r.target().is_none());
            assert!(r.huawei_service().is_some());
        }
    }

    #[test]
    fn urls_and_queries() {
        assert_eq!(split_url("https://evil.test/v1/x?a=1#f"), ("/v1/x", "a=1"));
        assert_eq!(split_url("http://h"), ("/", ""));
        assert_eq!(split_url("/p?q"), ("/p", "q"));
        assert_eq!(
            q("a=1&b=%E4%B8%AD+x&c&&d=%zz"),
            vec![
                ("a".into(), "1".into()),
                ("b".into(), "中 x".into()),
                ("c".into(), "".into()),
                ("d".into(), "%zz".into())
            ]
        );
        assert_eq!(percent_decode("%"), "%");
        assert_eq!(percent_decode("%4"), "%4");
        assert!(flag("1") && flag("true") && flag("") && !flag("0") && !flag("no"));
        assert_eq!(parse_query(&"a=1&".repeat(100)).len(), 32);
        for r in [Route::QuotaInvoice, Route::BizLicense, Route::AdminApigCreateApp] {
            assert!(!r.name().is_empty());
            let _ = r.operation();
        }
        assert_eq!(paths().len(), 8);
    }
}
