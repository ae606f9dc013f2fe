//! Authentication as the two clouds do it: Huawei IAM token or AK/SK
//! `SDK-HMAC-SHA256` (checked by the API gateway), Tencent TC3 with its
//! timestamp window. Signatures are recomputed with `ocr_edge::sign`.

use ocr_edge::sign::{ct_eq, huawei, tencent, Credentials, UtcDateTime};

use crate::envelope::{self, Family, Reply};
use crate::request::Request;
use crate::state::State;

/// Checks a Huawei request's token or signature; `Err` is the answer to send.
pub fn huawei(state: &State, req: &Request, family: Family) -> Result<(), Reply> {
    // CSMS documents its 401 and 403 bodies in its own nested envelope.
    check_huawei(state, req, family).map_err(|r| match family {
        Family::HuaweiCsms => envelope::nested(r),
        _ => r,
    })
}

fn check_huawei(state: &State, req: &Request, family: Family) -> Result<(), Reply> {
    let rid = req.request_id.as_str();
    let auth = req.header("authorization");
    if let Some(value) = auth.filter(|v| v.trim_start().starts_with(huawei::ALGORITHM)) {
        return huawei_aksk(state, req, value);
    }
    match req.header(huawei::HEADER_AUTH_TOKEN) {
        Some(token) if !token.trim().is_empty() => {
            let known = state
                .config
                .huawei_tokens
                .iter()
                .any(|t| ct_eq(t.as_bytes(), token.trim().as_bytes()));
            if known {
                Ok(())
            } else {
                Err(bad_token(family, rid))
            }
        }
        Some(_) | None if auth.is_some() => {
            Err(gw_0301(rid, "the Authorization header is not SDK-HMAC-SHA256"))
        }
        Some(_) | None => Err(missing_token(family, rid)),
    }
}

fn gw_0301(rid: &str, why: &str) -> Reply {
    envelope::gateway(
        401,
        "APIGW.0301",
        &format!("Incorrect IAM authentication information: {why}"),
        rid,
    )
}

fn missing_token(family: Family, rid: &str) -> Reply {
    match family {
        Family::HuaweiOcr => {
            envelope::error(family, 401, "ModelArts.4101", "Token header is empty.", rid)
        }
        Family::HuaweiApig => envelope::error(
            family,
            401,
            "APIG.1002",
            "Incorrect token or token resolution failed",
            rid,
        ),
        _ => envelope::gateway(
            401,
            "APIG.0301",
            "Incorrect IAM authentication information: x-auth-token not found",
            rid,
        ),
    }
}

fn bad_token(family: Family, rid: &str) -> Reply {
    match family {
        Family::HuaweiOcr => {
            envelope::error(family, 401, "ModelArts.4103", "The token is invalid.", rid)
        }
        Family::HuaweiApig => envelope::error(
            family,
            401,
            "APIG.1002",
            "Incorrect token or token resolution failed",
            rid,
        ),
        _ => envelope::gateway(
            401,
            "APIG.0301",
            "Incorrect IAM authentication information: decrypt token fail",
            rid,
        ),
    }
}

fn huawei_aksk(state: &State, req: &Request, value: &str) -> Result<(), Reply> {
    let rid = req.request_id.as_str();
    let parsed = huawei::parse_authorization(value).map_err(|e| {
        gw_0301(rid, &format!("Authorization header is malformed ({})", e.message()))
    })?;
    let Some(key) = state.config.huawei_keys.iter().find(|k| k.ak == parsed.access_key) else {
        return Err(gw_0301(rid, "ak not found"));
    };
    let Some(date) = req.header(huawei::HEADER_DATE) else {
        return Err(gw_0301(rid, "x-sdk-date not found"));
    };
    let Ok(time) = UtcDateTime::parse_basic(date.trim()) else {
        return Err(gw_0301(rid, "x-sdk-date is not YYYYMMDDTHHMMSSZ"));
    };
    if time.unix().abs_diff(req.now) > state.config.huawei_skew_secs {
        return Err(envelope::gateway(
            401,
            "APIGW.0303",
            "Incorrect app authentication information: the request has expired (x-sdk-date is more than 15 minutes away from the server time)",
            rid,
        ));
    }
    let signed = |name: &str| parsed.signed_headers.iter().any(|h| h.eq_ignore_ascii_case(name));
    if !signed("x-sdk-date") {
        return Err(gw_0301(rid, "x-sdk-date is not a signed header"));
    }
    let sent_token = req.header(huawei::HEADER_SECURITY_TOKEN);
    if let Some(expected) = &key.security_token {
        let ok = sent_token.is_some_and(|t| ct_eq(t.trim().as_bytes(), expected.as_bytes()));
        if !ok {
            return Err(gw_0301(rid, "x-security-token is missing or invalid"));
        }
    }
    if sent_token.is_some() && !signed("x-security-token") {
        return Err(gw_0301(rid, "x-security-token is not a signed header"));
    }
    let creds = Credentials::new(key.ak.clone(), key.sk.clone())
        .map_err(|_| gw_0301(rid, "ak not usable"))?;
    let again = huawei::recompute(&req.received(), &parsed, &creds)
        .map_err(|e| gw_0301(rid, &format!("cannot verify the signature: {}", e.message())))?;
    if again.matches {
        Ok(())
    } else {
        let canonical = again.canonical_request.to_string().replace('\n', "|");
        Err(gw_0301(
            rid,
            &format!(
                "verify aksk signature fail, SignedHeaders: {}, CanonicalRequest: {canonical}",
                parsed.signed_headers.join(";")
            ),
        ))
    }
}

/// Checks a Tencent request's TC3 signature, timestamp and token.
pub fn tencent(state: &State, req: &Request) -> Result<(), Reply> {
    let rid = req.request_id.as_str();
    let fail = |code: &str, msg: &str| Err(envelope::tencent_error(code, msg, rid));
    let Some(value) = req.header("authorization") else {
        return fail("AuthFailure.InvalidAuthorization", "The Authorization header is missing.");
    };
    let Ok(parsed) = tencent::parse_authorization(value) else {
        return fail(
            "AuthFailure.InvalidAuthorization",
            "The Authorization header is not a valid TC3-HMAC-SHA256 authorization.",
        );
    };
    let Some(ts) = req.header(tencent::HEADER_TIMESTAMP) else {
        return fail(
            "MissingParameter",
            "The request is missing a required parameter `Timestamp`.",
        );
    };
    let Ok(ts) = ts.trim().parse::<u64>() else {
        return fail(
            "InvalidParameter",
            "The parameter `Timestamp` is not a unix time in seconds.",
        );
    };
    let Some(key) = state.config.tencent_keys.iter().find(|k| k.secret_id == parsed.secret_id)
    else {
        return fail(
            "AuthFailure.SecretIdNotFound",
            "The SecretId is not found, please ensure that your SecretId is correct.",
        );
    };
    if ts.abs_diff(req.now) > state.config.tencent_skew_secs {
        return fail(
            "AuthFailure.SignatureExpire",
            &format!("Signature expired. Timestamp:{ts}, server time:{}, the difference must be within 5 minutes.", req.now),
        );
    }
    if parsed.service != "ocr" {
        return fail(
            "AuthFailure.SignatureFailure",
            "The credential scope names a service other than ocr.",
        );
    }
    let Ok(creds) = Credentials::new(key.secret_id.clone(), key.secret_key.clone()) else {
        return fail("AuthFailure.SecretIdNotFound", "The SecretId is not usable.");
    };
    let again = match tencent::recompute(&req.received(), &parsed, &creds) {
        Ok(again) => again,
        Err(e) => {
            return fail(
                "AuthFailure.SignatureFailure",
                &format!("The provided credentials could not be validated: {}", e.message()),
            )
        }
    };
    if !again.date_matches || !again.matches {
        return fail(
            "AuthFailure.SignatureFailure",
            "The provided credentials could not be validated. Please check your signature is correct.",
        );
    }
    if let Some(expected) = &key.token {
        let ok = req
            .header("x-tc-token")
            .is_some_and(|t| ct_eq(t.trim().as_bytes(), expected.as_bytes()));
        if !ok {
            return fail("AuthFailure.TokenFailure", "The token is missing or invalid.");
        }
    }
    Ok(())
}
