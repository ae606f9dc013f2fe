import type { FitOptions, FitResult, Target } from "../index.js";
export type { FitOptions, FitProgress, FitResult, FitStep } from "../index.js";

/**
 * Fits an image to a target without a canvas (Node, workers): decodes,
 * applies the EXIF orientation, resizes and encodes in WebAssembly. Same
 * arguments and result as the core's `fitImage`, which uses this module
 * wherever there is no canvas once it has been imported.
 */
export function fitImage(
  input: Blob | Uint8Array | ArrayBuffer,
  target: Target,
  options?: FitOptions,
): Promise<FitResult>;
