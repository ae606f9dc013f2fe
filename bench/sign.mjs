// 3. Signing and request preparation of a ~7 MB OCR request, in Node: our
// HuaweiClient/TencentClient against the official SDKs' own call paths.
//
// Every client calls a loopback stub that reads the whole body and answers at
// once with a reply it recorded from the emulator (so our clients, which
// validate answers, get a real one). "call" rows are the whole client call;
// "prep" rows subtract the bare transfer of the same body (ours) or run the
// SDK's preparation code without sending (peers): see the README.
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { createRequire } from "node:module";
import { DEV_CREDENTIALS, startEmulator, stopChild } from "../scripts/demo.mjs";
import { benchDir, importOurs, root, row, time } from "./lib.mjs";

const req = createRequire(path.join(benchDir, "package.json"));

/** A stub upstream: replays the first answer per route and action, after draining the body. */
export async function startStub(emulatorUrl) {
  const emu = new URL(emulatorUrl);
  const cache = new Map();
  let bodyBytes = 0;
  const server = http.createServer((rq, rs) => {
    const chunks = [];
    rq.on("data", (c) => chunks.push(c));
    rq.on("end", () => {
      const body = Buffer.concat(chunks);
      bodyBytes = body.length;
      const key = `${rq.url.split("?")[0]}|${rq.headers["x-tc-action"] ?? ""}`;
      const hit = cache.get(key);
      if (hit) return rs.writeHead(hit.status, hit.headers).end(hit.body);
      if (rq.url === "/bare") return rs.writeHead(200, { "content-type": "application/json" }).end("{}");
      // First time: forward as received (Host included, so the signature holds) and record.
      const up = http.request({ host: emu.hostname, port: emu.port, method: rq.method, path: rq.url, headers: rq.headers }, (ur) => {
        const parts = [];
        ur.on("data", (c) => parts.push(c));
        ur.on("end", () => {
          const rec = { status: ur.statusCode, headers: { "content-type": ur.headers["content-type"] ?? "application/json" }, body: Buffer.concat(parts) };
          if (rec.status === 200) cache.set(key, rec);
          rs.writeHead(rec.status, rec.headers).end(rec.body);
        });
      });
      up.on("error", (e) => rs.writeHead(502).end(String(e)));
      up.end(body);
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return { server, url: `http://127.0.0.1:${server.address().port}`, cache, lastBody: () => bodyBytes };
}

/** The SDK's OCR client; VerifyBizLicense goes through its own request(), as each generated method does. */
function tencentSdk(stubUrl) {
  const { Client } = req("tencentcloud-sdk-nodejs-ocr/tencentcloud/services/ocr/v20181119/ocr_client.js");
  const u = new URL(stubUrl);
  return new Client({
    credential: { secretId: DEV_CREDENTIALS.TENCENT_SECRET_ID, secretKey: DEV_CREDENTIALS.TENCENT_SECRET_KEY },
    region: "ap-guangzhou",
    profile: { httpProfile: { endpoint: u.host, protocol: "http://", reqTimeout: 60 } },
  });
}

/** The Tencent SDK's preparation without the send: what HttpConnection.doRequestWithSign3 does before fetch. */
function tencentPrep(stubUrl) {
  const commonReq = createRequire(req.resolve("tencentcloud-sdk-nodejs-common"));
  const Sign = commonReq("./common/sign.js").default;
  const JSONbig = commonReq("json-bigint")({ useNativeBigInt: true });
  return (data) => {
    const headers = { "Content-Type": "application/json", "X-TC-Action": "VerifyBizLicense", "X-TC-Timestamp": String(Math.floor(Date.now() / 1000)) };
    const body = JSONbig.stringify(data);
    const auth = Sign.sign3({ method: "POST", url: stubUrl + "/", payload: data, timestamp: Math.floor(Date.now() / 1000), service: "ocr", secretId: "id", secretKey: "key", headers });
    return body.length + auth.length;
  };
}

function huaweiSdk(stubUrl) {
  // The same modules the generated OCR client imports.
  const core = req("@huaweicloud/huaweicloud-sdk-core");
  const { ClientBuilder } = req("@huaweicloud/huaweicloud-sdk-core/ClientBuilder");
  const cred = new core.BasicCredentials().withAk(DEV_CREDENTIALS.HUAWEI_AK).withSk(DEV_CREDENTIALS.HUAWEI_SK).withProjectId(DEV_CREDENTIALS.HUAWEI_PROJECT_ID);
  const hc = new ClientBuilder((hcClient) => hcClient).withCredential(cred).withEndpoint(stubUrl).build();
  // The options the generated OcrClient.recognizeQuotaInvoice passes to sendRequest.
  const options = (b64) => ({
    method: "POST",
    url: "/v2/{project_id}/ocr/quota-invoice",
    contentType: "application/json;charset=UTF-8",
    queryParams: {},
    pathParams: {},
    headers: { "Content-Type": "application/json;charset=UTF-8" },
    data: { image: b64 },
  });
  return { call: (b64) => hc.sendRequest(options(b64)), prep: (b64) => hc.buildRequest(options(b64)) };
}

export async function run(ctx) {
  const { corpus, quick } = ctx;
  const reps = quick ? 2 : 9;
  const warmup = quick ? 1 : 2;
  const ours = await importOurs();
  process.env.CARGO_TARGET_DIR ??= path.join(process.env.HOME, ".cache/ocr-edge/target");
  const emu = await startEmulator({ build: false, verbose: false, host: "127.0.0.1", extraArgs: [] });
  const stub = await startStub(emu.url);
  const detail = { measured: {} };
  const rows = [];
  try {
    const hw = new ours.HuaweiClient({ endpoint: stub.url, projectId: DEV_CREDENTIALS.HUAWEI_PROJECT_ID, credentials: { accessKey: DEV_CREDENTIALS.HUAWEI_AK, secretKey: DEV_CREDENTIALS.HUAWEI_SK }, maxRetries: 0, timeoutMs: 60_000 });
    const tc = new ours.TencentClient({ endpoint: stub.url, region: "ap-guangzhou", credentials: { secretId: DEV_CREDENTIALS.TENCENT_SECRET_ID, secretKey: DEV_CREDENTIALS.TENCENT_SECRET_KEY }, maxRetries: 0, timeoutMs: 60_000 });
    // Record one real answer per route from the emulator.
    const fixture = (n) => new Uint8Array(fs.readFileSync(path.join(root, "emulator/fixtures/images", n)));
    await hw.recognizeQuotaInvoice({ image: fixture("quota-invoice.png") });
    await tc.verifyBizLicense({ image: fixture("biz-license.png") });

    // Huawei allows 10 MB of base64: the 7 MB photo. Tencent allows 7 MB of
    // base64: its largest request is a ~5 MB photo.
    const hwPhoto = corpus.photos.find((p) => p.roles.includes("worker") && p.size > 5e6) ?? corpus.photos.at(-1);
    const tcPhoto = corpus.photos.filter((p) => p.size * (4 / 3) < 7e6).at(-1);
    const huaweiPeer = huaweiSdk(stub.url);
    const tencentPeer = tencentSdk(stub.url);
    const tencentPrepare = tencentPrep(stub.url);
    const buf = (p) => Buffer.from(p.bytes.buffer, p.bytes.byteOffset, p.bytes.length);
    const bare = (bytes) => fetch(`${stub.url}/bare`, { method: "POST", body: bytes, headers: { "content-type": "application/json" } }).then((r) => r.arrayBuffer());
    const o = { warmup, reps };
    const m = {
      huawei: {
        photo: hwPhoto.name,
        photoBytes: hwPhoto.size,
        ours: await time(() => hw.recognizeQuotaInvoice({ image: hwPhoto.bytes }), o),
        peer: await time(() => huaweiPeer.call(buf(hwPhoto).toString("base64")), o),
        peerPrep: await time(() => huaweiPeer.prep(buf(hwPhoto).toString("base64")), o),
      },
      tencent: {
        photo: tcPhoto.name,
        photoBytes: tcPhoto.size,
        ours: await time(() => tc.verifyBizLicense({ image: tcPhoto.bytes }), o),
        peer: await time(() => tencentPeer.request("VerifyBizLicense", { ImageBase64: buf(tcPhoto).toString("base64") }), o),
        peerPrep: await time(() => tencentPrepare({ ImageBase64: buf(tcPhoto).toString("base64") }), o),
      },
    };
    // The bare transfer of a body of the same size, to take out of our call.
    for (const k of ["huawei", "tencent"]) {
      const photo = k === "huawei" ? hwPhoto : tcPhoto;
      const body = ours.buildQuotaInvoiceBody(photo.bytes);
      m[k].bodyBytes = body.length;
      m[k].bareTransfer = await time(() => bare(body), o);
      m[k].oursPrep = Math.max(0, m[k].ours.median - m[k].bareTransfer.median);
    }
    detail.measured = m;
    const f = (k, name) => `${name} ${(m[k].bodyBytes / 1e6).toFixed(1)} MB body`;
    rows.push(
      row({ id: "sign.huawei.call", figure: `sign+send ${f("huawei", "huawei")}`, ours: m.huawei.ours.median, peer: m.huawei.peer.median, peerName: "huawei sdk-core sendRequest", unit: "ms", goal: "≤ peer", met: m.huawei.ours.median <= m.huawei.peer.median }),
      row({ id: "sign.huawei.prep", figure: `prepare+sign ${f("huawei", "huawei")}`, ours: m.huawei.oursPrep, peer: m.huawei.peerPrep.median, peerName: "base64+HcClient.buildRequest", unit: "ms" }),
      row({ id: "sign.tencent.call", figure: `sign+send ${f("tencent", "tencent")}`, ours: m.tencent.ours.median, peer: m.tencent.peer.median, peerName: "tencentcloud-sdk request()", unit: "ms", goal: "≤ peer", met: m.tencent.ours.median <= m.tencent.peer.median }),
      row({ id: "sign.tencent.prep", figure: `prepare+sign ${f("tencent", "tencent")}`, ours: m.tencent.oursPrep, peer: m.tencent.peerPrep.median, peerName: "base64+JSONbig+Sign.sign3", unit: "ms" }),
    );
  } finally {
    stub.server.close();
    stub.server.closeAllConnections?.();
    await stopChild(emu.child);
  }
  return { rows, detail };
}
