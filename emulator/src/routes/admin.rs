//! The emulator's own endpoints: stats and reset, for tests.

use crate::envelope::{self, Family, Reply};
use crate::faults;
use crate::request::Request;
use crate::state::State;

/// `GET /__emulator/stats`: requests, served and faulted per route.
pub fn stats(state: &State) -> Reply {
    Reply::json(200, &state.stats_json())
}

/// `POST /__emulator/reset`: re-seed secrets, drop apps, counters and stats.
pub fn reset(state: &State) -> Reply {
    state.reset();
    Reply::json(200, &serde_json::json!({ "reset": true }))
}

/// Route names a fault can be armed on.
const ROUTES: [&str; 10] = [
    "RecognizeQuotaInvoice",
    "RecognizeBusinessLicense",
    "RecognizeVatInvoice",
    "BizLicenseOCR",
    "ListResourceInstances",
    "DeleteSecretTag",
    "CreateApp",
    "ListApps",
    "VerifyBasicBizLicense",
    "VerifyBizLicense",
];

/// `POST /__emulator/faults` with `{"route": NAME, "spec": SPEC}` arms a
/// standing fault (as `--fault` does), for clients that cannot add the
/// `X-Emulator-Fault` header themselves; an empty spec disarms it.
pub fn arm_fault(state: &State, req: &Request) -> Reply {
    let bad =
        |m: &str| envelope::error(Family::Emulator, 400, "Emulator.BadFault", m, &req.request_id);
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(&req.body) else {
        return bad("body must be JSON {\"route\", \"spec\"}");
    };
    let (Some(route), Some(spec)) = (v["route"].as_str(), v["spec"].as_str()) else {
        return bad("route and spec must be strings");
    };
    let Some(route) = ROUTES.iter().find(|r| **r == route) else {
        return bad("unknown route name");
    };
    if !spec.is_empty() {
        if let Err(m) = faults::parse(spec) {
            return bad(&format!("bad spec: {m}"));
        }
    }
    state.arm(route, spec);
    Reply::json(200, &serde_json::json!({ "route": route, "spec": spec }))
}
