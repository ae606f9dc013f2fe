// 6. Fitting: fitImage against browser-image-compression in Chromium on the
// same photos: share of outputs within budget, time, and PSNR against the
// upright original. Also the size series for 7 (growth).
import { median, row } from "./lib.mjs";
import { PEERS_URL } from "./browser-peers.mjs";

const TARGETS = ["huawei.quotaInvoice", "tencent.bizLicense"];
const share = (rs) => (100 * rs.filter((r) => r.within).length) / rs.length;
const med = (rs, k) => median(rs.map((r) => r[k] ?? 0));

export async function run(ctx) {
  const { corpus, browser, quick } = ctx;
  const { page } = browser;
  const call = (fn, arg) => page.evaluate(([fn, arg]) => import("/bench/browser/fit.js").then((m) => m[fn](arg)), [fn, arg]);
  const prep = await call("prepare", { peersUrl: PEERS_URL, withPure: true });
  const photos = corpus.photos.filter((p) => p.roles.includes("photo"));
  const reps = quick ? 1 : 3;
  const fitters = ["ours", "browser-image-compression", ...(prep.pure ? ["ours-pure"] : [])];
  const runs = [];
  for (const target of quick ? TARGETS.slice(0, 1) : TARGETS) {
    for (const p of photos) {
      for (const fitter of fitters) {
        // The pure-Rust fitter is slow on 12 MP photos: one timed run is enough to place it.
        const r = await call("fitOne", { url: p.url, target, fitter, reps: fitter === "ours-pure" ? 1 : reps });
        runs.push({ photo: p.name, bytes: p.size, target, fitter, ...r });
      }
    }
  }
  const rows = [];
  for (const target of [...new Set(runs.map((r) => r.target))]) {
    const by = (f) => runs.filter((r) => r.target === target && r.fitter === f);
    const o = by("ours"), b = by("browser-image-compression"), pu = by("ours-pure");
    const t = target.split(".")[0];
    rows.push(
      row({ id: `fit.${t}.within`, figure: `fit ${target}: within budget (${o.length} photos)`, ours: share(o), peer: share(b), peerName: "browser-image-compression", unit: "%", better: "higher", goal: "100 %", met: share(o) === 100 }),
      row({ id: `fit.${t}.time`, figure: `fit ${target}: time (median)`, ours: med(o, "ms"), peer: med(b, "ms"), peerName: "browser-image-compression", unit: "ms", goal: "≤ peer", met: med(o, "ms") <= med(b, "ms") }),
      row({ id: `fit.${t}.psnr`, figure: `fit ${target}: PSNR vs upright original`, ours: med(o, "psnr"), peer: med(b, "psnr"), peerName: "browser-image-compression", unit: "dB", better: "higher", goal: "≥ peer", met: med(o, "psnr") >= med(b, "psnr") }),
    );
    if (pu.length) {
      rows.push(
        row({ id: `fit.${t}.pure.within`, figure: `fit (pure) ${target}: within budget`, ours: share(pu), peer: share(b), peerName: "browser-image-compression", unit: "%", better: "higher" }),
        row({ id: `fit.${t}.pure.time`, figure: `fit (pure) ${target}: time (median)`, ours: med(pu, "ms"), peer: med(b, "ms"), peerName: "browser-image-compression", unit: "ms" }),
        row({ id: `fit.${t}.pure.psnr`, figure: `fit (pure) ${target}: PSNR`, ours: med(pu, "psnr"), peer: med(b, "psnr"), peerName: "browser-image-compression", unit: "dB", better: "higher" }),
      );
    }
  }
  // 7. Growth: every size must really be fitted, so the budget is half its base64.
  const growth = corpus.photos.filter((p) => p.roles.includes("growth"));
  const series = [];
  for (const p of growth) {
    const budget = Math.floor((4 * Math.ceil(p.size / 3)) / 2);
    const entry = { file: p.name, bytes: p.size, budget };
    for (const fitter of ["ours", "browser-image-compression"]) {
      const r = await call("fitOne", { url: p.url, target: "huawei.quotaInvoice", fitter, reps: quick ? 1 : 2, budget });
      entry[fitter] = { ms: r.ms, within: r.within, psnr: r.psnr };
    }
    series.push(entry);
  }
  return { rows, detail: { runs, series, pureFitter: prep } };
}
