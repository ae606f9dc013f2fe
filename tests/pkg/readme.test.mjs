// The README examples a user copies, run or checked as written: the npm
// README's Node quickstart and the root README's fitImage for Node run in
// Node; every regNum shown passes the client's own check; the files the
// root README names exist; edge/.dev.vars.example keeps off wrangler's port
// and allows Vite's origins.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { TencentClient } from "ocr-edge";

const root = path.resolve(import.meta.dirname, "../..");
const text = (rel) => fs.readFileSync(path.join(root, rel), "utf8");
const ROOT_README = text("README.md");
const NPM_README = text("pkg-template/README.md");
const FIXTURE = path.join(root, "tests/fixtures/images/jpeg-cmyk.jpg");

// The fenced ```js blocks of a markdown text, with the prose before each.
const blocks = (md) =>
  [...md.matchAll(/^```js\n([\s\S]*?)^```$/gm)].map((m) => ({ code: m[1], before: md.slice(Math.max(0, m.index - 300), m.index) }));
// The first ```js block of one `## heading` section.
const section = (md, heading) => {
  const start = md.indexOf(`\n## ${heading}\n`);
  assert.ok(start >= 0, `no section "${heading}"`);
  const end = md.indexOf("\n## ", start + 1);
  const [first] = blocks(md.slice(start, end < 0 ? undefined : end));
  assert.ok(first, `no js block under "${heading}"`);
  return first.code;
};

// Runs an ES module inside the repository (so "ocr-edge" resolves to pkg/).
const run = (name, source) => {
  const dir = fs.mkdtempSync(path.join(root, "tests/pkg/.readme-"));
  try {
    fs.writeFileSync(path.join(dir, name), source);
    return execFileSync(process.execPath, [name], { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...ENV } });
  } catch (e) {
    throw new Error(`${name} failed:\n${e.stderr || e.message}\n--- source ---\n${source}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
};
const ENV = {
  HUAWEI_PROJECT_ID: "0123456789abcdef0123456789abcdef",
  HUAWEI_AK: "dev-ak",
  HUAWEI_SK: "dev-sk",
  CAPTURE_TOKEN_SECRET: "s".repeat(64),
};
// The example's imports stay first; a module's imports are hoisted anyway.
const withPrelude = (code, prelude, after) => {
  const lines = code.split("\n");
  const imports = lines.filter((l) => /^import /.test(l));
  const rest = lines.filter((l) => !/^import /.test(l));
  return [...imports, 'import { readFileSync as __read } from "node:fs";', prelude, ...rest, after].join("\n");
};

test("npm README, Quickstart: Node runs in Node as written", () => {
  const code = section(NPM_README, "Quickstart: Node");
  assert.match(code, /from "ocr-edge\/fit"/, "the Node quickstart imports fitImage from ocr-edge/fit");
  // The cloud answered by a stub: the quickstart's own fetch goes nowhere.
  const prelude = `const bytes = new Uint8Array(__read(${JSON.stringify(FIXTURE)}));
const __sent = [];
globalThis.fetch = async (url, init) => {
  __sent.push(String(url));
  return new Response(JSON.stringify({ result: { number: "91XXXX61", code: "244031XXXX11", amount: "￥50.00", location: "x" } }),
    { status: 200, headers: { "content-type": "application/json", "x-request-id": "rid-1" } });
};`;
  const after = `if (invoice.number !== "91XXXX61") throw new Error("invoice " + JSON.stringify(invoice));
if (!(fitted.bytes instanceof Uint8Array) || fitted.bytes.length === 0) throw new Error("fit");
if (typeof token !== "string" || token.split(".").length !== 3) throw new Error("token " + token);
if (__sent.length !== 1 || !__sent[0].includes("/quota-invoice")) throw new Error("sent " + __sent);
console.log("ok");`;
  assert.equal(run("quickstart.mjs", withPrelude(code, prelude, after)).trim(), "ok");
});

test("root README, fitImage in Node and workers: the ocr-edge/fit import runs in Node", () => {
  const all = blocks(ROOT_README);
  const node = all.find((b) => /In Node and workers/.test(b.before) && /fitImage/.test(b.code));
  assert.ok(node, "no fitImage import for Node in README.md");
  assert.match(node.code, /from "ocr-edge\/fit"/);
  const usage = all.find((b) => /Both take the same arguments/.test(b.before));
  assert.ok(usage, "no fitImage usage block in README.md");
  const source = withPrelude(`${node.code}\n${usage.code}`, `const file = new Uint8Array(__read(${JSON.stringify(FIXTURE)}));`,
    `if (!(bytes instanceof Uint8Array) || !(blob instanceof Blob) || info.format !== "jpeg" || !Array.isArray(steps)) throw new Error("result");
if (typeof quality !== "number" || typeof scale !== "number") throw new Error("quality/scale");
console.log("ok");`);
  assert.equal(run("fit.mjs", source).trim(), "ok");
  // Every js block importing fitImage from the core is introduced as a page's.
  for (const b of all.filter((b) => /import \{[^}]*fitImage[^}]*\} from "ocr-edge";/.test(b.code))) {
    assert.match(b.before, /page/i, `fitImage from "ocr-edge" shown outside a page:\n${b.code}`);
  }
});

// What the client's local check makes of a regNum: "sent" when it got as
// far as fetch, else the refusal's code.
const verdict = async (regNum) => {
  let sent = false;
  const client = new TencentClient({
    credentials: { secretId: "id", secretKey: "key" },
    maxRetries: 0,
    fetch: async () => {
      sent = true;
      return new Response(JSON.stringify({ Response: { Error: { Code: "ActionOffline", Message: "x" }, RequestId: "r" } }), { status: 200 });
    },
  });
  try {
    await client.verifyBizLicense({ regNum, name: "示例" });
  } catch (e) {
    if (!sent) return e.code;
  } finally {
    client.free();
  }
  return sent ? "sent" : "resolved without sending";
};

test("every regNum in the READMEs passes the client's own check; a typo of each does not", async () => {
  const docs = { "README.md": ROOT_README, "pkg-template/README.md": NPM_README, "edge/README.md": text("edge/README.md") };
  const nums = Object.entries(docs).flatMap(([doc, md]) => [...md.matchAll(/regNum: "([^"]+)"/g)].map((m) => [doc, m[1]]));
  assert.ok(nums.length > 0, "no regNum example found");
  for (const [doc, n] of nums) {
    assert.equal(await verdict(n), "sent", `${doc}: regNum "${n}"`);
    const typo = n.slice(0, -1) + (n.at(-1) === "1" ? "2" : "1");
    assert.match(await verdict(typo), /^regnum\./, `a typo of ${n} must be refused locally`);
  }
});

test("the files the root README names exist", () => {
  const named = new Set();
  for (const m of ROOT_README.matchAll(/`((?:edge|scripts|tests|src|emulator|fit|bench|www|pkg-template)\/[\w./-]+)`/g)) named.add(m[1]);
  for (const m of ROOT_README.matchAll(/\]\((?!https?:|#)([^)\s#]+)/g)) named.add(m[1]);
  assert.ok(named.has("edge/README.md"), "README.md points at edge/README.md");
  // Package paths (the exports table) are looked up in pkg/ as well; edge/.dev.vars is the user's copy of the example.
  const exists = (f) => [root, path.join(root, "pkg")].some((d) => fs.existsSync(path.join(d, f.replace(/\/$/, ""))));
  const missing = [...named].filter((f) => !f.endsWith("/.dev.vars") && !exists(f));
  assert.deepEqual(missing, []);
});

test("edge/.dev.vars.example: the emulator off wrangler's 8787, Vite's origins allowed", () => {
  const vars = Object.fromEntries(
    text("edge/.dev.vars.example").split("\n").filter((l) => /^[A-Z_]+=/.test(l)).map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
  );
  for (const k of ["UPSTREAM_HUAWEI", "UPSTREAM_TENCENT"]) {
    const url = new URL(vars[k]);
    assert.notEqual(url.port, "8787", `${k} is wrangler dev's own port`);
    assert.match(ROOT_README, new RegExp(`port ${url.port}\\b`), `README.md names the emulator's port ${url.port}`);
  }
  const origins = vars.ALLOWED_ORIGINS.split(",");
  for (const o of ["http://localhost:5173", "http://127.0.0.1:5173", "http://localhost:4173", "http://127.0.0.1:4173"]) {
    assert.ok(origins.includes(o), `${o} (Vite) not in ALLOWED_ORIGINS`);
  }
  assert.ok(vars.CAPTURE_TOKEN_SECRET.length >= 32);
});
