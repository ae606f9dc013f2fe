import type { FitOptions, FitResult, Target } from "../node/ocr_edge.cjs";
export type { FitOptions, FitProgress, FitResult, FitStep } from "../node/ocr_edge.cjs";

/** `ocr-edge/fit` for `require`: see fit/index.d.ts. */
export function fitImage(
  input: Blob | Uint8Array | ArrayBuffer,
  target: Target,
  options?: FitOptions,
): Promise<FitResult>;
