// The probe measurement itself, shared by Node (bench/probe.mjs) and the
// Chromium page (bench/browser/probe.js) so both run exactly the same code.
// `libs` holds the loaded functions: { ours: {probeImage, probeBlob},
// imageSize, imageDimensionsFromData, imageDimensionsFromStream }.

export const LIBS = ["ocr-edge", "image-size", "image-dimensions"];

/** Raw pixel size and EXIF orientation (1 when a library reports none). */
function norm(r) {
  if (!r || !r.width) return { error: "no answer" };
  return { width: r.width, height: r.height, orientation: r.orientation ?? 1 };
}

export function answer(lib, libs, bytes) {
  try {
    if (lib === "ocr-edge") return norm(libs.ours.probeImage(bytes));
    if (lib === "image-size") return norm(libs.imageSize(bytes));
    return norm(libs.imageDimensionsFromData(bytes));
  } catch (e) {
    return { error: String(e?.message ?? e).slice(0, 80) };
  }
}

/** What each library does with a File/Blob: ours reads the header slice, image-size needs the whole buffer. */
export function blobProbe(lib, libs) {
  if (lib === "ocr-edge") return (blob) => libs.ours.probeBlob(blob);
  if (lib === "image-size") return async (blob) => libs.imageSize(new Uint8Array(await blob.arrayBuffer()));
  return (blob) => libs.imageDimensionsFromStream(blob.stream());
}

export const agrees = (a, ref) => !a.error && a.width === ref.width && a.height === ref.height && a.orientation === ref.orientation;

/** Picks a batch size so one timed batch lasts about `ms`, above the clock's resolution. */
function batchFor(once, ms) {
  return Math.max(1, Math.min(5000, Math.ceil(ms / Math.max(once, 1e-4))));
}

/**
 * files: [{ name, size, bytes, blob, ref, roles }]. Returns the answers,
 * agreement per library, and ms per probe per file (bytes and blob paths).
 */
export async function measure({ libs, files, timeSync, time, reps, batchMs, withBlob }) {
  const agreement = {};
  const timing = {};
  const blobTiming = {};
  for (const lib of LIBS) {
    agreement[lib] = { agree: 0, total: 0, disagreements: [] };
    timing[lib] = {};
    blobTiming[lib] = {};
    for (const f of files) {
      const a = answer(lib, libs, f.bytes);
      if (f.ref) {
        agreement[lib].total++;
        if (agrees(a, f.ref)) agreement[lib].agree++;
        else agreement[lib].disagreements.push({ file: f.name, got: a, want: f.ref });
      }
      if (a.error) continue; // time only what a library can read
      const fn = () => answer(lib, libs, f.bytes);
      const t0 = performance.now();
      fn();
      const inner = batchFor(performance.now() - t0, batchMs);
      timing[lib][f.name] = timeSync(fn, { warmup: Math.min(inner, 20), reps, inner }).median;
      if (withBlob && f.roles.some((r) => r !== "small")) {
        const probe = blobProbe(lib, libs);
        const b0 = performance.now();
        await probe(f.blob);
        const binner = batchFor(performance.now() - b0, batchMs);
        blobTiming[lib][f.name] = (await time(() => probe(f.blob), { warmup: 2, reps, inner: binner })).median;
      }
    }
  }
  return { agreement, timing, blobTiming };
}
