// Writes the package's declarations, one per export condition, so each
// resolution sees what its runtime entry really exports:
// - index.d.ts (node import, workerd): the full build, signing clients included;
// - node/ocr_edge.d.cts (node require): the same, as CommonJS (no TS1479);
// - web/index.d.ts (browser, default): the browser build without wasm-bindgen's
//   init functions, which the entry runs itself, and with its own `init()` and
//   the capture queue (web/queue.d.ts);
// - web/ocr_edge.d.ts (`ocr-edge/web`): the raw glue, init included, without
//   fitImage (the entry's, from its fitting chunk).
// `[Symbol.dispose]` members need `Symbol.dispose`, which a project with
// `lib: ["es2022", "dom"]` lacks: each file declares it, the same way lib
// esnext.disposable does, so both compile and `using` keeps working.
const fs = require("node:fs");
const path = require("node:path");
const dir = process.argv[2];
const read = (f) => fs.readFileSync(path.join(dir, f), "utf8");
const write = (f, s) => fs.writeFileSync(path.join(dir, f), s);
const symbolDispose =
  "declare global {\n  interface SymbolConstructor {\n    readonly dispose: unique symbol;\n  }\n}\n";
const withDispose = (s) => (s.includes("[Symbol.dispose]") ? s.replace(/^(\/\* tslint:disable \*\/\n\/\* eslint-disable \*\/\n)?/, (m) => m + symbolDispose) : s);

const full = withDispose(read("node/ocr_edge.d.ts"));
write("index.d.ts", full);
write("node/ocr_edge.d.cts", full);

const web = withDispose(read("web/ocr_edge.d.ts"));
write("web/ocr_edge.d.ts", web);
const cut = web.indexOf("export type InitInput");
if (cut < 0) throw new Error("web/ocr_edge.d.ts: the init section was not found");
// The entry loads the wasm itself and exports init() to wait for it, and
// CaptureQueue (web/queue.js, typed in web/queue.d.ts).
const init = "\n/** Resolves once the wasm is loaded; sync calls (`probeImage`, `checkImage`, the body builders) need it first. Async calls wait on their own. */\nexport function init(): Promise<void>;\n";
const queue = '\nexport { CaptureQueue, CaptureQueueEvent } from "./queue.js";\nexport type { CaptureAddOptions, CaptureItem, CaptureOperation, CaptureOperations, CaptureQueueEventMap, CaptureQueueOptions, CaptureState } from "./queue.js";\n';
// fitImage comes from the fitting chunk (web/fitting.js), which the entry
// loads on the first call; its types are in every build.
const fitting = read("web/fitting.d.ts").match(/\/\*\*(?:(?!\*\/)[\s\S])*\*\/\nexport function fitImage\([^;]*;\n/);
if (!fitting) throw new Error("web/fitting.d.ts: fitImage was not found");
if (web.includes("export function fitImage(")) throw new Error("web/ocr_edge.d.ts: the core should not hold fitImage");
write("web/index.d.ts", web.slice(0, cut).trimEnd() + "\n\n" + fitting[0] + init + queue);
for (const f of ["index.d.ts", "node/ocr_edge.d.cts", "web/index.d.ts"]) {
  const text = read(f);
  if (/^export default/m.test(text)) throw new Error(`${f}: declares a default export the entry lacks`);
  if (text.includes("[Symbol.dispose]") && !text.includes("readonly dispose: unique symbol")) throw new Error(`${f}: Symbol.dispose undeclared`);
}
