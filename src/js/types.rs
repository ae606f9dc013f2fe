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

// In every build: the page's core declares `fitImage` from its fitting chunk.
#[wasm_bindgen(typescript_custom_section)]
const TS_FIT: &str = r#"
/** One encode `fitImage` tried. */
export interface FitStep {
  format: "jpeg" | "png";
  /** Output size in pixels, upright. */
  width: number;
  height: number;
  /** Output size over the displayed input size (at most 1). */
  scale: number;
  /** JPEG quality 0–1 (1 for PNG). */
  quality: number;
  /** Encoded size in bytes, and after base64. */
  bytes: number;
  base64: number;
  /** Whether the base64 size is within the budget. */
  fits: boolean;
}

/** Reported to `onProgress` after each encode. */
export interface FitProgress extends FitStep {
  /** 1-based number of this encode. */
  step: number;
  /** The most encodes a fit may take. */
  of: number;
  /** Same as `bytes`. */
  size: number;
}

/** Options of `fitImage`. */
export interface FitOptions {
  /** Called after each encode. */
  onProgress?: (progress: FitProgress) => void;
  /** A base64 budget in bytes below the target's own (e.g. to leave room in a request). */
  maxBase64Bytes?: number;
  /** Aborts the fit: it rejects with an `OcrEdgeError` of kind `"aborted"` and its work stops. */
  signal?: AbortSignal;
  /**
   * Loads libheif-js for HEIC/HEIF where the runtime cannot decode them
   * (e.g. `() => import("libheif-js/wasm-bundle")` in a bundled app, so the
   * bundler emits it as a chunk of its own). Without it, `libheif-js` is
   * imported from `node_modules` the first time a HEIF arrives.
   */
  loadHeif?: () => Promise<unknown>;
}

/** The image to send, upright and within the target's limits. */
export interface FitResult {
  /** The result as a Blob (the input itself when untouched). */
  blob: Blob;
  /** The result's bytes (the input's own view when untouched and given as bytes). */
  bytes: Uint8Array;
  /** The probe of the result: orientation 1, sides and size within the limits. */
  info: ImageInfo;
  /** Every encode tried; empty when untouched. */
  steps: FitStep[];
  /** JPEG quality of the result (1 for PNG or untouched). */
  quality: number;
  /** Result size over the displayed input size (1 when untouched). */
  scale: number;
  /** True when the input already fitted and is returned as it was. */
  untouched: boolean;
}
"#;
