// Loads the bad-input catalogue for the Node runners (node.test.mjs,
// worker.test.mjs): the same recipes, templates and expectations as the
// native runner (tests/bad_input.rs). See README.md for the formats.
import fs from "node:fs";
import path from "node:path";

export const root = path.resolve(import.meta.dirname, "../..");
const here = import.meta.dirname;

export const PROJECT_ID = "0123456789abcdef0123456789abcdef";
export const PNG_64x32 = "89504e470d0a1a0a0000000d494844520000004000000020080200000000000000";

/**
 * The operation each image target runs through, as a user calls it: the
 * client, its method and the worker route (the first registered operation
 * of that target, as in the native runner).
 */
export const TARGET_CALLS = {
  "huawei.quotaInvoice": { client: "huawei", method: "recognizeQuotaInvoice", route: "/v1/huawei/quota-invoice" },
  "tencent.bizLicense": { client: "tencent", method: "verifyBasicBizLicense", route: "/v1/tencent/biz-license" },
  "huawei.businessLicense": { client: "huawei", method: "recognizeBusinessLicense", route: "/v1/huawei/business-license" },
  "huawei.vatInvoice": { client: "huawei", method: "recognizeVatInvoice", route: "/v1/huawei/vat-invoice" },
  "tencent.bizLicenseOcr": { client: "tencent", method: "bizLicenseOcr", route: "/v1/tencent/biz-license-ocr" },
};

/** The capture operations by `<client>.<method>`, with their worker route and scope. */
export const CAPTURE_OPS = Object.fromEntries([
  ...Object.entries(TARGET_CALLS).map(([scope, t]) => [`${t.client}.${t.method}`, { ...t, scope }]),
  ["tencent.verifyBizLicense", { client: "tencent", method: "verifyBizLicense", route: "/v1/tencent/biz-license?detailed=1", scope: "tencent.bizLicense.detailed" }],
]);

export function unhex(s) {
  const clean = s.replace(/[\s_]/g, "");
  if (clean.length % 2) throw new Error(`odd hex length in ${s}`);
  return Buffer.from(clean, "hex");
}

/** Expands one recipe into [suffix, bytes] pairs (one per `cuts:` value). */
export function build(recipe) {
  let buf = Buffer.alloc(0);
  let cuts = null;
  for (const step of recipe.split(" | ")) {
    const i = step.indexOf(":");
    if (i < 0) throw new Error(`step ${step}`);
    const op = step.slice(0, i).trim();
    const arg = step.slice(i + 1);
    const num = (s) => {
      const n = Number(s.trim());
      if (!Number.isInteger(n) || n < 0) throw new Error(`${step}: not a count`);
      return n;
    };
    switch (op) {
      case "hex":
        buf = Buffer.concat([buf, unhex(arg)]);
        break;
      case "ascii":
        buf = Buffer.concat([buf, Buffer.from(arg, "latin1")]);
        break;
      case "file":
        buf = Buffer.concat([buf, fs.readFileSync(path.join(root, arg.trim()))]);
        break;
      case "zeros":
        buf = Buffer.concat([buf, Buffer.alloc(num(arg))]);
        break;
      case "rep": {
        const [n, hex] = [arg.slice(0, arg.indexOf(":")), arg.slice(arg.indexOf(":") + 1)];
        buf = Buffer.concat([buf, Buffer.concat(Array(num(n)).fill(unhex(hex)))]);
        break;
      }
      case "set": {
        const [off, hex] = [num(arg.slice(0, arg.indexOf(":"))), unhex(arg.slice(arg.indexOf(":") + 1))];
        if (off + hex.length > buf.length) buf = Buffer.concat([buf, Buffer.alloc(off + hex.length - buf.length)]);
        hex.copy(buf, off);
        break;
      }
      case "cut":
        buf = buf.subarray(0, num(arg));
        break;
      case "cuts":
        cuts = arg.split(",").map(num);
        break;
      default:
        throw new Error(`unknown step ${op}`);
    }
  }
  if (!cuts) return [["", buf]];
  return cuts.map((n) => [`@${n}`, buf.subarray(0, n)]);
}

/** The expectation of a value the documents allow: sent upstream, no local error. */
export const ACCEPTED = "accepted";

/** `code` or `code[violation]` (for `accepted[code]`: a `checkImage` warning). */
export function parseExpect(s) {
  const m = /^([^[]+)(?:\[([^\]]+)\])?$/.exec(s);
  return { code: m[1], violation: m[2] ?? null };
}

/** The image rows: { name, target, bytes, expected, worker } (worker null = not sent). */
export function imageCases() {
  const out = [];
  const lines = fs.readFileSync(path.join(here, "images.tsv"), "utf8").split("\n");
  for (const line of lines) {
    if (line.startsWith("#") || !line.trim()) continue;
    const f = line.split("\t");
    if (f.length !== 5) throw new Error(`images.tsv: 5 fields: ${line}`);
    const [name, target, recipe, expected, worker] = f;
    for (const [suffix, bytes] of build(recipe)) {
      const want = parseExpect(expected);
      out.push({
        name: name + suffix,
        target,
        bytes,
        expected: want,
        worker: worker === "-" ? null : worker === "=" ? want : parseExpect(worker),
      });
    }
  }
  return out;
}

/** `{{repeat:TEXT:N}}`, `{{token:KIND}}` in strings; `{{tags:N}}` as a whole value. */
export function template(v, tokens = {}) {
  if (typeof v === "string") {
    const tags = /^\{\{tags:(\d+)\}\}$/.exec(v);
    if (tags) return Array.from({ length: Number(tags[1]) }, (_, i) => ({ key: `k${i}`, values: [] }));
    return v.replace(/\{\{(repeat|token):(.*?)\}\}/gs, (_, kind, inner) => {
      if (kind === "token") return tokens[inner] ?? "";
      const j = inner.lastIndexOf(":");
      return inner.slice(0, j).repeat(Number(inner.slice(j + 1)));
    });
  }
  if (Array.isArray(v)) return v.map((x) => template(x, tokens));
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, template(x, tokens)]));
  return v;
}

export function jsonCases(file) {
  return JSON.parse(fs.readFileSync(path.join(here, file), "utf8")).cases;
}

/** This runner's expectation (`node` / `worker` override `expected`); null = skip. */
export function expectFor(c, runner) {
  const o = c[runner];
  if (o === "skip") return null;
  if (runner === "worker" && o === undefined) return null;
  const code = o === undefined || o === "=" ? c.expected : o;
  return { ...parseExpect(template(code)), kind: c.kind ?? null, message: c.message ?? null };
}

/** Checks a thrown error; returns a description of what differs, or null. */
export function mismatch(e, want) {
  if (!(e instanceof Error)) return `threw a non-Error: ${String(e)}`;
  if (e.name !== "OcrEdgeError") return `${e.name}: ${e.message}`;
  if (e.code !== want.code) return `code ${JSON.stringify(e.code)} (${e.message}), expected ${want.code}`;
  if (typeof e.kind !== "string" || !e.kind) return "no kind";
  if (want.kind && e.kind !== want.kind) return `kind ${e.kind}, expected ${want.kind}`;
  if (typeof e.message !== "string" || !e.message.trim()) return "empty message";
  if (want.message && !e.message.includes(want.message)) return `message ${JSON.stringify(e.message)} lacks ${JSON.stringify(want.message)}`;
  if (e.message.length > 1200) return `message of ${e.message.length} characters`;
  if (want.violation && !(e.violations ?? []).some((v) => v.code === want.violation)) {
    return `violations ${JSON.stringify((e.violations ?? []).map((v) => v.code))} lack ${want.violation}`;
  }
  return null;
}
