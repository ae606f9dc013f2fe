//! Every operation, listed once. The adapters iterate over this list: the
//! worker's router, the signing clients, `ProxyClient`, the `checkImage`
//! targets and the capture-token scopes.

use crate::api::huawei::{
    business_license, create_app, delete_secret_tag, list_resource_instances, quota_invoice,
    vat_invoice,
};
use crate::api::operation::{Descriptor, Route};
use crate::api::tencent::{biz_license_ocr, verify_basic_biz_license, verify_biz_license};
use crate::image::Target;

/// The registered operations, in the order they are documented.
pub const OPERATIONS: &[&Descriptor] = &[
    &quota_invoice::DESCRIPTOR,
    &verify_basic_biz_license::DESCRIPTOR,
    &verify_biz_license::DESCRIPTOR,
    &list_resource_instances::DESCRIPTOR,
    &delete_secret_tag::DESCRIPTOR,
    &create_app::DESCRIPTOR,
    &business_license::DESCRIPTOR,
    &vat_invoice::DESCRIPTOR,
    &biz_license_ocr::DESCRIPTOR,
];

/// The operation with this id.
pub fn by_id(id: &str) -> Option<&'static Descriptor> {
    OPERATIONS.iter().copied().find(|d| d.id == id)
}

/// The operation a client method of this JS name performs.
pub fn by_method(method: &str) -> Option<&'static Descriptor> {
    OPERATIONS.iter().copied().find(|d| d.method == method)
}

/// Every route, in registry order.
pub fn routes() -> impl Iterator<Item = Route> {
    OPERATIONS.iter().map(|d| Route(d))
}

/// Every distinct route path, in registry order.
pub fn paths() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for d in OPERATIONS {
        if !out.contains(&d.path) {
            out.push(d.path);
        }
    }
    out
}

const N: usize = OPERATIONS.len();

/// The operations' targets, read at compile time: code that needs only the
/// targets (`checkImage` in the browser build) links no builder or parser.
const TARGETS: [Option<Target>; N] = {
    let mut out = [None; N];
    let mut i = 0;
    while i < N {
        out[i] = OPERATIONS[i].target;
        i += 1;
    }
    out
};

/// Every image target, once each, in registry order.
pub fn targets() -> Vec<Target> {
    let mut out: Vec<Target> = Vec::new();
    for t in TARGETS.iter().flatten().copied() {
        if !out.contains(&t) {
            out.push(t);
        }
    }
    out
}

/// The target of this `checkImage` name.
pub fn target(name: &str) -> Option<Target> {
    TARGETS.iter().flatten().copied().find(|t| t.name == name)
}

/// Every capture-token scope, once each, in registry order.
pub fn scopes() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for s in OPERATIONS.iter().filter_map(|d| d.scope) {
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_methods_and_routes_are_unique() {
        for (i, d) in OPERATIONS.iter().enumerate() {
            for e in &OPERATIONS[..i] {
                assert_ne!(d.id, e.id);
                assert_ne!(d.method, e.method);
                assert!(
                    d.path != e.path || d.flag != e.flag,
                    "{} and {} share a route",
                    d.id,
                    e.id
                );
            }
            assert_eq!(by_id(d.id), Some(*d));
            assert_eq!(by_method(d.method), Some(*d));
            // An id, a scope and a target name share one stem.
            if let Some(scope) = d.scope {
                assert!(d.id.starts_with(scope), "{}", d.id);
            }
            if let Some(t) = d.target {
                assert_eq!(target(t.name), Some(t));
                // The target's name, or a scope of its own below it (billed apart).
                assert!(d.scope.is_some_and(|s| s.starts_with(t.name)), "{}", d.id);
            }
            assert_eq!(d.is_admin(), d.path.starts_with("/v1/admin/"), "{}", d.id);
        }
        let scopes = scopes();
        assert!(targets().iter().all(|t| scopes.contains(&t.name)));
    }
}
