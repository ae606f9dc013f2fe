#!/usr/bin/env node
// Prints a results file (default: the newest in bench/results/) as the
// Markdown table bench/README.md carries: `node bench/report.mjs [FILE]`.
import fs from "node:fs";
import path from "node:path";
import { fmt } from "./lib.mjs";

const dir = path.join(import.meta.dirname, "results");
const file = process.argv[2] ?? path.join(dir, fs.readdirSync(dir).filter((f) => f.endsWith(".json") && !f.includes("quick")).sort().at(-1));
const r = JSON.parse(fs.readFileSync(file, "utf8"));
const cell = (s) => String(s).replaceAll("|", "\\|");
console.log("| figure | ours | peer | ratio | goal | met |");
console.log("| --- | --- | --- | --- | --- | --- |");
for (const x of r.rows) {
  const peer = x.peer == null ? "-" : `${fmt(x.peer, x.unit)}${x.peerName ? ` (${x.peerName})` : ""}`;
  const ratio = x.ratio == null ? "-" : x.ratio.toFixed(x.ratio < 0.1 ? 4 : 2);
  console.log(`| ${cell(x.figure)} | ${cell(fmt(x.ours, x.unit))} | ${cell(peer)} | ${ratio} | ${cell(x.goal ?? "")} | ${x.met == null ? "" : x.met ? "yes" : "**no**"} |`);
}
