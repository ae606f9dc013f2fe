// 1. Probe: probeImage/probeBlob against image-size and image-dimensions, in
// Node and in Chromium: time per probe by file size, and agreement with Pillow.
import { imageSize } from "image-size";
import { imageDimensionsFromData, imageDimensionsFromStream } from "image-dimensions";
import { importOurs, median, row, time, timeSync } from "./lib.mjs";
import { measure } from "./probe-core.js";
import { PEERS_URL } from "./browser-peers.mjs";

const pct = (a) => (100 * a.agree) / a.total;

/** Median over the files both libraries could read, so the sets match. */
function medianOver(timing, a, b, files) {
  const names = files.map((f) => f.name).filter((n) => timing[a][n] != null && timing[b][n] != null);
  return { ours: median(names.map((n) => timing[a][n])), peer: median(names.map((n) => timing[b][n])), n: names.length };
}

function rowsFor(where, res, corpus) {
  const { agreement: ag, timing, blobTiming } = res;
  const photos = corpus.photos.filter((p) => p.roles.includes("photo"));
  const rows = [];
  rows.push(
    row({ id: `probe.agree.${where}`, figure: `probe ${where}: agree with Pillow (${ag["ocr-edge"].total} files)`, ours: pct(ag["ocr-edge"]), peer: pct(ag["image-size"]), peerName: "image-size", unit: "%", better: "higher", goal: "100 %", met: ag["ocr-edge"].agree === ag["ocr-edge"].total }),
    row({ id: `probe.agree.${where}.dims`, figure: `probe ${where}: agree with Pillow`, ours: pct(ag["ocr-edge"]), peer: pct(ag["image-dimensions"]), peerName: "image-dimensions", unit: "%", better: "higher" }),
  );
  const small = medianOver(timing, "ocr-edge", "image-size", corpus.small);
  rows.push(row({ id: `probe.small.${where}`, figure: `probe ${where}: tiny file (median of ${small.n})`, ours: small.ours, peer: small.peer, peerName: "image-size", unit: "ms", goal: "≤ image-size", met: small.ours <= small.peer }));
  const smallD = medianOver(timing, "ocr-edge", "image-dimensions", corpus.small);
  rows.push(row({ id: `probe.small.${where}.dims`, figure: `probe ${where}: tiny file (median of ${smallD.n})`, ours: smallD.ours, peer: smallD.peer, peerName: "image-dimensions", unit: "ms" }));
  if (photos.length) {
    const cam = medianOver(timing, "ocr-edge", "image-size", photos);
    rows.push(row({ id: `probe.photo.${where}`, figure: `probe ${where}: 5–12 MB photo (median of ${cam.n})`, ours: cam.ours, peer: cam.peer, peerName: "image-size", unit: "ms", goal: "≤ 20 µs", met: cam.ours <= 0.02 }));
    const camD = medianOver(timing, "ocr-edge", "image-dimensions", photos);
    rows.push(row({ id: `probe.photo.${where}.dims`, figure: `probe ${where}: 5–12 MB photo`, ours: camD.ours, peer: camD.peer, peerName: "image-dimensions", unit: "ms" }));
    if (Object.keys(blobTiming["ocr-edge"]).length) {
      const blob = medianOver(blobTiming, "ocr-edge", "image-size", photos);
      rows.push(row({ id: `probe.blob.${where}`, figure: `probeBlob ${where}: 5–12 MB photo`, ours: blob.ours, peer: blob.peer, peerName: "image-size+arrayBuffer()", unit: "ms" }));
      const blobD = medianOver(blobTiming, "ocr-edge", "image-dimensions", photos);
      rows.push(row({ id: `probe.blob.${where}.dims`, figure: `probeBlob ${where}: 5–12 MB photo`, ours: blobD.ours, peer: blobD.peer, peerName: "image-dimensions stream", unit: "ms" }));
    }
  }
  return rows;
}

export async function run(ctx) {
  const { corpus, browser, quick } = ctx;
  const reps = quick ? 3 : 7;
  const batchMs = quick ? 1 : 4;
  const ours = await importOurs();
  const files = corpus.all.map((f) => ({ ...f, blob: new Blob([f.bytes]) }));
  const libs = { ours, imageSize, imageDimensionsFromData, imageDimensionsFromStream };
  const node = await measure({ libs, files, timeSync, time, reps, batchMs, withBlob: true });
  const bfiles = corpus.all.map(({ name, url, size, ref, roles }) => ({ name, url, size, ref, roles }));
  const chromium = await browser.page.evaluate(
    async (args) => (await import("/bench/browser/probe.js")).run(args),
    { files: bfiles, reps, batchMs, peersUrl: PEERS_URL },
  );
  const rows = [...rowsFor("node", node, corpus), ...rowsFor("chromium", chromium, corpus)];
  // The size series for the growth figures: every generated photo, by bytes.
  const series = (res) =>
    corpus.photos.map((p) => ({ file: p.name, bytes: p.size, ours: res.timing["ocr-edge"][p.name], imageSize: res.timing["image-size"][p.name], imageDimensions: res.timing["image-dimensions"][p.name] }));
  return { rows, detail: { node, chromium, series: { node: series(node), chromium: series(chromium) } } };
}
