// Fitting in Chromium: ocr-edge's fitImage (OffscreenCanvas build, and the
// pure-Rust `ocr-edge/fit`) against browser-image-compression on the same
// photos: time, whether the output is within budget, and PSNR against the
// upright original.
import { load, median } from "./util.js";

const LIMITS = {
  // Documented limits: base64 bytes (decimal MB) and the longest side.
  "huawei.quotaInvoice": { base64: 10e6, maxSide: 4096, minSide: 15 },
  "tencent.bizLicense": { base64: 7e6, maxSide: 10000, minSide: 20 },
};
const b64len = (n) => 4 * Math.ceil(n / 3);

let api, pure, peers;

async function bitmap(blob) {
  // from-image: apply EXIF orientation, as a viewer would (the upright image).
  return createImageBitmap(blob, { imageOrientation: "from-image" });
}

function pixels(bmp, w, h) {
  const c = new OffscreenCanvas(w, h);
  const g = c.getContext("2d");
  g.imageSmoothingQuality = "high";
  g.drawImage(bmp, 0, 0, w, h);
  return g.getImageData(0, 0, w, h).data;
}

/** PSNR (dB) of `out` against the upright original scaled to out's size; null when not upright. */
async function quality(original, outBlob) {
  const a = await bitmap(original);
  const b = await bitmap(outBlob);
  const upright = Math.abs(a.width / a.height - b.width / b.height) < 0.02;
  const dims = { width: b.width, height: b.height };
  if (!upright) return { upright, psnr: null, ...dims };
  const pa = pixels(a, b.width, b.height);
  const pb = pixels(b, b.width, b.height);
  let se = 0;
  for (let i = 0; i < pa.length; i += 4) {
    const dr = pa[i] - pb[i], dg = pa[i + 1] - pb[i + 1], db = pa[i + 2] - pb[i + 2];
    se += dr * dr + dg * dg + db * db;
  }
  const mse = se / ((pa.length / 4) * 3);
  a.close();
  b.close();
  return { upright, psnr: mse === 0 ? 99 : 10 * Math.log10((255 * 255) / mse), ...dims };
}

const FITTERS = {
  ours: (blob, target, budget) => api.fitImage(blob, target, budget ? { maxBase64Bytes: budget } : undefined).then((r) => r.blob),
  "ours-pure": (blob, target, budget) => pure.fitImage(blob, target, budget ? { maxBase64Bytes: budget } : undefined).then((r) => r.blob),
  // The same budget in the library's terms: file bytes, in its MiB unit.
  "browser-image-compression": (blob, target, budget) =>
    peers.imageCompression(new File([blob], "photo.jpg", { type: blob.type || "image/jpeg" }), {
      maxSizeMB: Math.floor(((budget ?? LIMITS[target].base64) * 3) / 4) / (1024 * 1024),
      maxWidthOrHeight: LIMITS[target].maxSide,
      useWebWorker: false,
    }),
};

export async function prepare({ peersUrl, withPure }) {
  api = await import("/pkg/web/index.js");
  await api.init();
  peers = await import(peersUrl);
  if (withPure) {
    try {
      pure = await import("/pkg/fit/index.js");
    } catch (e) {
      return { pure: false, error: String(e) };
    }
  }
  return { pure: Boolean(pure) };
}

/** One photo, one target, one fitter: `reps` timed runs, the last one judged. */
export async function fitOne({ url, target, fitter, reps, budget }) {
  const { blob } = await load(url);
  const times = [];
  let out;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    out = await FITTERS[fitter](blob, target, budget);
    times.push(performance.now() - t0);
  }
  const lim = LIMITS[target];
  const q = await quality(blob, out);
  const limit = budget ?? lim.base64;
  const within =
    q.upright && b64len(out.size) <= limit && Math.max(q.width, q.height) <= lim.maxSide && Math.min(q.width, q.height) >= lim.minSide;
  return { ms: median(times), times, outBytes: out.size, base64: b64len(out.size), limit, within, ...q };
}
