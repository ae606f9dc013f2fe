// Child process for one memory sample: `node --expose-gc body-mem.mjs
// METHOD FILE` prints {extra, body}. A fresh process per sample keeps one
// method's leftovers out of another's figure.
import fs from "node:fs";
import { NODE_METHODS } from "./body-methods.js";

const [method, file] = process.argv.slice(2);
const ours = await import(new URL("../pkg/node/index.mjs", import.meta.url).href);
const fn = NODE_METHODS[method];
for (let i = 0; i < 3; i++) fn(ours, new Uint8Array(1 << 16)); // compile the path first, on a small input
const bytes = new Uint8Array(fs.readFileSync(file));
const status = (key) => Number(/(\d+) kB/.exec(fs.readFileSync("/proc/self/status", "utf8").split("\n").find((l) => l.startsWith(key)))[1]) * 1024;
globalThis.gc();
const mem = () => {
  const m = process.memoryUsage();
  return m.heapUsed + m.external; // external includes ArrayBuffers (and wasm memory)
};
const v0 = mem();
// Linux: writing 5 to clear_refs resets the peak-RSS mark (VmHWM) to the current RSS.
fs.writeFileSync("/proc/self/clear_refs", "5");
const rss0 = status("VmRSS:");
const body = fn(ours, bytes);
const peak = status("VmHWM:");
const v1 = mem();
// Two views of the call's memory: how far RSS rose above where it stood
// before the call (can read low when freed pages are reused), and what V8
// counts as allocated since (result plus garbage not yet collected).
const rssPeak = Math.max(0, peak - rss0);
const allocated = Math.max(0, v1 - v0);
process.stdout.write(JSON.stringify({ extra: Math.max(rssPeak, allocated), rssPeak, allocated, body: body.length }));
