// The tarball as `npm pack` makes it from pkg/: licences, changelog and
// metadata included, each wasm once, and the sizes the npm README states
// within 10 % of what ships.
import { test } from "node:test";
import assert from "node:assert/strict";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { execFileSync } from "node:child_process";

const pkg = path.resolve(import.meta.dirname, "../../pkg");
const [packed] = JSON.parse(execFileSync("npm", ["pack", "--dry-run", "--json", "--loglevel=error"], { cwd: pkg, encoding: "utf8" }));
const files = packed.files.map((f) => f.path);
const read = (rel) => fs.readFileSync(path.join(pkg, rel));

test("the licences, the changelog and the README are in the tarball, not empty", () => {
  for (const f of ["LICENSE-MIT", "LICENSE-APACHE", "CHANGELOG.md", "README.md"]) {
    assert.ok(files.includes(f), `${f} missing from ${files}`);
    assert.ok(read(f).length > 500, `${f} is nearly empty`);
  }
  assert.match(String(read("LICENSE-MIT")), /MIT License|Permission is hereby granted/);
  assert.match(String(read("LICENSE-APACHE")), /Apache License/);
});

test("package.json names the licence, repository, homepage and bugs", () => {
  const meta = JSON.parse(read("package.json"));
  assert.equal(meta.license, "MIT OR Apache-2.0");
  assert.equal(meta.repository?.type, "git");
  for (const url of [meta.repository?.url, meta.homepage, meta.bugs?.url]) {
    assert.equal(typeof url, "string", JSON.stringify({ repository: meta.repository, homepage: meta.homepage, bugs: meta.bugs }));
    assert.doesNotThrow(() => new URL(url.replace(/^git\+/, "")), url);
  }
});

test("each wasm ships once", () => {
  const wasm = files.filter((f) => f.endsWith(".wasm"));
  const byHash = new Map();
  for (const f of wasm) {
    const hash = crypto.createHash("sha256").update(read(f)).digest("hex");
    byHash.set(hash, [...(byHash.get(hash) ?? []), f]);
  }
  const twice = [...byHash.values()].filter((names) => names.length > 1);
  assert.deepEqual(twice, [], "the same wasm under two names");
  // The full build, the page's core and fitting chunk, and the fitter: four, no more.
  assert.deepEqual(wasm.sort(), ["edge/ocr_edge_bg.wasm", "fit/ocr_edge_fit_bg.wasm", "web/fitting_bg.wasm", "web/ocr_edge_bg.wasm"]);
});

// "about N KB" / "N MB" in the npm README against the files (KB = 1024 B).
const readme = String(read("README.md")).replace(/\s+/g, " ");
const claim = (re) => {
  const m = readme.match(re);
  assert.ok(m, `the README no longer states ${re}`);
  return Number(m[1]);
};
const near = (what, actual, stated) =>
  assert.ok(Math.abs(actual - stated) / stated <= 0.1, `${what}: the README says ${stated}, it is ${actual.toFixed(2)}`);
const gz = (rels) => rels.reduce((n, f) => n + zlib.gzipSync(read(f), { level: 9 }).length, 0) / 1024;
const raw = (rels) => rels.reduce((n, f) => n + read(f).length, 0) / 1024;

test("the sizes the npm README states are the ones shipped", () => {
  const page = ["web/ocr_edge_bg.wasm", "web/ocr_edge.js", "web/index.js", "web/errors.js"];
  near("page download, KB gzipped", gz(page), claim(/about (\d+) KB gzipped \(the browser wasm/));
  near("page download, KB raw", raw(page), claim(/glue, (\d+) KB raw\)/));
  near("fitting chunk, KB gzipped", gz(["web/fitting_bg.wasm", "web/fitting.js"]), claim(/about (\d+) KB more on the first `fitImage`/));
  near("fitter, KB gzipped", gz(["fit/ocr_edge_fit_bg.wasm", "fit/ocr_edge_fit.js", "fit/index.js"]), claim(/ocr-edge\/fit`, about (\d+) KB gzipped/));
  near("server build, KB gzipped", gz(["edge/ocr_edge_bg.wasm", "edge/ocr_edge.js"]), claim(/signing clients \(about (\d+) KB gzipped\)/));
  near("tarball, MB", packed.size / 2 ** 20, claim(/tarball is about ([\d.]+) MB/));
  near("tarball unpacked, MB", packed.unpackedSize / 2 ** 20, claim(/\(([\d.]+) MB unpacked\)/));
});
