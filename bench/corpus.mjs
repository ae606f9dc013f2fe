// The corpus: the repo's small fixtures plus generated camera-like photos
// (bench/corpus.py, cached in bench/.cache/corpus), and Pillow's answers for
// every file as the reference decoder.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { benchDir, cacheDir, root } from "./lib.mjs";

const python = process.env.BENCH_PYTHON ?? path.join(root, ".venv/bin/python");
const fixturesDir = path.join(root, "tests/fixtures/images");
export const corpusDir = path.join(cacheDir, "corpus");

// name, size, orientation and the role each photo plays. `sigma` is a starting
// noise level near the byte target, so the generator's tuning loop is short.
const M = 1e6;
export const PHOTOS = [
  { name: "g100k-800x600-o1.jpg", width: 800, height: 600, bytes: 0.1 * M, quality: 90, sigma: 6, roles: ["growth", "worker"] },
  { name: "g300k-1280x960-o6.jpg", width: 1280, height: 960, bytes: 0.3 * M, quality: 90, sigma: 8, orientation: 6, roles: ["growth"] },
  { name: "g1m-1600x1200-o1.jpg", width: 1600, height: 1200, bytes: 1 * M, sigma: 13, roles: ["growth", "body"] },
  { name: "g3m-2592x1944-o8.jpg", width: 2592, height: 1944, bytes: 3 * M, sigma: 13, orientation: 8, roles: ["growth"] },
  { name: "g5m-3264x2448-o1.jpg", width: 3264, height: 2448, bytes: 5 * M, sigma: 14, roles: ["growth", "body", "photo"] },
  { name: "cam-4000x3000-o1.jpg", width: 4000, height: 3000, bytes: 5.5 * M, sigma: 10, roles: ["photo"] },
  { name: "cam-4000x3000-o6.jpg", width: 4000, height: 3000, bytes: 7 * M, sigma: 12, orientation: 6, roles: ["photo", "worker"] },
  { name: "cam-4000x3000-o8-7m5.jpg", width: 4000, height: 3000, bytes: 7.5 * M, sigma: 13, orientation: 8, roles: ["photo", "body"] },
  { name: "cam-4032x3024-o6.jpg", width: 4032, height: 3024, bytes: 9 * M, sigma: 16, orientation: 6, roles: ["photo"] },
  { name: "cam-4624x3468-o8.jpg", width: 4624, height: 3468, bytes: 10 * M, sigma: 13, orientation: 8, roles: ["photo", "growth"] },
  { name: "cam-4624x3468-o1.jpg", width: 4624, height: 3468, bytes: 12 * M, sigma: 16, roles: ["photo"] },
];
// Quick mode makes only what one pass through every measurement needs.
const QUICK = new Set(["g100k-800x600-o1.jpg", "g1m-1600x1200-o1.jpg", "cam-4000x3000-o6.jpg"]);

function generate(specs, log) {
  const todo = specs.filter((s) => !fs.existsSync(path.join(corpusDir, s.name)));
  if (!todo.length) return;
  log(`bench: generating ${todo.length} photo(s) with Pillow into ${path.relative(root, corpusDir)} (cached for later runs)`);
  const withSeeds = todo.map((s) => ({ ...s, seed: PHOTOS.indexOf(s) + 1 }));
  execFileSync(python, [path.join(benchDir, "corpus.py"), corpusDir, JSON.stringify(withSeeds)], { stdio: ["ignore", "inherit", "inherit"] });
}

function pillowAnswers(files) {
  const out = execFileSync(python, [path.join(benchDir, "corpus.py"), "--reference", ...files], { maxBuffer: 16 << 20 });
  const map = new Map();
  for (const line of String(out).trim().split("\n")) {
    const a = JSON.parse(line);
    map.set(a.file, a);
  }
  return map;
}

/** The project's own expected answers, used where Pillow cannot read a file. */
function golden() {
  const map = new Map();
  const text = fs.readFileSync(path.join(fixturesDir, "golden.tsv"), "utf8");
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const [file, format, width, height, orientation, , , , error] = line.split("\t");
    if (error !== "-") continue;
    map.set(file, { format, width: +width, height: +height, orientation: +orientation });
  }
  return map;
}

/**
 * Returns { small, photos } where each item is
 * { name, path, url, bytes (Uint8Array), size, roles, ref: { width, height, orientation, source } }.
 */
export function loadCorpus({ quick, log = console.log }) {
  const specs = PHOTOS.filter((s) => !quick || QUICK.has(s.name));
  fs.mkdirSync(corpusDir, { recursive: true });
  generate(specs, log);
  const gold = golden();
  const smallNames = [...gold.keys()].filter((f) => fs.existsSync(path.join(fixturesDir, f)));
  const files = [...smallNames.map((f) => path.join(fixturesDir, f)), ...specs.map((s) => path.join(corpusDir, s.name))];
  const pil = pillowAnswers(files);
  const item = (file, roles) => {
    const bytes = new Uint8Array(fs.readFileSync(file));
    const p = pil.get(file);
    const g = gold.get(path.basename(file));
    // Pillow is the reference; the repo's golden table fills in formats Pillow
    // cannot open (HEIC) and is recorded as such.
    const ref = p && !p.error ? { width: p.width, height: p.height, orientation: p.orientation, source: "pillow" } : g ? { ...g, source: "golden" } : null;
    return { name: path.basename(file), path: file, url: "/" + path.relative(root, file), bytes, size: bytes.length, roles, ref, golden: g ?? null };
  };
  const small = smallNames.map((f) => item(path.join(fixturesDir, f), ["small"]));
  const photos = specs.map((s) => item(path.join(corpusDir, s.name), s.roles));
  return { small, photos, all: [...small, ...photos] };
}
