//! The worker's configuration, read from its environment (`env`: Cloudflare
//! vars and secrets, `.dev.vars` locally). Secrets print as `[redacted]`, and
//! errors name the variable, never its value.

use std::fmt;

use crate::api::endpoints::{
    huawei_host, tencent_region, validate_project_id, validate_region, HuaweiService,
    TENCENT_OCR_HOST,
};
use crate::api::signing::Upstream;
use crate::error::{Error, ErrorKind, Result};
use crate::image::{Megabytes, Target};
use crate::sign::Credentials;
use crate::worker::cors::OriginList;
use crate::worker::image_url::HostList;
use crate::worker::ledger::{
    DEFAULT_IDEMPOTENCY_KEEP_SECS, DEFAULT_TOKEN_MAX_CALLS, DEFAULT_TOKEN_MAX_SUCCESSES,
};
use crate::worker::token::{TokenKeys, DEFAULT_AUDIENCE};

/// The names of the variables that hold secrets, in the order they are read.
pub const SECRET_VARS: [&str; 7] = [
    "HUAWEI_SK",
    "TENCENT_SECRET_KEY",
    "CAPTURE_TOKEN_SECRET",
    "ADMIN_SECRET",
    "HUAWEI_AK",
    "TENCENT_SECRET_ID",
    "HUAWEI_PROJECT_ID",
];

/// Every variable the worker reads.
pub const ALL_VARS: [&str; 29] = [
    "HUAWEI_AK",
    "HUAWEI_SK",
    "HUAWEI_PROJECT_ID",
    "HUAWEI_REGION",
    "HUAWEI_ENTERPRISE_PROJECT_ID",
    "HUAWEI_UNSIGNED_PAYLOAD",
    "TENCENT_SECRET_ID",
    "TENCENT_SECRET_KEY",
    "TENCENT_REGION",
    "CAPTURE_TOKEN_SECRET",
    "CAPTURE_TOKEN_KEYS",
    "CAPTURE_TOKEN_AUDIENCE",
    "ALLOWED_ORIGINS",
    "ADMIN_SECRET",
    "MAX_BODY_BYTES",
    "MEGABYTES",
    "RATE_LIMIT_PER_MINUTE",
    "UPSTREAM_HUAWEI",
    "UPSTREAM_TENCENT",
    "INFLIGHT_BODY_BYTES",
    "UPLOADS_PER_TOKEN",
    "BODY_TIMEOUT_MS",
    "BODY_MIN_BYTES_PER_SEC",
    "IMAGE_URL_HOSTS",
    "TOKEN_MAX_CALLS",
    "TOKEN_MAX_SUCCESSES",
    "DAILY_CALL_CAP",
    "IDEMPOTENCY_KEEP_SECS",
    "SEND_RAW",
];

/// The default body cap: the largest base64 budget (Huawei, 10 MB) plus room
/// for the other JSON fields and multipart framing.
pub const DEFAULT_MAX_BODY_BYTES: u64 = 10_100_000;
/// The default number of requests per capture token per minute.
pub const DEFAULT_RATE_LIMIT_PER_MINUTE: u32 = 30;
/// The default in-flight body budget of one isolate: with the base64 copy
/// made for the provider, about 2.5 times this is held at the peak, well
/// under an isolate's 128 MB.
pub const DEFAULT_INFLIGHT_BODY_BYTES: u64 = 32_000_000;
/// The default number of uploads one token may have in flight at once.
pub const DEFAULT_UPLOADS_PER_TOKEN: u32 = 2;
/// The default time an upload may take, start to end.
pub const DEFAULT_BODY_TIMEOUT_MS: u64 = 30_000;
/// The default slowest average upload rate, after [`BODY_GRACE_MS`].
pub const DEFAULT_BODY_MIN_BYTES_PER_SEC: u64 = 8_192;
/// Time before the minimum rate counts.
pub const BODY_GRACE_MS: u64 = 3_000;
/// Room for the non-image parts of a JSON or multipart body.
pub const FRAMING_ALLOWANCE: u64 = 100_000;
/// The shortest capture-token secret accepted: 128 bits of hex or base64.
pub const MIN_TOKEN_SECRET_LEN: usize = 32;

/// A secret string: `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }
    /// The value, for signing and comparing only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Huawei AK/SK and where the project lives.
#[derive(Clone, Debug)]
pub struct HuaweiSettings {
    /// AK/SK (Debug redacts the SK and most of the AK).
    pub credentials: Credentials,
    /// The project id in the request paths.
    pub project_id: String,
    /// The `Enterprise-Project-Id` sent on OCR calls (`HUAWEI_ENTERPRISE_PROJECT_ID`).
    pub enterprise_project: Option<String>,
    /// Signatures leave the body out (`HUAWEI_UNSIGNED_PAYLOAD=true`).
    pub unsigned_payload: bool,
    /// The region of the default hosts; `None` means cn-north-4.
    pub region: Option<String>,
    /// Where requests go: the override, or `None` for the region's own hosts.
    pub upstream: Option<Upstream>,
}

/// Tencent SecretId/SecretKey.
#[derive(Clone, Debug)]
pub struct TencentSettings {
    /// SecretId/SecretKey (Debug redacts the key).
    pub credentials: Credentials,
    /// `X-TC-Region`; `None` means ap-guangzhou.
    pub region: Option<String>,
    /// Where requests go: the override, or `None` for `ocr.tencentcloudapi.com`.
    pub upstream: Option<Upstream>,
}

/// Everything the worker reads from `env`.
#[derive(Clone, Debug)]
pub struct WorkerConfig {
    /// Huawei credentials; the Huawei routes answer 503 without them.
    pub huawei: Option<HuaweiSettings>,
    /// Tencent credentials; the Tencent routes answer 503 without them.
    pub tencent: Option<TencentSettings>,
    /// The HMAC key of capture tokens; capture routes answer 503 without it.
    pub token_keys: TokenKeys,
    /// The audience capture tokens must name (`aud`).
    pub token_audience: String,
    /// Origins a browser may call from.
    pub origins: OriginList,
    /// The admin secret; the admin routes do not exist without it.
    pub admin_secret: Option<Secret>,
    /// The largest body read, whatever its kind.
    pub max_body_bytes: u64,
    /// Requests per capture token per minute; 0 turns the limit off.
    pub rate_limit_per_minute: u32,
    /// Body bytes one isolate holds at once over all requests (`INFLIGHT_BODY_BYTES`).
    pub inflight_body_bytes: u64,
    /// Uploads one token may have in flight at once (`UPLOADS_PER_TOKEN`).
    pub uploads_per_token: u32,
    /// The longest an upload may take (`BODY_TIMEOUT_MS`).
    pub body_timeout_ms: u64,
    /// The slowest average upload rate accepted (`BODY_MIN_BYTES_PER_SEC`, 0: none).
    pub body_min_bytes_per_sec: u64,
    /// How "MB" in the documents' base64 budgets is read (`MEGABYTES`:
    /// `decimal`, the default, or `binary`).
    pub megabytes: Megabytes,
    /// The hosts image URLs may name (`IMAGE_URL_HOSTS`); `None`: URL mode off.
    pub image_url_hosts: Option<HostList>,
    /// Billed calls one capture token may make (with the ledger).
    pub token_max_calls: u32,
    /// Successful calls after which a token is spent (with the ledger).
    pub token_max_successes: u32,
    /// Billed calls of the whole account per UTC day; `None`: no cap.
    pub daily_call_cap: Option<u64>,
    /// How long the answer of an `Idempotency-Key` is kept, seconds.
    pub idempotency_keep_secs: u64,
    /// Whether results carry the provider's whole answer (`raw`) to pages.
    pub send_raw: bool,
    /// Every secret value, to scrub from answers as a last line of defence.
    secrets: Vec<Secret>,
}

/// Whether an authority (`host[:port]`) names this machine: `localhost`,
/// `127.x.y.z` or `[::1]`, the only hosts plain http may reach (the
/// emulator, tests).
pub fn is_loopback(authority: &str) -> bool {
    let host = match authority.strip_prefix('[') {
        Some(rest) => return rest.split(']').next() == Some("::1"),
        None => authority.split(':').next().unwrap_or(""),
    };
    if host == "localhost" {
        return true;
    }
    let parts: Vec<&str> = host.split('.').collect();
    parts.len() == 4
        && parts[0] == "127"
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()))
        && parts.iter().all(|p| p.parse::<u16>().is_ok_and(|n| n <= 255))
}

fn config_error(var: &str, what: &str) -> Error {
    // The message names the variable and the rule, never the value.
    Error::new(ErrorKind::Unavailable, "config.invalid", format!("{var} {what}"))
}

impl WorkerConfig {
    /// Reads the configuration through `lookup` (empty values count as unset).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<WorkerConfig> {
        let get = |k: &str| lookup(k).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let secrets: Vec<Secret> = SECRET_VARS.iter().filter_map(|k| get(k)).map(Secret).collect();

        let upstream = |var: &str| -> Result<Option<Upstream>> {
            let Some(u) = get(var) else { return Ok(None) };
            let up = Upstream::parse(&u)
                .map_err(|_| config_error(var, "must be an http(s) base URL"))?;
            if up.scheme != "https" && !is_loopback(&up.authority) {
                return Err(config_error(var, "must be https (plain http only on loopback)"));
            }
            Ok(Some(up))
        };
        let huawei_up = upstream("UPSTREAM_HUAWEI")?;
        let tencent_up = upstream("UPSTREAM_TENCENT")?;

        let huawei = match (get("HUAWEI_AK"), get("HUAWEI_SK"), get("HUAWEI_PROJECT_ID")) {
            (None, None, _) => None,
            (Some(ak), Some(sk), Some(project_id)) => {
                let credentials = Credentials::new(ak, sk).map_err(|_| {
                    config_error("HUAWEI_AK/HUAWEI_SK", "must be non-empty without whitespace")
                })?;
                validate_project_id(&project_id).map_err(|_| {
                    config_error(
                        "HUAWEI_PROJECT_ID",
                        "must be the project id (A-Z, a-z, 0-9, - and _)",
                    )
                })?;
                let region = get("HUAWEI_REGION");
                if let Some(r) = &region {
                    validate_region(r)
                        .map_err(|_| config_error("HUAWEI_REGION", "must look like cn-north-4"))?;
                }
                let enterprise_project = get("HUAWEI_ENTERPRISE_PROJECT_ID");
                let unsigned_payload = match get("HUAWEI_UNSIGNED_PAYLOAD").as_deref() {
                    None | Some("0" | "false") => false,
                    Some("1" | "true") => true,
                    Some(_) => {
                        return Err(config_error(
                            "HUAWEI_UNSIGNED_PAYLOAD",
                            "must be true or false",
                        ))
                    }
                };
                Some(HuaweiSettings {
                    unsigned_payload,
                    credentials,
                    project_id,
                    region,
                    upstream: huawei_up,
                    enterprise_project,
                })
            }
            _ => {
                return Err(config_error(
                    "HUAWEI_AK, HUAWEI_SK and HUAWEI_PROJECT_ID",
                    "must be set together",
                ))
            }
        };
        let tencent = match (get("TENCENT_SECRET_ID"), get("TENCENT_SECRET_KEY")) {
            (None, None) => None,
            (Some(id), Some(key)) => {
                let credentials = Credentials::new(id, key).map_err(|_| {
                    config_error(
                        "TENCENT_SECRET_ID/TENCENT_SECRET_KEY",
                        "must be non-empty without whitespace",
                    )
                })?;
                let region = get("TENCENT_REGION");
                tencent_region(region.as_deref())
                    .map_err(|_| config_error("TENCENT_REGION", "must look like ap-guangzhou"))?;
                Some(TencentSettings { credentials, region, upstream: tencent_up })
            }
            _ => {
                return Err(config_error(
                    "TENCENT_SECRET_ID and TENCENT_SECRET_KEY",
                    "must be set together",
                ))
            }
        };
        let token_keys = TokenKeys::parse(
            get("CAPTURE_TOKEN_KEYS").as_deref(),
            get("CAPTURE_TOKEN_SECRET").as_deref(),
        )
        .map_err(|why| Error::new(ErrorKind::Unavailable, "config.invalid", why))?;
        let mut secrets = secrets;
        secrets.extend(token_keys.secret_texts().into_iter().map(Secret));
        let token_audience =
            get("CAPTURE_TOKEN_AUDIENCE").unwrap_or_else(|| DEFAULT_AUDIENCE.to_owned());
        let admin_secret = get("ADMIN_SECRET").map(Secret);
        if admin_secret.as_ref().is_some_and(|s| s.0.len() < MIN_TOKEN_SECRET_LEN) {
            return Err(config_error("ADMIN_SECRET", "must be at least 32 characters"));
        }
        let origins =
            OriginList::parse(get("ALLOWED_ORIGINS").as_deref().unwrap_or("")).map_err(|_| {
                config_error(
                    "ALLOWED_ORIGINS",
                    "must be a comma list of origins like https://app.example.com",
                )
            })?;
        let max_body_bytes = match get("MAX_BODY_BYTES") {
            None => DEFAULT_MAX_BODY_BYTES,
            Some(v) => {
                v.parse::<u64>().ok().filter(|n| (1024..=100_000_000).contains(n)).ok_or_else(
                    || config_error("MAX_BODY_BYTES", "must be a number from 1024 to 100000000"),
                )?
            }
        };
        let rate_limit_per_minute = match get("RATE_LIMIT_PER_MINUTE") {
            None => DEFAULT_RATE_LIMIT_PER_MINUTE,
            Some(v) => v.parse::<u32>().ok().filter(|n| *n <= 100_000).ok_or_else(|| {
                config_error("RATE_LIMIT_PER_MINUTE", "must be a number from 0 to 100000")
            })?,
        };
        let number = |var: &str, dflt: u64, lo: u64, hi: u64| -> Result<u64> {
            match get(var) {
                None => Ok(dflt),
                Some(v) => {
                    v.parse::<u64>().ok().filter(|n| (lo..=hi).contains(n)).ok_or_else(|| {
                        config_error(var, &format!("must be a number from {lo} to {hi}"))
                    })
                }
            }
        };
        let inflight_body_bytes =
            number("INFLIGHT_BODY_BYTES", DEFAULT_INFLIGHT_BODY_BYTES, 1_000_000, 100_000_000)?;
        let uploads_per_token =
            number("UPLOADS_PER_TOKEN", u64::from(DEFAULT_UPLOADS_PER_TOKEN), 1, 16)? as u32;
        let body_timeout_ms = number("BODY_TIMEOUT_MS", DEFAULT_BODY_TIMEOUT_MS, 500, 300_000)?;
        let body_min_bytes_per_sec =
            number("BODY_MIN_BYTES_PER_SEC", DEFAULT_BODY_MIN_BYTES_PER_SEC, 0, 100_000_000)?;
        let megabytes = match get("MEGABYTES") {
            None => Megabytes::Decimal,
            Some(v) => Megabytes::from_name(v.trim())
                .ok_or_else(|| config_error("MEGABYTES", "must be decimal or binary"))?,
        };
        let image_url_hosts = HostList::parse(get("IMAGE_URL_HOSTS").as_deref().unwrap_or(""))
            .map_err(|_| {
                config_error(
                    "IMAGE_URL_HOSTS",
                    "must be a comma list of host names like img.example.com or *.example.com",
                )
            })?;
        let token_max_calls =
            number("TOKEN_MAX_CALLS", u64::from(DEFAULT_TOKEN_MAX_CALLS), 1, 1000)? as u32;
        let token_max_successes =
            number("TOKEN_MAX_SUCCESSES", u64::from(DEFAULT_TOKEN_MAX_SUCCESSES), 1, 1000)? as u32;
        let daily_call_cap = match number("DAILY_CALL_CAP", 0, 0, 100_000_000)? {
            0 => None,
            n => Some(n),
        };
        let idempotency_keep_secs =
            number("IDEMPOTENCY_KEEP_SECS", DEFAULT_IDEMPOTENCY_KEEP_SECS, 60, 604_800)?;
        let send_raw = match get("SEND_RAW").as_deref() {
            None | Some("0" | "false") => false,
            Some("1" | "true") => true,
            Some(_) => return Err(config_error("SEND_RAW", "must be true or false")),
        };
        Ok(WorkerConfig {
            send_raw,
            token_max_calls,
            token_max_successes,
            daily_call_cap,
            idempotency_keep_secs,
            megabytes,
            image_url_hosts,
            huawei,
            tencent,
            token_keys,
            token_audience,
            origins,
            admin_secret,
            max_body_bytes,
            rate_limit_per_minute,
            inflight_body_bytes,
            uploads_per_token,
            body_timeout_ms,
            body_min_bytes_per_sec,
            secrets,
        })
    }

    /// Every configured secret value (AK, SK, SecretKey, token and admin secrets).
    pub fn secret_values(&self) -> impl Iterator<Item = &str> {
        self.secrets.iter().map(Secret::expose)
    }

    /// Where Huawei `service` requests go: the override, or the region's host.
    pub fn huawei_upstream(&self, h: &HuaweiSettings, service: HuaweiService) -> Result<Upstream> {
        match &h.upstream {
            Some(u) => Ok(u.clone()),
            None => Ok(Upstream::https(&huawei_host(service, h.region.as_deref())?)),
        }
    }

    /// Where Tencent requests go: the override, or Tencent's OCR host.
    pub fn tencent_upstream(&self, t: &TencentSettings) -> Upstream {
        t.upstream.clone().unwrap_or_else(|| Upstream::https(TENCENT_OCR_HOST))
    }

    /// The hosts the worker may ever reach: exactly the configured overrides,
    /// or the providers' own hosts for the configured region.
    pub fn allowed_authorities(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(h) = &self.huawei {
            for s in [HuaweiService::Ocr, HuaweiService::Kms, HuaweiService::Apig] {
                if let Ok(u) = self.huawei_upstream(h, s) {
                    out.push(u.authority);
                }
            }
        }
        if let Some(t) = &self.tencent {
            out.push(self.tencent_upstream(t).authority);
        }
        out.dedup();
        out
    }

    /// Refuses a URL whose authority is not on [`Self::allowed_authorities`]:
    /// checked again right before sending, whatever built the URL.
    pub fn ensure_allowed(&self, url: &str) -> Result<()> {
        let authority = url
            .split_once("://")
            .map(|(_, rest)| rest.split(['/', '?', '#']).next().unwrap_or(""))
            .unwrap_or("");
        if !authority.is_empty()
            && self.allowed_authorities().iter().any(|a| a.eq_ignore_ascii_case(authority))
        {
            Ok(())
        } else {
            Err(Error::new(
                ErrorKind::Unavailable,
                "upstream.forbidden",
                "upstream host is not allowed",
            ))
        }
    }

    /// The largest body for `target`: a raw image (`base64` false, `framed`
    /// false) up to the target's base64 budget decoded; a form (`framed`) up
    /// to that plus framing; a JSON body (`base64`) up to the budget plus
    /// framing; never above `MAX_BODY_BYTES`.
    pub fn body_cap(&self, target: Option<Target>, base64: bool, framed: bool) -> u64 {
        let cap = match target {
            Some(t) => {
                let b64 = self.megabytes.limits(t).max_base64;
                // The largest raw image whose base64 fits the budget.
                let image = if base64 { b64 } else { b64 / 4 * 3 };
                if framed || base64 {
                    image.saturating_add(FRAMING_ALLOWANCE)
                } else {
                    image
                }
            }
            None => FRAMING_ALLOWANCE,
        };
        cap.min(self.max_body_bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> =
            pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        move |k| map.get(k).cloned()
    }

    const FULL: &[(&str, &str)] = &[
        ("HUAWEI_AK", "AKVALUE123"),
        ("HUAWEI_SK", "super-secret-sk-value"),
        ("HUAWEI_PROJECT_ID", "0123456789abcdef0123456789abcdef"),
        ("TENCENT_SECRET_ID", "tencent-id"),
        ("TENCENT_SECRET_KEY", "tencent-super-secret-key"),
        ("CAPTURE_TOKEN_SECRET", "0123456789abcdef0123456789abcdef-token"),
        ("ADMIN_SECRET", "0123456789abcdef0123456789abcdef-admin"),
        ("ALLOWED_ORIGINS", "https://app.example.com, http://localhost:5173"),
        ("UPSTREAM_HUAWEI", "http://127.0.0.1:9000"),
    ];

    #[test]
    fn debug_redacts_every_secret() {
        let c = WorkerConfig::from_lookup(env(FULL)).unwrap();
        let text = format!("{c:?}");
        for s in
            ["super-secret-sk-value", "tencent-super-secret-key", "-token", "-admin", "AKVALUE123"]
        {
            assert!(!text.contains(s), "{s} leaked in {text}");
        }
        assert_eq!(c.secret_values().count(), 7);
    }

    #[test]
    fn defaults_and_allow_list() {
        let c = WorkerConfig::from_lookup(env(FULL)).unwrap();
        assert_eq!(c.max_body_bytes, DEFAULT_MAX_BODY_BYTES);
        assert_eq!(c.rate_limit_per_minute, DEFAULT_RATE_LIMIT_PER_MINUTE);
        assert_eq!(c.inflight_body_bytes, DEFAULT_INFLIGHT_BODY_BYTES);
        assert_eq!((c.uploads_per_token, c.body_timeout_ms), (2, 30_000));
        assert_eq!(c.allowed_authorities(), vec!["127.0.0.1:9000", "ocr.tencentcloudapi.com"]);
        assert!(c.ensure_allowed("http://127.0.0.1:9000/v2/x").is_ok());
        assert!(c.ensure_allowed("https://ocr.tencentcloudapi.com/").is_ok());
        assert!(c.ensure_allowed("http://127.0.0.1:9001/").is_err());
        assert!(c.ensure_allowed("http://evil.example/").is_err());
        assert!(c.ensure_allowed("nonsense").is_err());
    }

    #[test]
    fn caps() {
        let c = WorkerConfig::from_lookup(env(FULL)).unwrap();
        assert_eq!(c.body_cap(Some(Target::HuaweiQuotaInvoice), false, false), 7_500_000);
        assert_eq!(c.body_cap(Some(Target::TencentBizLicense), false, false), 5_250_000);
        assert_eq!(c.body_cap(Some(Target::TencentBizLicense), false, true), 5_350_000);
        assert_eq!(
            c.body_cap(Some(Target::HuaweiQuotaInvoice), true, true),
            DEFAULT_MAX_BODY_BYTES
        );
        assert_eq!(c.body_cap(None, true, false), FRAMING_ALLOWANCE);
    }

    #[test]
    fn bad_values_name_the_variable_not_the_value() {
        let e = WorkerConfig::from_lookup(env(&[
            ("HUAWEI_AK", "a b"),
            ("HUAWEI_SK", "zz"),
            ("HUAWEI_PROJECT_ID", "p"),
        ]))
        .unwrap_err();
        assert!(e.message().contains("HUAWEI_AK"));
        assert!(!e.message().contains("zz"));
        assert!(WorkerConfig::from_lookup(env(&[("HUAWEI_AK", "a")])).is_err());
        assert!(WorkerConfig::from_lookup(env(&[("CAPTURE_TOKEN_SECRET", "short")])).is_err());
        assert!(WorkerConfig::from_lookup(env(&[("MAX_BODY_BYTES", "ten")])).is_err());
        assert!(WorkerConfig::from_lookup(env(&[("INFLIGHT_BODY_BYTES", "10")])).is_err());
        assert!(WorkerConfig::from_lookup(env(&[("UPLOADS_PER_TOKEN", "0")])).is_err());
        assert!(WorkerConfig::from_lookup(env(&[("BODY_TIMEOUT_MS", "1")])).is_err());
        assert!(WorkerConfig::from_lookup(env(&[("UPSTREAM_TENCENT", "file:///x")])).is_err());
        assert!(WorkerConfig::from_lookup(env(&[("ALLOWED_ORIGINS", "*")])).is_err());
        assert!(WorkerConfig::from_lookup(env(&[("IMAGE_URL_HOSTS", "127.0.0.1")])).is_err());
        let empty = WorkerConfig::from_lookup(env(&[])).unwrap();
        assert!(empty.huawei.is_none() && empty.admin_secret.is_none());
        assert!(empty.image_url_hosts.is_none(), "URL mode is off by default");
    }

    #[test]
    fn plain_http_upstreams_only_on_loopback() {
        for ok in [
            "http://127.0.0.1:9000",
            "http://localhost:8787/base",
            "http://[::1]:9000",
            "http://127.1.2.3",
            "https://ocr.example.com",
            "https://10.0.0.1:8443",
        ] {
            let c = WorkerConfig::from_lookup(env(&[("UPSTREAM_HUAWEI", ok)]));
            assert!(c.is_ok(), "{ok} refused");
        }
        for bad in [
            "http://ocr.example.com",
            "http://10.0.0.1:9000",
            "http://127.0.0.1.evil.example",
            "http://localhost.evil.example",
            "http://[::2]:9000",
            "http://2130706433",
            "http://0x7f000001",
        ] {
            let e = WorkerConfig::from_lookup(env(&[("UPSTREAM_TENCENT", bad)])).unwrap_err();
            assert_eq!(e.code(), "config.invalid", "{bad}");
            assert!(e.message().contains("UPSTREAM_TENCENT"));
        }
    }
}
