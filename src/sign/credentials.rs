//! Credentials, validated on construction and redacted in `Debug`.

use std::fmt;

use crate::error::{Error, Result};

/// An access key pair, optionally temporary (with a session token).
///
/// Huawei calls the parts AK, SK and security token; Tencent calls them
/// SecretId, SecretKey and token. `Debug` shows the first four characters of
/// the access key and nothing of the secret or the token.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    access_key: String,
    secret_key: String,
    session_token: Option<String>,
}

impl Credentials {
    /// Long-term credentials.
    ///
    /// Fails with `credentials.invalid` when either part is empty or holds
    /// whitespace or control characters (a pasted newline is the usual
    /// cause), or when the access key is not printable ASCII, since it
    /// travels in a header.
    pub fn new(access_key: impl Into<String>, secret_key: impl Into<String>) -> Result<Self> {
        let access_key = access_key.into();
        let secret_key = secret_key.into();
        check_header_safe(&access_key, "access key")?;
        if secret_key.is_empty() || secret_key.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(Error::invalid_argument(
                "credentials.invalid",
                "secret key is empty or holds whitespace",
            ));
        }
        Ok(Credentials { access_key, secret_key, session_token: None })
    }

    /// Temporary credentials: adds the session token (`X-Security-Token` for
    /// Huawei, `X-TC-Token` for Tencent). Same rules as the access key.
    pub fn with_session_token(mut self, token: impl Into<String>) -> Result<Self> {
        let token = token.into();
        check_header_safe(&token, "session token")?;
        self.session_token = Some(token);
        Ok(self)
    }

    /// The access key (AK / SecretId); not secret, sent in every request.
    pub fn access_key(&self) -> &str {
        &self.access_key
    }

    /// The session token of temporary credentials.
    pub fn session_token(&self) -> Option<&str> {
        self.session_token.as_deref()
    }

    /// The secret key, for the signers only.
    pub(crate) fn secret_key(&self) -> &str {
        &self.secret_key
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key", &Partial(&self.access_key))
            .field("secret_key", &Redacted)
            .field("session_token", &self.session_token.as_ref().map(|_| Redacted))
            .finish()
    }
}

/// A Huawei IAM token for token mode (`X-Auth-Token`); redacted in `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct IamToken(String);

impl IamToken {
    /// Wraps a token; fails with `credentials.invalid` when it is empty or
    /// holds anything but printable ASCII.
    pub fn new(token: impl Into<String>) -> Result<Self> {
        let token = token.into();
        check_header_safe(&token, "token")?;
        Ok(IamToken(token))
    }

    /// The token text, to put in the header.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for IamToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("IamToken").field(&Redacted).finish()
    }
}

fn check_header_safe(value: &str, what: &str) -> Result<()> {
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Error::invalid_argument(
            "credentials.invalid",
            format!("{what} is empty or holds whitespace or non-ASCII characters"),
        ));
    }
    Ok(())
}

struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Shows the first four characters then an ellipsis, enough to tell keys apart.
struct Partial<'a>(&'a str);

impl fmt::Debug for Partial<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let head: String = self.0.chars().take(4).collect();
        write!(f, "\"{head}…\"")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_secrets() {
        let creds =
            Credentials::new("QTWAOYTTINDUT2QVKYUC", "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc")
                .unwrap()
                .with_session_token("tokenSECRETvalue")
                .unwrap();
        let text = format!("{creds:?} {creds:#?}");
        assert!(!text.contains("MFyf"), "{text}");
        assert!(!text.contains("SECRET"), "{text}");
        assert!(!text.contains("QTWAOY"), "{text}");
        assert!(text.contains("QTWA…"), "{text}");
        assert!(text.contains("<redacted>"), "{text}");
        let token = IamToken::new("MIIsecret").unwrap();
        assert!(!format!("{token:?}").contains("MII"));
    }

    #[test]
    fn rejects_bad_keys_without_panicking() {
        for (ak, sk) in [
            ("", "sk"),
            ("ak", ""),
            (" ", "sk"),
            ("ak ", "sk"),
            ("ak", "s k"),
            ("ak\n", "sk"),
            ("ak", "sk\n"),
            ("ak", "sk\t"),
            ("äk", "sk"),
            ("ak", "s\u{0}k"),
            ("ak", "s\u{3000}k"),
        ] {
            let err = Credentials::new(ak, sk).unwrap_err();
            assert_eq!(err.code(), "credentials.invalid");
            assert!(!err.message().contains(sk) || sk.is_empty());
        }
        let ok = Credentials::new("ak", "sk").unwrap();
        assert_eq!(ok.with_session_token("a b").unwrap_err().code(), "credentials.invalid");
        assert_eq!(IamToken::new("").unwrap_err().code(), "credentials.invalid");
        // Short keys print without panicking on the partial view.
        assert!(format!("{:?}", Credentials::new("é", "x")).contains("credentials.invalid"));
        assert!(format!("{:?}", Credentials::new("ab", "x").unwrap()).contains("ab…"));
    }
}
