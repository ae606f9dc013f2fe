// The bad-input catalogue through the edge worker in real workerd (miniflare)
// against the emulator: every image case (and the parameter and token cases
// marked for the worker) must be refused with a 4xx JSON error carrying the
// expected code, or, when `accepted`, reach the emulator exactly once;
// nothing else may reach the emulator, and the worker must still serve a
// valid request at the end.
//
//   node --test tests/bad_input/worker.test.mjs   (after bash scripts/build-pkg.sh)
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { issueCaptureToken } from "ocr-edge";
import { DEV_CREDENTIALS, startEmulator, startWorker, stopChild } from "../../scripts/demo.mjs";
import { ACCEPTED, CAPTURE_OPS, PNG_64x32, TARGET_CALLS, expectFor, imageCases, jsonCases, root, template, unhex } from "./catalogue.mjs";

process.env.CARGO_TARGET_DIR ??= path.join(process.env.HOME, ".cache/ocr-edge/target");
const SECRET = randomBytes(32).toString("hex");
const ADMIN_SECRET = randomBytes(32).toString("hex");
/** The admin operations' worker routes (called with the admin secret, from no page). */
const ADMIN_ROUTES = {
  "huawei.listSecretResourceInstances": "/v1/admin/csms/list",
  "huawei.deleteSecretTag": "/v1/admin/csms/delete-tag",
  "huawei.createApp": "/v1/admin/apig/apps",
};
const ORIGIN = "https://app.example";
const INVOICE = fs.readFileSync(path.join(root, "emulator/fixtures/images/quota-invoice.png"));
const SCOPES = [...new Set(Object.values(CAPTURE_OPS).map((o) => o.scope))];
// A hang, not a slow case: a loaded machine takes tens of seconds where an idle one takes one.
const CASE_TIMEOUT = 120_000;

let emulator;
let worker;
let token;
let upstreamAtStart;
/** Requests the accepted cases sent upstream on purpose. */
let sentOnPurpose = 0;

before(async () => {
  const bin = path.join(process.env.CARGO_TARGET_DIR, "debug/ocr-edge-emulator");
  if (!fs.existsSync(bin)) {
    const r = spawnSync("cargo", ["build", "-p", "ocr-edge-emulator"], { cwd: root, stdio: "inherit" });
    assert.equal(r.status, 0, "cargo build -p ocr-edge-emulator");
  }
  emulator = await startEmulator({ build: false, verbose: false, host: "127.0.0.1", extraArgs: [] });
  worker = await startWorker({
    host: "127.0.0.1",
    port: 0,
    verbose: false,
    // The worker's request log lines: kept out of the test output.
    handleRuntimeStdio: (out, err) => (out.resume(), err.resume()),
    bindings: {
      ...DEV_CREDENTIALS,
      UPSTREAM_HUAWEI: emulator.url,
      UPSTREAM_TENCENT: emulator.url,
      CAPTURE_TOKEN_SECRET: SECRET,
      ADMIN_SECRET,
      ALLOWED_ORIGINS: ORIGIN,
      RATE_LIMIT_PER_MINUTE: "0",
      // URL mode is off by default; the catalogue's URLs name example.com.
      IMAGE_URL_HOSTS: "example.com",
    },
  });
  token = issueCaptureToken(SECRET, { scope: SCOPES, ttlSeconds: 600 });
  upstreamAtStart = await upstreamRequests();
});

after(async () => {
  await worker?.mf.dispose();
  await stopChild(emulator?.child);
});

async function upstreamRequests() {
  const res = await fetch(`${emulator.url}/__emulator/stats`);
  return (await res.json()).total.requests;
}

/**
 * POSTs with node:http rather than fetch: the worker may answer 413 (or
 * 401) and close before the body is sent whole, and fetch then fails
 * instead of returning the answer. One connection per request.
 */
function post(route, { body, contentType, auth = token, origin = ORIGIN }) {
  const data = Buffer.from(body);
  const headers = { "content-type": contentType, "content-length": data.length };
  if (origin !== null) headers.origin = origin;
  if (auth !== null) headers.authorization = `Bearer ${auth}`;
  return new Promise((resolve, reject) => {
    let answered = false;
    let timer;
    const req = http.request(`${worker.url}${route}`, { method: "POST", headers, agent: false }, (res) => {
      answered = true;
      clearTimeout(timer);
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let json = null;
        try {
          json = JSON.parse(text);
        } catch {
          // checked by the caller
        }
        resolve({ status: res.statusCode, json, text });
      });
    });
    req.on("error", (e) => {
      if (!answered) reject(e);
    });
    if (data.length > 1_000_000) {
      // A large body: give the worker a moment to refuse it on its declared
      // length, as it should, before sending it.
      req.flushHeaders();
      timer = setTimeout(() => req.end(data), 300);
    } else {
      req.end(data);
    }
  });
}

/** The worker's answer must be a 4xx JSON error with the expected code. */
function checkRefusal(r, want) {
  assert.ok(r.status >= 400 && r.status < 500, `status ${r.status}: ${r.text.slice(0, 300)}`);
  assert.ok(r.json, `not JSON: ${r.text.slice(0, 200)}`);
  const e = r.json.error ?? r.json;
  assert.equal(e.code, want.code, `${r.status} ${JSON.stringify(e).slice(0, 300)}`);
  assert.equal(typeof e.kind, "string");
  assert.equal(typeof e.message, "string");
  assert.ok(e.message.length > 0);
  if (want.violation) {
    const codes = (e.violations ?? []).map((v) => v.code);
    assert.ok(codes.includes(want.violation), `violations ${JSON.stringify(codes)} lack ${want.violation}`);
  }
}

/**
 * The worker's answer to an accepted case: it must have reached the
 * emulator once (whatever the emulator then made of it).
 */
async function checkSent(send) {
  const before = await upstreamRequests();
  const r = await send();
  const after = await upstreamRequests();
  assert.equal(after, before + 1, `not sent upstream: ${r.status} ${r.text.slice(0, 300)}`);
  sentOnPurpose++;
}

/** Sends a case: an accepted one must go upstream, any other be refused with `want`. */
async function sendCase(send, want) {
  if (want.code === ACCEPTED) return checkSent(send);
  checkRefusal(await send(), want);
}

describe("images posted as raw bytes", () => {
  for (const c of imageCases()) {
    if (!c.worker) continue;
    test(c.name, { timeout: CASE_TIMEOUT }, async () => {
      const call = TARGET_CALLS[c.target === "probe" ? "huawei.quotaInvoice" : c.target];
      assert.ok(call, `unknown target ${c.target}`);
      await sendCase(() => post(call.route, { body: c.bytes, contentType: "image/png" }), c.worker);
    });
  }
});

/** The JSON body a capture route reads for a parameter case. */
function jsonBody(c, args) {
  const { imageHex, imageBase64, ...rest } = args ?? {};
  const out = { ...rest };
  if (imageHex) out.image = unhex(imageHex).toString("base64");
  if (imageBase64 !== undefined) out.image = imageBase64;
  return JSON.stringify(out);
}

describe("parameter and token cases", () => {
  let tokens;
  before(() => {
    const good = issueCaptureToken(SECRET, { scope: ["huawei.quotaInvoice"], ttlSeconds: 600 });
    const i = good.length - 10;
    tokens = {
      forged: good.slice(0, i) + (good[i] === "A" ? "B" : "A") + good.slice(i + 1),
      expired: issueCaptureToken(SECRET, { scope: "huawei.quotaInvoice", ttlSeconds: 60, now: Date.now() - 3_600_000 }),
      tencent: issueCaptureToken(SECRET, { scope: ["tencent.bizLicense"], ttlSeconds: 600 }),
    };
  });
  for (const c of jsonCases("params.json")) {
    const want = expectFor(c, "worker");
    if (!want) continue;
    test(c.name, { timeout: CASE_TIMEOUT }, async () => {
      const args = template(c.args, tokens);
      let send;
      if (c.op === "token.verify") {
        const route = args.scope === "huawei.quotaInvoice" ? "/v1/huawei/quota-invoice" : "/v1/tencent/biz-license";
        send = () => post(route, { body: unhex(PNG_64x32), contentType: "image/png", auth: args.token ?? null });
      } else if (CAPTURE_OPS[c.op]) {
        send = () => post(CAPTURE_OPS[c.op].route, { body: jsonBody(c, args), contentType: "application/json" });
      } else if (ADMIN_ROUTES[c.op]) {
        const body = JSON.stringify(args);
        send = () => post(ADMIN_ROUTES[c.op], { body, contentType: "application/json", auth: ADMIN_SECRET, origin: null });
      } else {
        throw new Error(`${c.op} has no worker route here`);
      }
      await sendCase(send, want);
    });
  }
});

describe("afterwards", () => {
  test("only the accepted cases reached the emulator, and the worker still serves", async () => {
    assert.equal(await upstreamRequests(), upstreamAtStart + sentOnPurpose, "a refused request went upstream");
    const r = await post("/v1/huawei/quota-invoice", { body: INVOICE, contentType: "image/png" });
    assert.equal(r.status, 200, r.text.slice(0, 300));
    assert.equal(r.json.number, "91234561");
  });
});
