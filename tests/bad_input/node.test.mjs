// The bad-input catalogue through the npm package as users import it: every
// image, parameter, URL, credential and token case must throw (or reject
// with) an OcrEdgeError with the expected code; every bad provider answer,
// served by a local http server the clients point at, likewise.
//
//   node --test tests/bad_input/node.test.mjs     (after bash scripts/build-pkg.sh)
import assert from "node:assert/strict";
import http from "node:http";
import { after, before, describe, test } from "node:test";
import * as ocr from "ocr-edge";
import { ACCEPTED, CAPTURE_OPS, PNG_64x32, PROJECT_ID, TARGET_CALLS, expectFor, imageCases, jsonCases, mismatch, template, unhex } from "./catalogue.mjs";

const SECRET = "0123456789abcdef".repeat(4);
const VALID_REGNUM = "911101085636549482";
// A hang, not a slow case: a loaded machine takes tens of seconds where an idle one takes one.
const CASE_TIMEOUT = 120_000;

let server;
let base;
let requests = 0;
let reply = (_req, res) => res.writeHead(500).end();

before(async () => {
  server = http.createServer((req, res) => {
    requests++;
    req.resume();
    req.on("end", () => reply(req, res));
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  base = `http://127.0.0.1:${server.address().port}`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise((ok) => server.close(ok));
});

const huawei = (opts = {}) =>
  new ocr.HuaweiClient({
    endpoint: base,
    projectId: PROJECT_ID,
    credentials: { accessKey: "dev-ak", secretKey: "dev-sk" },
    maxRetries: 0,
    timeoutMs: 5000,
    ...opts,
  });

const tencent = (opts = {}) =>
  new ocr.TencentClient({
    endpoint: base,
    credentials: { secretId: "dev-secret-id", secretKey: "dev-secret-key" },
    maxRetries: 0,
    timeoutMs: 5000,
    ...opts,
  });

/** Runs `fn` (sync or async) and checks it fails with `want`. */
async function expectError(fn, want, what = "") {
  let result;
  try {
    result = await fn();
  } catch (e) {
    const m = mismatch(e, want);
    assert.equal(m, null, `${what}${m}`);
    return;
  }
  assert.fail(`${what}succeeded (${JSON.stringify(result)?.slice(0, 200)}), expected ${want.code}`);
}

/**
 * Runs `fn` and checks it sent exactly one request to the local server (which
 * answers 500, so the call may then fail, but not with a refusal of ours).
 */
async function expectSent(fn, what = "") {
  const before = requests;
  try {
    await fn();
  } catch (e) {
    assert.ok(requests > before, `${what}refused locally: ${e?.code} (${e?.message})`);
  }
  assert.equal(requests, before + 1, `${what}requests sent`);
}

/** An accepted case must be sent; any other must fail with `want`. */
const attempt = (fn, want, what = "") => (want.code === ACCEPTED ? expectSent(fn, what) : expectError(fn, want, what));

const options = (c) => (c.known ? { timeout: CASE_TIMEOUT, todo: c.known } : { timeout: CASE_TIMEOUT });

describe("images", () => {
  for (const c of imageCases()) {
    test(c.name, options(c), async () => {
      const before = requests;
      const bytes = new Uint8Array(c.bytes);
      const blob = new Blob([bytes]);
      if (c.target === "probe") {
        await expectError(() => ocr.probeImage(bytes), c.expected, "probeImage: ");
        await expectError(() => ocr.probeBlob(blob), c.expected, "probeBlob: ");
        await expectError(() => huawei().recognizeQuotaInvoice({ image: bytes }), c.expected, "recognizeQuotaInvoice: ");
      } else if (c.target === "tencent.bizLicense") {
        await attempt(() => tencent().verifyBasicBizLicense({ image: bytes }), c.expected, "bytes: ");
        await attempt(() => tencent().verifyBizLicense({ image: blob }), c.expected, "Blob: ");
      } else {
        const call = TARGET_CALLS[c.target];
        assert.ok(call, `unknown target ${c.target}`);
        const client = () => (call.client === "huawei" ? huawei() : tencent());
        await attempt(() => client()[call.method]({ image: bytes }), c.expected, "bytes: ");
        await attempt(() => client()[call.method]({ image: blob }), c.expected, "Blob: ");
      }
      if (c.expected.code === ACCEPTED) {
        // Advice only: checkImage still tells the user.
        const check = ocr.checkImage(bytes, c.target);
        assert.equal(check.ok, true, JSON.stringify(check.violations));
        const warned = check.warnings.map((w) => w.code);
        if (c.expected.violation) assert.ok(warned.includes(c.expected.violation), `warnings ${JSON.stringify(warned)}`);
        return;
      }
      assert.equal(requests, before, "a refused image was sent");
    });
  }
});

function tokens() {
  const good = ocr.issueCaptureToken(SECRET, { scope: ["huawei.quotaInvoice"], ttlSeconds: 600 });
  const i = good.length - 10;
  return {
    forged: good.slice(0, i) + (good[i] === "A" ? "B" : "A") + good.slice(i + 1),
    expired: ocr.issueCaptureToken(SECRET, { scope: "huawei.quotaInvoice", ttlSeconds: 60, now: Date.now() - 3_600_000 }),
    tencent: ocr.issueCaptureToken(SECRET, { scope: ["tencent.bizLicense"], ttlSeconds: 600 }),
  };
}

/** Image bytes given as hex become a Uint8Array. */
function jsArgs(args) {
  if (!args || typeof args !== "object" || Array.isArray(args)) return args;
  const out = { ...args };
  if (typeof out.imageHex === "string") {
    out.image = new Uint8Array(unhex(out.imageHex));
    delete out.imageHex;
  }
  return out;
}

function runParam(c, args) {
  const client = c.client ?? {};
  switch (c.op) {
    case "huawei.recognizeQuotaInvoice":
      return huawei(client).recognizeQuotaInvoice(jsArgs(args));
    case "huawei.listSecretResourceInstances":
      return huawei(client).listSecretResourceInstances(args);
    case "huawei.deleteSecretTag":
      return huawei(client).deleteSecretTag(args);
    case "huawei.createApp":
      return huawei(client).createApp(args);
    case "tencent.verifyBizLicense":
      return tencent(client).verifyBizLicense(jsArgs(args));
    case "tencent.verifyBasicBizLicense":
      return tencent(client).verifyBasicBizLicense(jsArgs(args));
    case "credentials.huawei":
      return huawei({ credentials: args });
    case "credentials.tencent":
      return tencent({ credentials: args });
    case "client.huawei":
      return huawei(args);
    case "token.verify":
      return ocr.verifyCaptureToken(SECRET, args.token, args.scope);
    case "token.issue":
      return ocr.issueCaptureToken(args.secret ?? SECRET, { scope: args.scope, ttlSeconds: args.ttlSeconds });
    default: {
      const op = CAPTURE_OPS[c.op];
      if (!op) throw new Error(`unknown op ${c.op}`);
      const made = op.client === "huawei" ? huawei(client) : tencent(client);
      return made[op.method](jsArgs(args));
    }
  }
}

describe("parameters, URLs, credentials, tokens", () => {
  let t;
  before(() => {
    t = tokens();
  });
  for (const c of jsonCases("params.json")) {
    const want = expectFor(c, "node");
    if (!want) continue;
    test(c.name, options(c), async () => {
      const before = requests;
      await attempt(() => runParam(c, template(c.args, t)), want);
      if (want.code !== ACCEPTED) assert.equal(requests, before, "a refused call was sent");
    });
  }
});

function callFor(op) {
  switch (op) {
    case "quotaInvoice":
      return huawei().recognizeQuotaInvoice({ image: new Uint8Array(unhex(PNG_64x32)) });
    case "listSecretResourceInstances":
      return huawei().listSecretResourceInstances({});
    case "deleteSecretTag":
      return huawei().deleteSecretTag({ secretId: "s1", key: "env" });
    case "createApp":
      return huawei().createApp({ name: "app_001" });
    case "verifyBasicBizLicense":
      return tencent().verifyBasicBizLicense({ regNum: VALID_REGNUM });
    case "verifyBizLicense":
      return tencent().verifyBizLicense({ regNum: VALID_REGNUM });
    case "recognizeBusinessLicense":
    case "recognizeVatInvoice":
      return huawei()[op]({ image: new Uint8Array(unhex(PNG_VAT)) });
    case "bizLicenseOcr":
      return tencent().bizLicenseOcr({ image: new Uint8Array(unhex(PNG_64x32)) });
    default:
      throw new Error(`unknown op ${op}`);
  }
}

/** A PNG header of 128×128: within every Huawei target's sides (the VAT invoice starts at 100). */
const PNG_VAT = "89504e470d0a1a0a0000000d494844520000008000000080080200000000000000";

describe("responses from a local server", () => {
  for (const c of jsonCases("responses.json")) {
    const want = expectFor(c, "node");
    if (!want) continue;
    test(c.name, options(c), async () => {
      const body = c.bodyHex ? unhex(c.bodyHex) : Buffer.from(template(c.body));
      reply = (req, res) => {
        if (c.behavior === "hang") return; // never answers
        if (c.behavior === "reset") return req.socket.destroy();
        res.writeHead(c.status, { "content-type": "application/json", "x-request-id": "req-bad-input", ...(c.headers ?? {}) });
        res.end(body);
      };
      const before = requests;
      const run = () => (c.behavior === "hang" ? huawei({ timeoutMs: 500 }).recognizeQuotaInvoice({ image: new Uint8Array(unhex(PNG_64x32)) }) : callFor(c.op));
      if (want.code === ACCEPTED) {
        // An answer the documents allow reads as a result, never an error.
        const result = await run();
        assert.ok(result && typeof result === "object", JSON.stringify(result));
      } else {
        await expectError(run, want);
      }
      assert.equal(requests, before + 1, "exactly one request (maxRetries 0)");
    });
  }
});
