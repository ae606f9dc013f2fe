#!/usr/bin/env node
// The one-command demo: the local emulator (or the real clouds), the edge
// worker in workerd (through miniflare), and a small server on loopback that
// plays the customer's backend: it serves the page (www/) and the package
// (pkg/), issues short-lived capture tokens, and forwards the admin panel's
// calls to the worker with the admin secret, which never reaches the page.
//
//   node scripts/demo.mjs            (after `bash scripts/build-pkg.sh`)
//
// Environment:
//   DEMO_PORT=8080          the page's port (0: any free one)
//   DEMO_HOST=127.0.0.1     the address every part listens on (loopback)
//   DEMO_WORKER_PORT=0      the worker's port (0: any free one)
//   DEMO_ADMIN=1            turn the worker's admin routes and the admin panel on
//   DEMO_VERBOSE=1          print the emulator's and the worker's request logs
//   DEMO_UPSTREAM=cloud     use the real clouds instead of the emulator, with
//     HUAWEI_AK, HUAWEI_SK, HUAWEI_PROJECT_ID, HUAWEI_REGION (default cn-north-4)
//     TENCENT_SECRET_ID, TENCENT_SECRET_KEY
//   CARGO_TARGET_DIR        where cargo puts the emulator binary (default target)
//
// `startDemo(options)` does the same for tests and returns { url, workerUrl,
// emulatorUrl, secrets, stop }.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import readline from "node:readline";
import { pathToFileURL } from "node:url";

const root = path.resolve(import.meta.dirname, "..");

/** The emulator's development credentials (see emulator/README.md). */
export const DEV_CREDENTIALS = {
  HUAWEI_AK: "dev-ak",
  HUAWEI_SK: "dev-sk",
  HUAWEI_PROJECT_ID: "0123456789abcdef0123456789abcdef",
  TENCENT_SECRET_ID: "dev-secret-id",
  TENCENT_SECRET_KEY: "dev-secret-key",
};

const SCOPES = ["huawei.quotaInvoice", "tencent.bizLicense", "tencent.bizLicense.detailed", "huawei.businessLicense", "huawei.vatInvoice", "tencent.bizLicenseOcr"];
const TOKEN_TTL_SECONDS = 300;

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".ts": "text/plain; charset=utf-8",
};

class DemoError extends Error {}

function log(quiet, ...args) {
  if (!quiet) console.log(...args);
}

/** Fails with a clear message unless the package has been assembled. */
function checkBuild() {
  const need = ["pkg/web/index.js", "pkg/web/ocr_edge_bg.wasm", "pkg/node/index.mjs", "pkg/workerd/index.js"];
  const missing = need.filter((f) => !fs.existsSync(path.join(root, f)));
  if (missing.length) {
    throw new DemoError(
      `the npm package is not built (missing ${missing.join(", ")}).\n` +
        `  Run: bash scripts/build-pkg.sh   (or: make demo, which does it first)`,
    );
  }
}

/** Builds (a no-op when fresh) and starts the emulator; resolves with its base URL. */
export async function startEmulator({ build, verbose, host, extraArgs }) {
  const targetDir = path.resolve(root, process.env.CARGO_TARGET_DIR || "target");
  const bin = path.join(targetDir, "debug", "ocr-edge-emulator");
  if (build) {
    const r = spawnSync("cargo", ["build", "-q", "-p", "ocr-edge-emulator"], { cwd: root, stdio: "inherit" });
    if (r.status !== 0) throw new DemoError("building the emulator failed (cargo build -p ocr-edge-emulator)");
  }
  if (!fs.existsSync(bin)) {
    throw new DemoError(`no emulator binary at ${bin}; run: cargo build -p ocr-edge-emulator`);
  }
  const args = ["--listen", `${host}:0`, ...(verbose ? [] : ["--quiet"]), ...extraArgs];
  const child = spawn(bin, args, { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  const lines = readline.createInterface({ input: child.stdout });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new DemoError("the emulator did not start within 20 s")), 20_000);
    child.once("error", (e) => reject(new DemoError(`the emulator could not start: ${e.message}`)));
    child.once("exit", (code) => reject(new DemoError(`the emulator exited at start (code ${code})`)));
    lines.once("line", (line) => {
      clearTimeout(timer);
      const m = /^listening on (http:\/\/\S+)/.exec(line);
      if (m) resolve(m[1].replace(/\/$/, ""));
      else reject(new DemoError(`unexpected first line from the emulator: ${line}`));
    });
  });
  child.removeAllListeners("exit");
  // Miniflare ends the process on SIGINT from its own handler; never leave
  // the emulator running behind it.
  const killOnExit = () => child.kill("SIGTERM");
  process.on("exit", killOnExit);
  child.once("exit", () => process.off("exit", killOnExit));
  child.stderr.on("data", (d) => {
    if (verbose) process.stderr.write(String(d).replace(/^(?=.)/gm, "[emulator] "));
  });
  return { child, url };
}

export function stopChild(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

/** The worker's bindings for the emulator or the real clouds. */
function workerBindings({ upstream, emulatorUrl, origins, tokenSecret, adminSecret }) {
  const b = {
    CAPTURE_TOKEN_SECRET: tokenSecret,
    ALLOWED_ORIGINS: origins.join(","),
    // The demo shows the provider's whole answer beside the parsed fields.
    SEND_RAW: "true",
  };
  if (adminSecret) b.ADMIN_SECRET = adminSecret;
  if (upstream === "emulator") {
    Object.assign(b, DEV_CREDENTIALS, { UPSTREAM_HUAWEI: emulatorUrl, UPSTREAM_TENCENT: emulatorUrl });
    return b;
  }
  const env = process.env;
  for (const k of ["HUAWEI_AK", "HUAWEI_SK", "HUAWEI_PROJECT_ID", "HUAWEI_REGION", "TENCENT_SECRET_ID", "TENCENT_SECRET_KEY", "TENCENT_REGION"]) {
    if (env[k]) b[k] = env[k];
  }
  const huawei = ["HUAWEI_AK", "HUAWEI_SK", "HUAWEI_PROJECT_ID"].filter((k) => env[k]).length;
  const tencent = ["TENCENT_SECRET_ID", "TENCENT_SECRET_KEY"].filter((k) => env[k]).length;
  if ((huawei && huawei < 3) || (tencent && tencent < 2) || (!huawei && !tencent)) {
    throw new DemoError(
      "DEMO_UPSTREAM=cloud needs HUAWEI_AK, HUAWEI_SK and HUAWEI_PROJECT_ID (HUAWEI_REGION optional), " +
        "and/or TENCENT_SECRET_ID and TENCENT_SECRET_KEY",
    );
  }
  return b;
}

/**
 * Starts the worker in workerd through miniflare; resolves with { mf, url }.
 * `durableObjects` binds, e.g., `{ CAPTURE_LEDGER: "CaptureLedger" }`.
 */
export async function startWorker({ host, port, bindings, verbose, log, handleRuntimeStdio, durableObjects }) {
  const entry = path.join(root, "edge", "worker.js");
  if (!fs.existsSync(entry)) return null;
  const { Miniflare, Log, LogLevel } = await import("miniflare");
  const mf = new Miniflare({
    modules: true,
    modulesRoot: root,
    scriptPath: entry,
    modulesRules: [
      { type: "ESModule", include: ["**/*.js", "**/*.mjs"] },
      { type: "CompiledWasm", include: ["**/*.wasm"] },
    ],
    compatibilityDate: "2026-07-01",
    // No fetch of the Request.cf object from the network: this machine has none.
    cf: false,
    bindings,
    ...(durableObjects ? { durableObjects } : {}),
    host,
    port,
    log: log ?? new Log(verbose ? LogLevel.INFO : LogLevel.WARN),
    ...(handleRuntimeStdio ? { handleRuntimeStdio } : {}),
    ...(durableObjects ? { durableObjects } : {}),
  });
  const url = await mf.ready;
  return { mf, url: url.href.replace(/\/$/, "") };
}

function send(res, status, type, body, extra = {}) {
  res.writeHead(status, { "content-type": type, "cache-control": "no-store", "x-content-type-options": "nosniff", ...extra });
  res.end(body);
}
const sendJson = (res, status, obj) => send(res, status, TYPES[".json"], JSON.stringify(obj));

function readBody(req, limit = 64 * 1024) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let n = 0;
    req.on("data", (c) => {
      n += c.length;
      if (n > limit) {
        reject(new DemoError("body too large"));
        req.destroy();
      } else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** POSTs to the worker from the backend, with no Origin (admin routes refuse pages). */
function forwardAdmin(workerUrl, adminSecret, route, body) {
  return new Promise((resolve, reject) => {
    const u = new URL(`/v1/admin/${route}`, workerUrl);
    const req = http.request(u, {
      method: "POST",
      headers: { authorization: `Bearer ${adminSecret}`, "content-type": "application/json", "content-length": body.length },
    }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** Serves a file under `base` for the URL path `rel`, or answers 404. */
function serveFile(res, base, rel) {
  const file = path.resolve(base, `.${rel}`);
  if (!file.startsWith(base + path.sep) && file !== base) return send(res, 404, "text/plain", "not found");
  let target = file;
  try {
    if (fs.statSync(target).isDirectory()) target = path.join(target, "index.html");
    fs.accessSync(target, fs.constants.R_OK);
  } catch {
    return send(res, 404, "text/plain", "not found");
  }
  res.writeHead(200, {
    "content-type": TYPES[path.extname(target)] ?? "application/octet-stream",
    "cache-control": "no-cache",
    "x-content-type-options": "nosniff",
  });
  fs.createReadStream(target).pipe(res);
}

function csp(workerUrl) {
  return [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' blob: data:",
    // fitImage decodes and encodes in a worker started from a blob: URL.
    "worker-src blob:",
    // The worker, and image URLs the page may try to read for a check.
    `connect-src 'self' ${workerUrl ?? ""} https: http:`,
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** Starts the backend: static files, /config.json, /token and /admin/*. */
async function startSite({ host, port, state }) {
  const www = path.join(root, "www");
  const pkg = path.join(root, "pkg");
  const { issueCaptureToken } = await import(pathToFileURL(path.join(root, "pkg/node/index.mjs")).href);
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, "http://x");
    const p = decodeURIComponent(url.pathname);
    try {
      if (p === "/config.json") {
        return sendJson(res, 200, {
          workerUrl: state.workerUrl,
          admin: Boolean(state.adminSecret && state.workerUrl),
          upstream: state.upstream,
          tokenScopes: SCOPES,
        });
      }
      if (p === "/token") {
        const scope = url.searchParams.get("scope");
        if (!SCOPES.includes(scope)) return sendJson(res, 400, { code: "token.scope", message: `scope must be one of ${SCOPES.join(", ")}` });
        if (typeof issueCaptureToken !== "function") {
          return sendJson(res, 503, { code: "token.unavailable", message: "this package build has no issueCaptureToken yet" });
        }
        const issued = await issueCaptureToken(state.tokenSecret, { scope, ttlSeconds: TOKEN_TTL_SECONDS });
        const token = typeof issued === "string" ? issued : issued.token;
        return sendJson(res, 200, { token, expiresIn: TOKEN_TTL_SECONDS });
      }
      if (p.startsWith("/admin/")) {
        const route = p.slice("/admin/".length);
        if (!state.adminSecret || !state.workerUrl) return sendJson(res, 404, { code: "admin.off", message: "the admin panel is off (DEMO_ADMIN=1 turns it on)" });
        if (req.method !== "POST" || !["csms/list", "csms/delete-tag", "apig/apps"].includes(route)) {
          return sendJson(res, 404, { code: "route.unknown", message: "no such admin route" });
        }
        // A page on another site must not drive the backend's admin calls.
        const origin = req.headers.origin;
        if (origin && !state.origins.includes(origin)) return sendJson(res, 403, { code: "origin.forbidden", message: "wrong origin" });
        const body = await readBody(req);
        const answer = await forwardAdmin(state.workerUrl, state.adminSecret, route, body);
        let text = answer.body || "{}";
        if (route === "apig/apps" && answer.status < 300) {
          // The app secret belongs in a vault, not in a page.
          const obj = JSON.parse(text);
          if (obj.appSecret) obj.appSecret = "[kept by the backend]";
          if (obj.raw?.app_secret) obj.raw.app_secret = "[kept by the backend]";
          text = JSON.stringify(obj);
        }
        return send(res, answer.status, TYPES[".json"], text);
      }
      if (req.method !== "GET" && req.method !== "HEAD") return send(res, 405, "text/plain", "method not allowed");
      if (p.startsWith("/pkg/")) return serveFile(res, pkg, p.slice("/pkg".length));
      if (p === "/" || p === "/index.html") {
        res.setHeader("content-security-policy", csp(state.workerUrl));
        res.setHeader("referrer-policy", "no-referrer");
      }
      return serveFile(res, www, p === "/" ? "/index.html" : p);
    } catch (e) {
      if (!res.headersSent) sendJson(res, 500, { code: "demo.error", message: e instanceof DemoError ? e.message : "the demo backend failed" });
      else res.destroy();
      if (!(e instanceof DemoError)) console.error("demo backend:", e);
    }
  });
  await new Promise((resolve, reject) => {
    server.once("error", (e) =>
      reject(new DemoError(e.code === "EADDRINUSE" ? `port ${port} is taken; set DEMO_PORT to another (0 for any free one)` : e.message)),
    );
    server.listen(port, host, resolve);
  });
  return server;
}

/**
 * Starts the emulator (unless upstream is "cloud"), the worker and the page.
 * Options default from the environment (see the top of this file).
 */
export async function startDemo(options = {}) {
  const env = process.env;
  const o = {
    host: options.host ?? env.DEMO_HOST ?? "127.0.0.1",
    port: Number(options.port ?? env.DEMO_PORT ?? 8080),
    workerPort: Number(options.workerPort ?? env.DEMO_WORKER_PORT ?? 0),
    admin: options.admin ?? env.DEMO_ADMIN === "1",
    upstream: options.upstream ?? (env.DEMO_UPSTREAM === "cloud" ? "cloud" : "emulator"),
    verbose: options.verbose ?? env.DEMO_VERBOSE === "1",
    build: options.build ?? true,
    quiet: options.quiet ?? false,
    emulatorArgs: options.emulatorArgs ?? [],
  };
  checkBuild();
  const state = {
    upstream: o.upstream,
    tokenSecret: randomBytes(32).toString("hex"),
    adminSecret: o.admin ? randomBytes(32).toString("hex") : null,
    workerUrl: null,
    origins: [],
  };
  let emulator = null;
  let worker = null;
  let server = null;
  const stop = async () => {
    await new Promise((r) => (server ? server.close(r) : r()));
    server?.closeAllConnections?.();
    if (worker) await worker.mf.dispose().catch(() => {});
    await stopChild(emulator?.child);
    server = worker = emulator = null;
  };
  try {
    if (o.upstream === "emulator") {
      emulator = await startEmulator({ build: o.build, verbose: o.verbose, host: o.host, extraArgs: o.emulatorArgs });
      log(o.quiet, `demo: emulator at ${emulator.url}`);
    }
    server = await startSite({ host: o.host, port: o.port, state });
    const sitePort = server.address().port;
    state.origins = [`http://${o.host}:${sitePort}`];
    if (o.host === "127.0.0.1") state.origins.push(`http://localhost:${sitePort}`);
    const bindings = workerBindings({
      upstream: o.upstream,
      emulatorUrl: emulator?.url,
      origins: state.origins,
      tokenSecret: state.tokenSecret,
      adminSecret: state.adminSecret,
    });
    // The ledger makes the page's idempotent resends (CaptureQueue) real.
    worker = await startWorker({
      host: o.host,
      port: o.workerPort,
      bindings,
      verbose: o.verbose,
      durableObjects: { CAPTURE_LEDGER: "CaptureLedger" },
    });
    if (worker) {
      state.workerUrl = worker.url;
      log(o.quiet, `demo: worker (workerd) at ${worker.url}${o.upstream === "cloud" ? " → the real clouds" : " → the emulator"}`);
    } else {
      log(o.quiet, "demo: edge/worker.js is not there yet; the page runs its checks but cannot send");
    }
    const url = `http://${o.host}:${sitePort}/`;
    const secretValues = [state.tokenSecret, state.adminSecret, bindings.HUAWEI_AK, bindings.HUAWEI_SK, bindings.TENCENT_SECRET_ID, bindings.TENCENT_SECRET_KEY].filter(Boolean);
    return {
      url,
      workerUrl: state.workerUrl,
      emulatorUrl: emulator?.url ?? null,
      admin: Boolean(state.adminSecret),
      secrets: secretValues,
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

async function main() {
  let demo;
  try {
    demo = await startDemo();
  } catch (e) {
    console.error(`demo: ${e instanceof DemoError ? e.message : e.stack}`);
    process.exit(1);
  }
  console.log(`demo: http://${new URL(demo.url).host}/`);
  console.log("demo: press Ctrl-C to stop");
  let stopping = false;
  const shutdown = async (sig) => {
    if (stopping) return;
    stopping = true;
    console.log(`\ndemo: ${sig}, stopping the page server, the worker and the emulator`);
    await demo.stop();
    console.log("demo: stopped");
    process.exit(0);
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) main();
