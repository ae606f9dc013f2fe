//! Settings: a JSON file (`--config`) overlaid by flags, with development
//! credentials when nothing is configured.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

/// One Huawei AK/SK pair, optionally a temporary one with its security token.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HuaweiKey {
    /// The access key (AK).
    pub ak: String,
    /// The secret key (SK).
    pub sk: String,
    /// When set, requests must carry this `X-Security-Token` (temporary credentials).
    #[serde(default)]
    pub security_token: Option<String>,
}

/// One Tencent SecretId/SecretKey pair, optionally with its session token.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TencentKey {
    /// The SecretId.
    pub secret_id: String,
    /// The SecretKey.
    pub secret_key: String,
    /// When set, requests must carry this `X-TC-Token`.
    #[serde(default)]
    pub token: Option<String>,
}

/// Everything the emulator can be told; every field has a default.
#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Address to bind, e.g. `127.0.0.1:0`.
    pub listen: String,
    /// Huawei AK/SK pairs accepted.
    pub huawei_keys: Vec<HuaweiKey>,
    /// Huawei IAM tokens accepted in `X-Auth-Token`.
    pub huawei_tokens: Vec<String>,
    /// Project ids accepted in paths and `X-Project-Id`.
    pub project_ids: Vec<String>,
    /// Tencent key pairs accepted.
    pub tencent_keys: Vec<TencentKey>,
    /// Answer both Tencent actions with `ActionOffline`, as the live service does.
    pub tencent_offline: bool,
    /// Origins allowed by CORS; empty means any loopback origin.
    pub cors_origins: Vec<String>,
    /// Allowed clock skew for Huawei `X-Sdk-Date`, seconds.
    pub huawei_skew_secs: u64,
    /// Allowed clock skew for Tencent `X-TC-Timestamp`, seconds.
    pub tencent_skew_secs: u64,
    /// Largest base64 image for Huawei OCR, bytes (10 MB read as 2^20).
    pub huawei_max_base64: u64,
    /// Largest base64 image for Tencent, bytes (7 MB read as 2^20).
    pub tencent_max_base64: u64,
    /// Largest request body read at all, bytes.
    pub max_body: u64,
    /// Standing faults per route name (same syntax as `X-Emulator-Fault`).
    pub faults: BTreeMap<String, String>,
    /// Seed for CSMS secrets; built-in fixture when unset.
    pub secrets_file: Option<String>,
    /// Recognition results by image SHA-256; built-in fixture when unset.
    pub recognition_file: Option<String>,
    /// Company records for the Tencent verifications; built-in fixture when unset.
    pub companies_file: Option<String>,
    /// Write the one-line JSON request log on stderr.
    pub log: bool,
}

/// The development AK.
pub const DEV_AK: &str = "dev-ak";
/// The development SK.
pub const DEV_SK: &str = "dev-sk";
/// The development IAM token.
pub const DEV_TOKEN: &str = "dev-token";
/// The development project id.
pub const DEV_PROJECT: &str = "0123456789abcdef0123456789abcdef";
/// The development Tencent SecretId.
pub const DEV_SECRET_ID: &str = "dev-secret-id";
/// The development Tencent SecretKey.
pub const DEV_SECRET_KEY: &str = "dev-secret-key";

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: "127.0.0.1:8787".to_owned(),
            huawei_keys: Vec::new(),
            huawei_tokens: Vec::new(),
            project_ids: Vec::new(),
            tencent_keys: Vec::new(),
            tencent_offline: false,
            cors_origins: Vec::new(),
            huawei_skew_secs: 15 * 60,
            tencent_skew_secs: 5 * 60,
            huawei_max_base64: 10 * 1024 * 1024,
            tencent_max_base64: 7 * 1024 * 1024,
            max_body: 12 * 1024 * 1024,
            faults: BTreeMap::new(),
            secrets_file: None,
            recognition_file: None,
            companies_file: None,
            log: true,
        }
    }
}

impl Config {
    /// Reads a JSON config file; unknown fields are refused so typos show.
    pub fn from_file(path: &Path) -> Result<Config, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read config {}: {e}", path.display()))?;
        serde_json::from_str(&text).map_err(|e| format!("bad config {}: {e}", path.display()))
    }

    /// Fills every empty credential list with the development credentials.
    pub fn with_dev_defaults(mut self) -> Config {
        if self.huawei_keys.is_empty() {
            self.huawei_keys.push(HuaweiKey {
                ak: DEV_AK.to_owned(),
                sk: DEV_SK.to_owned(),
                security_token: None,
            });
        }
        if self.huawei_tokens.is_empty() {
            self.huawei_tokens.push(DEV_TOKEN.to_owned());
        }
        if self.project_ids.is_empty() {
            self.project_ids.push(DEV_PROJECT.to_owned());
        }
        if self.tencent_keys.is_empty() {
            self.tencent_keys.push(TencentKey {
                secret_id: DEV_SECRET_ID.to_owned(),
                secret_key: DEV_SECRET_KEY.to_owned(),
                token: None,
            });
        }
        self
    }
}
