//! The crate's [`Error`] as a real JS `Error` with fields to branch on, and
//! the `OcrEdgeError` class and guard the package exports (`errors.js`).

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;

use crate::error::Error;
use crate::js::convert::set;

/// The brand `OcrEdgeError`'s `instanceof` and `isOcrEdgeError` look for: a
/// registered symbol, so every copy of the package (ESM, CJS, fit) agrees.
pub const BRAND: &str = "ocr-edge.error";

/// Builds a JS `Error` named `OcrEdgeError` carrying `kind`, `code`,
/// `status`, `requestId`, `retryable`, `attempts` and, for images,
/// `violations`.
pub fn to_js(err: &Error) -> JsValue {
    let e = js_sys::Error::new(err.message());
    e.set_name("OcrEdgeError");
    let o: &Object = e.as_ref();
    let _ = Reflect::set(o, &js_sys::Symbol::for_(BRAND).into(), &JsValue::TRUE);
    set(o, "kind", &err.kind().as_str().into());
    set(o, "code", &err.code().into());
    set(o, "status", &err.status().map_or(JsValue::NULL, JsValue::from));
    set(o, "requestId", &err.request_id().map_or(JsValue::NULL, JsValue::from));
    set(o, "retryable", &err.retryable().into());
    set(o, "attempts", &err.attempts().into());
    let list = Array::new();
    for v in err.violations() {
        list.push(&crate::js::image::violation_to_js(v));
    }
    set(o, "violations", &list);
    e.into()
}

impl From<Error> for JsValue {
    fn from(err: Error) -> JsValue {
        to_js(&err)
    }
}

// The union lists `error::CODES` (tests/error_codes.rs keeps them equal).
#[wasm_bindgen(typescript_custom_section)]
const TS_ERRORS: &str = r#"
/** The broad kind of an `OcrEdgeError`. */
export type ErrorKind =
  | "invalid_image" | "invalid_argument" | "auth" | "throttled" | "service"
  | "unavailable" | "network" | "timeout" | "protocol" | "aborted";

/** Every code of our own (see the README's error table); providers' codes come on top. */
export type ErrorCode =
  | "aborted"
  | "account.daily_cap"
  | "admin.unauthorized"
  | "argument.conflict"
  | "argument.invalid"
  | "argument.missing"
  | "argument.type"
  | "argument.unknown"
  | "argument.url"
  | "blob.read"
  | "body.budget"
  | "body.length"
  | "body.read"
  | "body.timeout"
  | "body.too_large"
  | "client.busy"
  | "client.freed"
  | "config.invalid"
  | "config.missing"
  | "content_type.unsupported"
  | "cors.preflight"
  | "credentials.invalid"
  | "csms.pager_stuck"
  | "endpoint.invalid"
  | "fit.aborted"
  | "fit.browser"
  | "fit.heif_in_worker"
  | "fit.heif_unavailable"
  | "fit.unsupported"
  | "fit.worker_memory"
  | "http.<status>"
  | "idempotency.in_progress"
  | "idempotency.key"
  | "image.base64"
  | "image.cannot_fit"
  | "image.corrupt"
  | "image.decode"
  | "image.empty"
  | "image.format"
  | "image.over_budget"
  | "image.rejected"
  | "image.too_large"
  | "image.too_small"
  | "image.truncated"
  | "image.unknown_format"
  | "internal"
  | "ledger.unavailable"
  | "method.not_allowed"
  | "multipart.invalid"
  | "network.cors"
  | "network.failed"
  | "origin.forbidden"
  | "origins.invalid"
  | "queue.full"
  | "queue.no_space"
  | "queue.storage"
  | "rate.limited"
  | "region.unknown"
  | "regnum.charset"
  | "regnum.check_character"
  | "regnum.length"
  | "regnum.org_code_check"
  | "response.not_json"
  | "response.redirect"
  | "response.shape"
  | "response.too_large"
  | "result.encode"
  | "route.not_found"
  | "runtime.unsupported"
  | "sign.authorization_invalid"
  | "sign.failed"
  | "sign.header_conflict"
  | "sign.header_invalid"
  | "sign.header_missing"
  | "sign.request_invalid"
  | "sign.service_invalid"
  | "target.formats"
  | "target.unknown"
  | "time.invalid"
  | "time.out_of_range"
  | "timeout"
  | "token.algorithm"
  | "token.audience"
  | "token.expired"
  | "token.forged"
  | "token.key"
  | "token.lifetime"
  | "token.malformed"
  | "token.missing"
  | "token.nonce"
  | "token.not_yet_valid"
  | "token.origin"
  | "token.revoked"
  | "token.scope"
  | "token.secret"
  | "token.spent"
  | "token.ttl"
  | "upload.concurrent"
  | "upstream.forbidden"
  | "url.mode_off"
  | "url.not_allowed"
  | "wasm.not_found"
  | "wasm.not_ready";

/** The fields of an `OcrEdgeError` besides its message. */
export interface OcrEdgeErrorFields {
  kind: ErrorKind;
  /** Ours (`image.truncated`) or the provider's (`AIS.0103`). */
  code: ErrorCode | (string & {});
  status?: number | null;
  requestId?: string | null;
  retryable?: boolean;
  attempts?: number;
  violations?: Violation[];
}

/**
 * Every error the library throws or rejects with. `instanceof OcrEdgeError`
 * holds for them whichever copy of the package made them.
 */
export declare class OcrEdgeError extends Error {
  constructor(message: string, fields: OcrEdgeErrorFields);
  name: "OcrEdgeError";
  kind: ErrorKind;
  /** Ours (`image.truncated`) or the provider's (`AIS.0103`). */
  code: ErrorCode | (string & {});
  /** The HTTP status, when there was an answer. */
  status: number | null;
  /** The provider's request id, when it gave one. */
  requestId: string | null;
  /** Whether sending the same request again is safe and may succeed. */
  retryable: boolean;
  /** Requests sent before this error (0 when it was refused locally). */
  attempts: number;
  violations: Violation[];
  /** `ProxyClient`: the wait in ms the worker asked for (`Retry-After`), when it gave one. */
  retryAfterMs?: number;
  static [Symbol.hasInstance](value: unknown): boolean;
}

/** True for every error the library throws or rejects with. */
export function isOcrEdgeError(value: unknown): value is OcrEdgeError;
"#;
