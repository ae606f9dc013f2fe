//! TypeScript declarations for the plain objects the exports take and give.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = r#"
/** An image container format the probe recognises. */
export type ImageFormat = "jpeg" | "png" | "bmp" | "tiff" | "gif" | "webp" | "heif" | "avif";

/** What the probe read from an image's header. */
export interface ImageInfo {
  format: ImageFormat;
  /** Stored width in pixels. */
  width: number;
  /** Stored height in pixels. */
  height: number;
  /** EXIF orientation 1–8 (1 when absent). */
  orientation: number;
  /** Width as displayed, after orientation. */
  displayWidth: number;
  /** Height as displayed, after orientation. */
  displayHeight: number;
  /** The whole file's length in bytes. */
  byteLength: number;
}

/** A limit of the target that the image breaks. */
export interface Violation {
  code: "image.format" | "image.too_small" | "image.too_large" | "image.over_budget";
  message: string;
  /** The limit: a number of pixels or bytes, or the accepted format names. */
  limit: number | string;
  /** What the image has, in the same form as `limit`. */
  actual: number | string;
}

/** How `checkImage` reads the documented budgets. */
export interface CheckOptions {
  /** The base64 budget in bytes, replacing the documented one. */
  maxBase64Bytes?: number;
  /** "MB" in the documents as 10^6 bytes (the default, stricter) or 2^20. */
  megabytes?: "decimal" | "binary";
}

/** The result of `checkImage`: every violation, not only the first. */
export interface CheckResult {
  ok: boolean;
  info: ImageInfo;
  violations: Violation[];
  /** Limits of our own the image passes beyond: advice, never a refusal. */
  warnings: Violation[];
}

/**
 * Checks an image (its bytes, or a probe result) against a target's
 * documented limits, reporting every violation at once.
 */
export function checkImage(input: Uint8Array | ArrayBuffer | ImageInfo, target: Target, options?: CheckOptions): CheckResult;

/**
 * Builds the body of a Tencent business-licence verification: the given fields in
 * order (e.g. `{ RegNum, Name }`), then `ImageBase64` from the bytes.
 */
export function buildBizLicenseBody(bytes: Uint8Array | ArrayBuffer, fields?: Record<string, JsonValue>): Uint8Array;

/** Any JSON value. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
"#;
