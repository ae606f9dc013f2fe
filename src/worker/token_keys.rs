//! The keys capture tokens are verified with: a JWK Set (RFC 7517) in
//! `CAPTURE_TOKEN_KEYS`, and `CAPTURE_TOKEN_SECRET` as the HS256 key with id
//! [`SECRET_KID`]. Every key has a `kid` and a pinned `alg`; a token names
//! its key by `kid` and must carry that key's `alg`.

use std::fmt;

use serde_json::{Map, Value};

use crate::image::body::{self, Alphabet};
use crate::worker::config::MIN_TOKEN_SECRET_LEN;

/// The key id `CAPTURE_TOKEN_SECRET` is known by (and `issueCaptureToken`'s default).
pub const SECRET_KID: &str = "default";
/// The most keys a set may hold: two per algorithm during a rotation is plenty.
pub const MAX_KEYS: usize = 16;

/// A signature algorithm a key is pinned to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Alg {
    /// HMAC-SHA256 with a shared secret; checked in Rust.
    Hs256,
    /// Ed25519; checked by the runtime's WebCrypto.
    EdDsa,
    /// ECDSA P-256 with SHA-256; checked by the runtime's WebCrypto.
    Es256,
}

impl Alg {
    /// The JOSE name (`alg`).
    pub fn name(self) -> &'static str {
        match self {
            Alg::Hs256 => "HS256",
            Alg::EdDsa => "EdDSA",
            Alg::Es256 => "ES256",
        }
    }

    /// The algorithm of a JOSE name; `None` for any other (`none` included).
    pub fn from_name(name: &str) -> Option<Alg> {
        [Alg::Hs256, Alg::EdDsa, Alg::Es256].into_iter().find(|a| a.name() == name)
    }

    /// The length of a valid signature, in bytes.
    pub fn signature_len(self) -> usize {
        match self {
            Alg::Hs256 => 32,
            Alg::EdDsa | Alg::Es256 => 64,
        }
    }
}

/// What a key verifies with.
#[derive(Clone, PartialEq, Eq)]
pub enum Material {
    /// The HS256 secret's bytes.
    Secret(Vec<u8>),
    /// The public JWK (`kty`, `crv`, `x`, `y`), as JSON for WebCrypto's `importKey`.
    Public(String),
}

/// One verification key.
#[derive(Clone, PartialEq, Eq)]
pub struct TokenKey {
    /// Its id, matched against the token header's `kid`.
    pub kid: String,
    /// The one algorithm it verifies.
    pub alg: Alg,
    /// Its secret or public part.
    pub material: Material,
}

impl fmt::Debug for Material {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Material::Secret(_) => f.write_str("Secret([redacted])"),
            Material::Public(jwk) => write!(f, "Public({jwk})"),
        }
    }
}

impl fmt::Debug for TokenKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "TokenKey {{ kid: {:?}, alg: {}, {:?} }}",
            self.kid,
            self.alg.name(),
            self.material
        )
    }
}

/// The configured keys, by id.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TokenKeys(Vec<TokenKey>);

impl TokenKeys {
    /// Reads `CAPTURE_TOKEN_KEYS` (a JWK Set) and `CAPTURE_TOKEN_SECRET`.
    /// `Err` says what is wrong without quoting any key material.
    pub fn parse(jwks: Option<&str>, secret: Option<&str>) -> Result<TokenKeys, String> {
        let mut keys = Vec::new();
        if let Some(s) = secret {
            if s.len() < MIN_TOKEN_SECRET_LEN {
                return Err("CAPTURE_TOKEN_SECRET must be at least 32 characters".into());
            }
            keys.push(TokenKey {
                kid: SECRET_KID.into(),
                alg: Alg::Hs256,
                material: Material::Secret(s.as_bytes().to_vec()),
            });
        }
        if let Some(text) = jwks {
            let set: Value = serde_json::from_str(text).map_err(|_| {
                "CAPTURE_TOKEN_KEYS must be a JWK Set: {\"keys\": [...]}".to_owned()
            })?;
            let list = set
                .get("keys")
                .and_then(Value::as_array)
                .ok_or("CAPTURE_TOKEN_KEYS must be a JWK Set: {\"keys\": [...]}")?;
            for (i, jwk) in list.iter().enumerate() {
                let key = jwk
                    .as_object()
                    .ok_or_else(|| format!("CAPTURE_TOKEN_KEYS key {i} is not an object"))
                    .and_then(|o| {
                        key_of(o).map_err(|why| format!("CAPTURE_TOKEN_KEYS key {i}: {why}"))
                    })?;
                keys.push(key);
            }
        }
        if keys.len() > MAX_KEYS {
            return Err(format!("CAPTURE_TOKEN_KEYS holds more than {MAX_KEYS} keys"));
        }
        for (i, k) in keys.iter().enumerate() {
            if keys[..i].iter().any(|o| o.kid == k.kid) {
                return Err(format!("the key id {:?} is used twice", k.kid));
            }
        }
        Ok(TokenKeys(keys))
    }

    /// One HS256 key: `secret` under `kid`.
    pub fn hs256(kid: &str, secret: &str) -> Result<TokenKeys, String> {
        if secret.len() < MIN_TOKEN_SECRET_LEN {
            return Err("the token secret must be at least 32 characters".into());
        }
        let material = Material::Secret(secret.as_bytes().to_vec());
        Ok(TokenKeys(vec![TokenKey { kid: kid.to_owned(), alg: Alg::Hs256, material }]))
    }

    /// No key configured: capture tokens are off.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The key of id `kid`.
    pub fn find(&self, kid: &str) -> Option<&TokenKey> {
        self.0.iter().find(|k| k.kid == kid)
    }

    /// The JWK Set's HS256 secrets, as `k` and as text where they are text
    /// (for scrubbing; `CAPTURE_TOKEN_SECRET` is scrubbed as itself).
    pub fn secret_texts(&self) -> Vec<String> {
        let mut out = Vec::new();
        for k in self.0.iter().filter(|k| k.kid != SECRET_KID) {
            if let Material::Secret(b) = &k.material {
                out.push(body::encode_base64(b, Alphabet::UrlSafe));
                if let Ok(s) = std::str::from_utf8(b) {
                    out.push(s.to_owned());
                }
            }
        }
        out
    }
}

fn text<'a>(o: &'a Map<String, Value>, k: &str) -> Option<&'a str> {
    o.get(k).and_then(Value::as_str)
}

fn b64url(o: &Map<String, Value>, k: &str, len: Option<usize>) -> Result<Vec<u8>, String> {
    let t = text(o, k).ok_or_else(|| format!("`{k}` is missing"))?;
    let bytes = body::decode_base64(t, Alphabet::UrlSafe, usize::MAX)
        .ok_or_else(|| format!("`{k}` is not base64url"))?;
    match len {
        Some(n) if bytes.len() != n => Err(format!("`{k}` must be {n} bytes")),
        _ => Ok(bytes),
    }
}

/// One JWK: `kid` and `alg` required; a private part (`d`) is refused, so a
/// worker never holds what mints tokens for an asymmetric key.
fn key_of(o: &Map<String, Value>) -> Result<TokenKey, String> {
    let kid =
        text(o, "kid").filter(|k| !k.is_empty() && k.len() <= 128).ok_or("`kid` is missing")?;
    let alg_name = text(o, "alg").ok_or("`alg` is missing: each key is pinned to one algorithm")?;
    let alg = Alg::from_name(alg_name).ok_or("`alg` must be HS256, EdDSA or ES256")?;
    if o.contains_key("d") {
        return Err("holds a private key (`d`); give the worker the public key only".into());
    }
    let (kty, crv) = (text(o, "kty"), text(o, "crv"));
    let public = |fields: &[&str]| -> String {
        let mut m = Map::new();
        for f in ["kty", "crv"].iter().chain(fields) {
            if let Some(v) = o.get(*f) {
                m.insert((*f).to_owned(), v.clone());
            }
        }
        Value::Object(m).to_string()
    };
    let material = match (alg, kty, crv) {
        (Alg::Hs256, Some("oct"), _) => {
            let k = b64url(o, "k", None)?;
            if k.len() < MIN_TOKEN_SECRET_LEN {
                return Err("an HS256 key needs at least 32 bytes".into());
            }
            Material::Secret(k)
        }
        (Alg::EdDsa, Some("OKP"), Some("Ed25519")) => {
            b64url(o, "x", Some(32))?;
            Material::Public(public(&["x"]))
        }
        (Alg::Es256, Some("EC"), Some("P-256")) => {
            b64url(o, "x", Some(32))?;
            b64url(o, "y", Some(32))?;
            Material::Public(public(&["x", "y"]))
        }
        _ => {
            return Err(format!(
                "`alg` {alg_name} needs kty oct (HS256), OKP/Ed25519 (EdDSA) or EC/P-256 (ES256)"
            ))
        }
    };
    Ok(TokenKey { kid: kid.to_owned(), alg, material })
}

#[cfg(test)]
mod tests {
    use super::*;

    const X: &str = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";

    #[test]
    fn secret_and_set() {
        let set = format!(
            r#"{{"keys":[{{"kid":"ed1","alg":"EdDSA","kty":"OKP","crv":"Ed25519","x":"{X}","use":"sig"}},
            {{"kid":"h1","alg":"HS256","kty":"oct","k":"{}"}}]}}"#,
            body::encode_base64(&[7; 32], Alphabet::UrlSafe)
        );
        let keys = TokenKeys::parse(Some(&set), Some(&"s".repeat(32))).unwrap();
        assert_eq!(keys.find(SECRET_KID).unwrap().alg, Alg::Hs256);
        let ed = keys.find("ed1").unwrap();
        assert_eq!(ed.alg, Alg::EdDsa);
        // Only the public fields reach importKey.
        assert_eq!(
            ed.material,
            Material::Public(format!(r#"{{"crv":"Ed25519","kty":"OKP","x":"{X}"}}"#))
        );
        assert_eq!(keys.find("h1").unwrap().material, Material::Secret(vec![7; 32]));
        assert!(!format!("{keys:?}").contains("sss"));
    }

    #[test]
    fn refusals_name_the_problem_not_the_key() {
        let cases = [
            (r#"{"keys":[{"alg":"HS256","kty":"oct","k":"AAAA"}]}"#, "`kid`"),
            (r#"{"keys":[{"kid":"a","kty":"OKP","crv":"Ed25519","x":"AA"}]}"#, "`alg`"),
            (r#"{"keys":[{"kid":"a","alg":"none","kty":"oct","k":"AA"}]}"#, "`alg`"),
            (r#"{"keys":[{"kid":"a","alg":"HS256","kty":"oct","k":"c2hvcnQ"}]}"#, "32 bytes"),
            (
                r#"{"keys":[{"kid":"a","alg":"EdDSA","kty":"OKP","crv":"Ed25519","x":"AA","d":"secretd"}]}"#,
                "private",
            ),
            (
                r#"{"keys":[{"kid":"a","alg":"ES256","kty":"OKP","crv":"Ed25519","x":"AA"}]}"#,
                "EC/P-256",
            ),
            (
                r#"{"keys":[{"kid":"a","alg":"EdDSA","kty":"OKP","crv":"Ed25519","x":"AAAA"}]}"#,
                "32 bytes",
            ),
            (r#"[1]"#, "JWK Set"),
        ];
        for (set, want) in cases {
            let e = TokenKeys::parse(Some(set), None).unwrap_err();
            assert!(e.contains(want), "{set}: {e}");
            assert!(!e.contains("secretd") && !e.contains("c2hvcnQ"), "{e}");
        }
        assert!(TokenKeys::parse(None, Some("short")).unwrap_err().contains("32"));
        let twice = format!(
            r#"{{"keys":[{{"kid":"default","alg":"EdDSA","kty":"OKP","crv":"Ed25519","x":"{X}"}}]}}"#
        );
        assert!(TokenKeys::parse(Some(&twice), Some(&"s".repeat(32)))
            .unwrap_err()
            .contains("twice"));
        assert!(TokenKeys::parse(None, None).unwrap().is_empty());
    }
}
