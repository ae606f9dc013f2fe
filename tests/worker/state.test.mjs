// The worker's state across isolates, in real workerd through miniflare
// against the emulator: capture tokens minted by PyJWT (HS256, EdDSA,
// ES256) and the forms that must be refused; the CaptureLedger Durable
// Object shared by two separate workers (a token's budget and its
// revocation hold across both); idempotent resends reaching the upstream
// once; the account's daily cap; and the Rate Limiting binding.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { Miniflare } from "miniflare";
import { issueCaptureToken } from "ocr-edge";
import { DEV_CREDENTIALS, startEmulator, stopChild } from "../../scripts/demo.mjs";

const root = path.resolve(import.meta.dirname, "../..");
const INVOICE = fs.readFileSync(path.join(root, "emulator/fixtures/images/quota-invoice.png"));
const ORIGIN = "https://capture.example.com";
const SECRET = randomBytes(32).toString("hex");
const ADMIN = randomBytes(32).toString("hex");
const AUDIENCE = "capture-proxy";
const ROUTE = "/v1/huawei/quota-invoice";

let emulator;
let mf;
let minted;
const workers = {};

function python() {
  const venv = path.join(root, ".venv/bin/python");
  return fs.existsSync(venv) ? venv : "python3";
}

function workerOptions(name, bindings, extra = {}) {
  return {
    name,
    routes: [`${name}.test/*`],
    modules: true,
    modulesRoot: root,
    scriptPath: path.join(root, "edge/worker.js"),
    modulesRules: [
      { type: "ESModule", include: ["**/*.js", "**/*.mjs"] },
      { type: "CompiledWasm", include: ["**/*.wasm"] },
    ],
    compatibilityDate: "2026-07-01",
    bindings: {
      ...DEV_CREDENTIALS,
      UPSTREAM_HUAWEI: emulator.url,
      UPSTREAM_TENCENT: emulator.url,
      CAPTURE_TOKEN_SECRET: SECRET,
      CAPTURE_TOKEN_KEYS: JSON.stringify(minted.keys),
      CAPTURE_TOKEN_AUDIENCE: AUDIENCE,
      ALLOWED_ORIGINS: ORIGIN,
      ADMIN_SECRET: ADMIN,
      RATE_LIMIT_PER_MINUTE: "0",
      TOKEN_MAX_CALLS: "4",
      TOKEN_MAX_SUCCESSES: "2",
      ...bindings,
    },
    ...extra,
  };
}

before(async () => {
  emulator = await startEmulator({ build: false, verbose: false, host: "127.0.0.1", extraArgs: [] });
  minted = JSON.parse(execFileSync(python(), [path.join(root, "tests/worker/mint_tokens.py"), SECRET, AUDIENCE], { encoding: "utf8" }));
  mf = new Miniflare({
    cf: false,
    workers: [
      // Two workers, one Durable Object namespace: "a" defines it, "b" binds a's.
      workerOptions("a", {}, { durableObjects: { CAPTURE_LEDGER: "CaptureLedger" } }),
      workerOptions("b", {}, { durableObjects: { CAPTURE_LEDGER: { className: "CaptureLedger", scriptName: "a" } } }),
      // A worker of its own with a daily cap and an address rate limit.
      workerOptions("capped", { DAILY_CALL_CAP: "2", TOKEN_MAX_SUCCESSES: "10" }, {
        durableObjects: { CAPTURE_LEDGER: "CaptureLedger" },
        ratelimits: { IP_RATE_LIMITER: { namespace_id: "1002", simple: { limit: 100, period: 60 } } },
      }),
      workerOptions("limited", {}, {
        durableObjects: { CAPTURE_LEDGER: "CaptureLedger" },
        ratelimits: { IP_RATE_LIMITER: { namespace_id: "1003", simple: { limit: 3, period: 60 } } },
      }),
      // No ledger bound: per-isolate limits only.
      workerOptions("bare", {}),
    ],
  });
  await mf.ready;
  // Each worker is reached by its route's host.
  for (const n of ["a", "b", "capped", "limited", "bare"]) {
    workers[n] = { fetch: (url, init) => mf.dispatchFetch(url.replace("http://worker", `http://${n}.test`), init) };
  }
});

after(async () => {
  await mf?.dispose();
  await stopChild(emulator?.child);
});

async function upstreamCalls() {
  const res = await fetch(`${emulator.url}/__emulator/stats`);
  return (await res.json()).total.requests;
}

async function armFault(route, spec) {
  const res = await fetch(`${emulator.url}/__emulator/faults`, { method: "POST", body: JSON.stringify({ route, spec }) });
  assert.equal(res.status, 200);
}

/** POSTs the invoice to `worker` with `token`; resolves to { status, code, json, headers }. */
async function capture(worker, token, { key, origin = ORIGIN, signal, ip } = {}) {
  const headers = { authorization: `Bearer ${token}`, "content-type": "image/png", origin };
  if (key) headers["idempotency-key"] = key;
  if (ip) headers["cf-connecting-ip"] = ip;
  const r = await worker.fetch(`http://worker${ROUTE}`, { method: "POST", headers, body: INVOICE, signal });
  const text = await r.text();
  const json = text ? JSON.parse(text) : null;
  return { status: r.status, code: json?.error?.code, json, headers: r.headers, text };
}

function hsToken(extra = {}) {
  return issueCaptureToken(SECRET, { scope: "huawei.quotaInvoice", audience: AUDIENCE, ...extra });
}

async function revoke(worker, token) {
  const [, payload] = token.split(".");
  const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  const r = await worker.fetch("http://worker/v1/admin/tokens/revoke", {
    method: "POST",
    headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
    body: JSON.stringify({ jti: claims.jti, exp: claims.exp }),
  });
  return { status: r.status, json: await r.json() };
}

describe("capture tokens minted by PyJWT", () => {
  for (const alg of ["hs256", "eddsa", "es256"]) {
    test(`${alg} is accepted`, async () => {
      const r = await capture(workers.a, minted.tokens[alg]);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.amountCents, 5000, r.text);
    });
  }

  const refused = {
    none: ["token.algorithm", 401],
    swapped: ["token.algorithm", 401],
    wrong_aud: ["token.audience", 401],
    future_nbf: ["token.not_yet_valid", 401],
    no_kid: ["token.key", 401],
    unknown_kid: ["token.key", 401],
    too_long: ["token.lifetime", 401],
    expired: ["token.expired", 401],
    other_origin: ["token.origin", 403],
  };
  for (const [name, [code, status]] of Object.entries(refused)) {
    test(`${name} is refused with ${code}`, async () => {
      const before = await upstreamCalls();
      const r = await capture(workers.a, minted.tokens[name]);
      assert.deepEqual([r.status, r.code], [status, code], r.text);
      assert.equal(await upstreamCalls(), before, "a refused token never reaches the provider");
    });
  }

  test("an origin-bound token works from its origin only", async () => {
    assert.equal((await capture(workers.a, minted.tokens.own_origin)).status, 200);
  });

  test("a token signed for EdDSA fails when its signature is altered", async () => {
    const t = minted.tokens.eddsa;
    const sig = Buffer.from(t.split(".")[2], "base64url");
    sig[5] ^= 1;
    const r = await capture(workers.a, `${t.split(".").slice(0, 2).join(".")}.${sig.toString("base64url")}`);
    assert.deepEqual([r.status, r.code], [401, "token.forged"]);
  });
});

describe("the ledger across two workers", () => {
  test("a token's budget holds across both", async () => {
    const t = hsToken();
    assert.equal((await capture(workers.a, t)).status, 200);
    assert.equal((await capture(workers.b, t)).status, 200);
    // TOKEN_MAX_SUCCESSES is 2: the third is refused by either worker.
    for (const w of [workers.a, workers.b]) {
      const r = await capture(w, t);
      assert.deepEqual([r.status, r.code], [401, "token.spent"], r.text);
    }
  });

  test("a refused call does not spend the token's budget", async () => {
    const t = hsToken();
    // An empty body is refused locally, before the ledger is asked.
    for (let i = 0; i < 6; i++) {
      const r = await workers.a.fetch(`http://worker${ROUTE}`, {
        method: "POST",
        headers: { authorization: `Bearer ${t}`, "content-type": "image/png", origin: ORIGIN },
        body: new Uint8Array(0),
      });
      assert.equal(r.status >= 400 && r.status < 500, true);
      await r.arrayBuffer();
    }
    assert.equal((await capture(workers.b, t)).status, 200);
  });

  test("a revoked token is refused everywhere", async () => {
    const t = hsToken({ ttlSeconds: 600 });
    assert.equal((await capture(workers.a, t)).status, 200);
    const r = await revoke(workers.b, t);
    assert.equal(r.status, 200, JSON.stringify(r.json));
    for (const w of [workers.a, workers.b]) {
      const again = await capture(w, t);
      assert.deepEqual([again.status, again.code], [401, "token.revoked"]);
    }
  });

  test("revocation needs the admin secret", async () => {
    const r = await workers.a.fetch("http://worker/v1/admin/tokens/revoke", {
      method: "POST",
      headers: { authorization: "Bearer wrong", "content-type": "application/json" },
      body: JSON.stringify({ jti: "x", exp: 1 }),
    });
    assert.equal(r.status, 401);
    assert.equal((await r.json()).error.code, "admin.unauthorized");
  });
});

describe("idempotent resends", () => {
  test("the same key twice reaches the upstream once and gets the first answer", async () => {
    const t = hsToken();
    const key = randomUUID();
    const before = await upstreamCalls();
    const first = await capture(workers.a, t, { key });
    assert.equal(first.status, 200, first.text);
    const second = await capture(workers.b, t, { key });
    assert.equal(second.status, 200);
    assert.equal(second.headers.get("idempotent-replayed"), "true");
    assert.equal(second.text, first.text);
    assert.equal(await upstreamCalls(), before + 1);
  });

  test("a resend after a dropped answer, with a fresh token, reaches the upstream once", async () => {
    const key = randomUUID();
    await armFault("RecognizeQuotaInvoice", "latency=1500;times=1");
    const before = await upstreamCalls();
    // The page gives up before the answer arrives: the answer is dropped.
    await assert.rejects(capture(workers.a, hsToken(), { key, signal: AbortSignal.timeout(400) }));
    // While the first is still running, a resend is told to wait.
    const early = await capture(workers.b, hsToken(), { key });
    assert.deepEqual([early.status, early.code], [409, "idempotency.in_progress"]);
    assert.equal(early.headers.get("retry-after"), "2");
    // Once it has finished, the resend gets its answer.
    let late;
    for (let i = 0; i < 20; i++) {
      await new Promise((r) => setTimeout(r, 250));
      late = await capture(workers.b, hsToken(), { key });
      if (late.status !== 409) break;
    }
    assert.equal(late.status, 200, late.text);
    assert.equal(late.headers.get("idempotent-replayed"), "true");
    assert.equal(await upstreamCalls(), before + 1);
    await armFault("RecognizeQuotaInvoice", "");
  });

  test("a malformed key is refused before any call", async () => {
    const r = await capture(workers.a, hsToken(), { key: "has space" });
    assert.deepEqual([r.status, r.code], [400, "idempotency.key"]);
  });

  test("the preflight allows the Idempotency-Key header", async () => {
    const r = await workers.a.fetch(`http://worker${ROUTE}`, {
      method: "OPTIONS",
      headers: { origin: ORIGIN, "access-control-request-method": "POST", "access-control-request-headers": "authorization, content-type, idempotency-key" },
    });
    assert.equal(r.status, 204);
    assert.match(r.headers.get("access-control-allow-headers"), /Idempotency-Key/);
  });
});

describe("account-wide and network limits", () => {
  test("the daily cap stops billed calls for the day", async () => {
    const t = hsToken();
    assert.equal((await capture(workers.capped, t)).status, 200);
    assert.equal((await capture(workers.capped, hsToken())).status, 200);
    const before = await upstreamCalls();
    const r = await capture(workers.capped, hsToken());
    assert.deepEqual([r.status, r.code], [503, "account.daily_cap"]);
    assert.ok(Number(r.headers.get("retry-after")) > 0);
    assert.equal(await upstreamCalls(), before);
  });

  test("the Rate Limiting binding refuses one address past its limit", async () => {
    const ip = "203.0.113.7";
    const codes = [];
    for (let i = 0; i < 5; i++) codes.push((await capture(workers.limited, hsToken(), { ip })).status);
    assert.deepEqual(codes.slice(0, 3), [200, 200, 200]);
    assert.ok(codes.slice(3).every((s) => s === 429), codes.join(","));
  });

  test("without a ledger, tokens still verify and calls still go through", async () => {
    const t = hsToken();
    for (let i = 0; i < 3; i++) assert.equal((await capture(workers.bare, t)).status, 200);
  });
});
