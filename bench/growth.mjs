// 7. Growth: how probe, body building and fitting scale from 100 KB to 10 MB,
// and the worker from 1 to 50 requests in flight. Reads the series the other
// modules recorded in this run; each figure is the exponent k of a log-log
// fit, time ∝ size^k (0 constant, 1 linear).
import { describeGrowth, growthExponent, row } from "./lib.mjs";

function fit(series, x, y) {
  const pts = series.filter((p) => p[x] > 0 && y(p) > 0);
  if (pts.length < 2) return null;
  return growthExponent(pts.map((p) => p[x]), pts.map(y));
}

function growthRow(id, figure, series, x, ours, peer, peerName, goal, goalFn) {
  const o = fit(series, x, ours);
  const p = peer ? fit(series, x, peer) : null;
  if (!o) return null;
  const note = `ours ${describeGrowth(o.slope)} (R² ${o.r2.toFixed(2)})` + (p ? `, peer ${describeGrowth(p.slope)} (R² ${p.r2.toFixed(2)})` : "");
  return row({ id, figure, ours: o.slope, peer: p?.slope ?? null, peerName, unit: "exp", noRatio: true, goal, met: goalFn ? goalFn(o.slope) : null, note });
}

export async function run(ctx) {
  const r = ctx.results;
  const rows = [];
  const push = (x) => x && rows.push(x);
  const probe = r.probe?.detail.series;
  if (probe) {
    push(growthRow("growth.probe.node", "growth probe node, time vs size", probe.node, "bytes", (p) => p.ours, (p) => p.imageSize, "image-size", "constant", (k) => k < 0.2));
    push(growthRow("growth.probe.chromium", "growth probe chromium, time vs size", probe.chromium, "bytes", (p) => p.ours, (p) => p.imageSize, "image-size", "constant", (k) => k < 0.2));
  }
  const body = r.body?.detail.series;
  if (body) {
    push(growthRow("growth.body.node", "growth body node, time vs size", body.node, "bytes", (p) => p.ours, (p) => p.base64, "Buffer base64", "linear", (k) => k < 1.2));
    push(growthRow("growth.body.chromium", "growth body chromium, time vs size", body.chromium, "bytes", (p) => p.ours, null, null, "linear", (k) => k < 1.2));
  }
  const fitS = r.fit?.detail.series;
  if (fitS) push(growthRow("growth.fit", "growth fit chromium, time vs size", fitS, "bytes", (p) => p.ours.ms, (p) => p["browser-image-compression"].ms, "browser-image-compression", "≤ linear", (k) => k < 1.2));
  const conc = r.worker?.detail.concurrency;
  if (conc?.length >= 2) {
    const pts = conc.map((c) => ({ c: c.concurrency, ours: c.ours.median, peer: c.peer.median, oursRps: c.ours.rps, peerRps: c.peer.rps }));
    push(growthRow("growth.worker.latency", "growth worker latency vs in-flight", pts, "c", (p) => p.ours, (p) => p.peer, "JS proxy", "≤ linear", (k) => k < 1.2));
    push(growthRow("growth.worker.rps", "growth worker req/s vs in-flight", pts, "c", (p) => p.oursRps, (p) => p.peerRps, "JS proxy"));
  }
  return { rows, detail: {} };
}
