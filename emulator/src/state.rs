//! Everything the emulator remembers: the config, the fixtures, CSMS secrets
//! and APIG apps (changed by requests), fault counters and per-route stats.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::config::Config;
use crate::faults::Counters;

/// A CSMS tag.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tag {
    /// Key.
    pub key: String,
    /// Value (may be empty).
    #[serde(default)]
    pub value: String,
}

/// A CSMS secret as the fixture and the answers describe it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Secret {
    /// Secret id.
    pub id: String,
    /// Secret name.
    pub name: String,
    /// ENABLED, DISABLED, PENDING_DELETE or FROZEN.
    pub state: String,
    /// KMS key that encrypts the value.
    #[serde(default)]
    pub kms_key_id: String,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// Creation time, unix seconds.
    #[serde(default)]
    pub create_time: i64,
    /// Last update, unix seconds.
    #[serde(default)]
    pub update_time: i64,
    /// Planned deletion, unix seconds, or null.
    #[serde(default)]
    pub scheduled_delete_time: Option<i64>,
    /// Tags, in insertion order.
    #[serde(default)]
    pub tags: Vec<Tag>,
}

/// An APIG app created through the emulator.
#[derive(Clone, Debug, Serialize)]
pub struct App {
    /// Generated id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Always 1 (valid).
    pub status: u8,
    /// Given or generated key.
    pub app_key: String,
    /// Given or generated secret.
    pub app_secret: String,
    /// Always USER.
    pub creator: String,
    /// Description.
    pub remark: String,
    /// Creation time, RFC 3339.
    pub register_time: String,
    /// Update time, RFC 3339.
    pub update_time: String,
    /// Always apig.
    pub app_type: String,
}

/// Recognition fixtures: results by image SHA-256 (and by URL).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct Recognition {
    /// Quota invoice `result` objects by SHA-256 of the decoded image.
    pub quota_invoice: BTreeMap<String, Value>,
    /// Quota invoice `result` objects by image URL.
    pub quota_invoice_urls: BTreeMap<String, Value>,
    /// Fields read off a licence (RegNum, Name, Address) by image SHA-256.
    pub biz_license: BTreeMap<String, Map<String, Value>>,
    /// The same by image URL.
    pub biz_license_urls: BTreeMap<String, Map<String, Value>>,
    /// RecognizeBusinessLicense `result` objects (or `{error_code, error_msg}`) by SHA-256.
    pub business_license: BTreeMap<String, Value>,
    /// The same by URL.
    pub business_license_urls: BTreeMap<String, Value>,
    /// RecognizeVatInvoice `result` objects (or errors), with every advanced field, by SHA-256.
    pub vat_invoice: BTreeMap<String, Value>,
    /// The same by URL.
    pub vat_invoice_urls: BTreeMap<String, Value>,
    /// BizLicenseOCR `Response` fields (or `{Error: {Code, Message}}`) by SHA-256.
    pub biz_license_ocr: BTreeMap<String, Map<String, Value>>,
    /// The same by URL.
    pub biz_license_ocr_urls: BTreeMap<String, Map<String, Value>>,
}

/// Counts per route.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct RouteStats {
    /// Requests routed here.
    pub requests: u64,
    /// Answered by the route's own logic (success or error).
    pub served: u64,
    /// Answered (or not) by an injected fault.
    pub faulted: u64,
}

/// The shared state behind every connection.
pub struct State {
    /// Settings.
    pub config: Config,
    /// Recognition results.
    pub recognition: Recognition,
    /// Company records for the Tencent verifications.
    pub companies: Vec<Map<String, Value>>,
    seed: Vec<Secret>,
    secrets: Mutex<Vec<Secret>>,
    apps: Mutex<Vec<App>>,
    faults: Mutex<Counters>,
    armed: Mutex<BTreeMap<&'static str, String>>,
    stats: Mutex<BTreeMap<&'static str, RouteStats>>,
    accepted: AtomicU64,
    closed: AtomicU64,
}

/// Counts one accepted connection as open until it is dropped.
pub struct OpenConnection(Arc<State>);

impl Drop for OpenConnection {
    fn drop(&mut self) {
        self.0.closed.fetch_add(1, Ordering::Relaxed);
    }
}

const SECRETS: &str = include_str!("../fixtures/secrets.json");
const RECOGNITION: &str = include_str!("../fixtures/recognition.json");
const COMPANIES: &str = include_str!("../fixtures/companies.json");

fn load<T: for<'de> Deserialize<'de>>(path: Option<&str>, builtin: &str) -> Result<T, String> {
    let text = match path {
        Some(p) => std::fs::read_to_string(p).map_err(|e| format!("cannot read {p}: {e}"))?,
        None => builtin.to_owned(),
    };
    serde_json::from_str(&text)
        .map_err(|e| format!("bad fixture {}: {e}", path.unwrap_or("(built in)")))
}

/// Locks a mutex, carrying on with the data even if a holder panicked.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl State {
    /// Loads the fixtures named by the config (or the built-in ones).
    pub fn new(config: Config) -> Result<State, String> {
        let seed: Vec<Secret> = load(config.secrets_file.as_deref(), SECRETS)?;
        let recognition = load(config.recognition_file.as_deref(), RECOGNITION)?;
        let companies = load(config.companies_file.as_deref(), COMPANIES)?;
        Ok(State {
            config,
            recognition,
            companies,
            secrets: Mutex::new(seed.clone()),
            seed,
            apps: Mutex::new(Vec::new()),
            faults: Mutex::new(Counters::default()),
            armed: Mutex::new(BTreeMap::new()),
            stats: Mutex::new(BTreeMap::new()),
            accepted: AtomicU64::new(0),
            closed: AtomicU64::new(0),
        })
    }

    /// The secrets, locked.
    pub fn secrets(&self) -> MutexGuard<'_, Vec<Secret>> {
        lock(&self.secrets)
    }

    /// The apps, locked.
    pub fn apps(&self) -> MutexGuard<'_, Vec<App>> {
        lock(&self.apps)
    }

    /// The fault counters, locked.
    pub fn faults(&self) -> MutexGuard<'_, Counters> {
        lock(&self.faults)
    }

    /// Arms (or, with an empty spec, disarms) a standing fault on a route.
    pub fn arm(&self, route: &'static str, spec: &str) {
        let mut armed = lock(&self.armed);
        if spec.is_empty() {
            armed.remove(route);
        } else {
            armed.insert(route, spec.to_owned());
        }
    }

    /// The fault armed at run time on a route, if any.
    pub fn armed(&self, route: &str) -> Option<String> {
        lock(&self.armed).get(route).cloned()
    }

    /// Counts a connection the accept loop took; it stays open until the guard drops.
    pub fn accepted(self: &Arc<Self>) -> OpenConnection {
        self.accepted.fetch_add(1, Ordering::Relaxed);
        OpenConnection(Arc::clone(self))
    }

    /// Updates one route's counts.
    pub fn count(&self, route: &'static str, faulted: bool) {
        let mut stats = lock(&self.stats);
        let s = stats.entry(route).or_default();
        s.requests += 1;
        if faulted {
            s.faulted += 1;
        } else {
            s.served += 1;
        }
    }

    /// The stats as JSON: per route and totals.
    pub fn stats_json(&self) -> Value {
        let stats = lock(&self.stats);
        let mut total = RouteStats::default();
        let mut routes = Map::new();
        for (name, s) in stats.iter() {
            total.requests += s.requests;
            total.served += s.served;
            total.faulted += s.faulted;
            routes.insert((*name).to_owned(), serde_json::to_value(s).unwrap_or(Value::Null));
        }
        // Connections are counted since start (a reset leaves them): tests
        // pace their connects on `accepted` and see `open` ones held at once.
        let accepted = self.accepted.load(Ordering::Relaxed);
        let open = accepted.saturating_sub(self.closed.load(Ordering::Relaxed));
        let connections = serde_json::json!({ "accepted": accepted, "open": open });
        serde_json::json!({ "routes": routes, "total": total, "connections": connections })
    }

    /// Back to the start: secrets re-seeded, apps, counters and stats cleared.
    pub fn reset(&self) {
        *lock(&self.secrets) = self.seed.clone();
        lock(&self.apps).clear();
        lock(&self.faults).clear();
        lock(&self.armed).clear();
        lock(&self.stats).clear();
    }
}
