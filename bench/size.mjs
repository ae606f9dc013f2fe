// 4. Size: gzipped bytes of what ships, against the official Node SDKs bundled
// with esbuild (minified, then gzipped the same way).
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { benchDir, cacheDir, root, row } from "./lib.mjs";

const gz = (buf) => zlib.gzipSync(buf, { level: 9 }).length;
const gzFiles = (files) => files.reduce((n, f) => n + gz(fs.readFileSync(path.join(root, f))), 0);

// Each peer entry makes the one call the bench compares (an OCR request), so
// tree-shaking keeps what that call needs and no more.
export const PEERS = {
  "tencentcloud-sdk-nodejs-ocr": `
    import { Client } from "tencentcloud-sdk-nodejs-ocr/tencentcloud/services/ocr/v20181119/ocr_client.js";
    const c = new Client({ credential: { secretId: "id", secretKey: "key" }, region: "ap-guangzhou" });
    export const call = (b64) => c.request("VerifyBizLicense", { ImageBase64: b64 });`,
  // Huawei's OCR package is not on the npm registry this bench reaches, so the
  // peer is its core (client, signer, HTTP), which the OCR package wraps.
  "@huaweicloud/huaweicloud-sdk-core": `
    import { BasicCredentials } from "@huaweicloud/huaweicloud-sdk-core";
    import { ClientBuilder } from "@huaweicloud/huaweicloud-sdk-core/ClientBuilder";
    const hc = new ClientBuilder((hcClient) => hcClient)
      .withCredential(new BasicCredentials().withAk("ak").withSk("sk").withProjectId("p"))
      .withEndpoint("https://ocr.cn-north-4.myhuaweicloud.com").build();
    export const call = (b64) => hc.sendRequest({ method: "POST", url: "/v2/{project_id}/ocr/quota-invoice",
      contentType: "application/json;charset=UTF-8", queryParams: {}, pathParams: {}, headers: {}, data: { image: b64 } });`,
};

export async function bundlePeer(name, source) {
  const esbuild = await import("esbuild");
  const dir = path.join(cacheDir, "size");
  fs.mkdirSync(dir, { recursive: true });
  const entry = path.join(dir, `${name.replace(/\W/g, "_")}.mjs`);
  fs.writeFileSync(entry, source);
  const out = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    platform: "node",
    format: "esm",
    write: false,
    logLevel: "error",
    nodePaths: [path.join(benchDir, "node_modules")],
  });
  const code = out.outputFiles[0].contents;
  return { raw: code.length, gzip: gz(code) };
}

export async function run() {
  const browserFiles = ["pkg/web/ocr_edge_bg.wasm", "pkg/web/ocr_edge.js", "pkg/web/index.js"];
  const edgeWasm = fs.readdirSync(path.join(root, "pkg/edge")).filter((f) => f.endsWith(".wasm")).map((f) => `pkg/edge/${f}`);
  const workerFiles = [...edgeWasm, "pkg/edge/ocr_edge.js", "pkg/workerd/index.js", "edge/worker.js"];
  const browser = gzFiles(browserFiles);
  const worker = gzFiles(workerFiles);
  const peers = {};
  for (const [name, src] of Object.entries(PEERS)) peers[name] = await bundlePeer(name, src);
  const tc = peers["tencentcloud-sdk-nodejs-ocr"].gzip;
  const hw = peers["@huaweicloud/huaweicloud-sdk-core"].gzip;
  const rows = [
    row({ id: "size.browser", figure: "size: browser bundle (gzip)", ours: browser, peer: tc, peerName: "tencent ocr sdk", unit: "bytes", goal: "≤ 60 KB", met: browser <= 60 * 1024 }),
    row({ id: "size.browser.huawei", figure: "size: browser bundle vs huawei core", ours: browser, peer: hw, peerName: "huawei sdk core", unit: "bytes" }),
    row({ id: "size.worker", figure: "size: worker (gzip)", ours: worker, peer: tc, peerName: "tencent ocr sdk", unit: "bytes" }),
    row({ id: "size.worker.huawei", figure: "size: worker vs huawei core", ours: worker, peer: hw, peerName: "huawei sdk core", unit: "bytes" }),
  ];
  const detail = {
    browserFiles: Object.fromEntries(browserFiles.map((f) => [f, { raw: fs.statSync(path.join(root, f)).size, gzip: gzFiles([f]) }])),
    workerFiles: Object.fromEntries(workerFiles.map((f) => [f, { raw: fs.statSync(path.join(root, f)).size, gzip: gzFiles([f]) }])),
    peers,
    workersRsHelloWorld: "skipped: building it needs cargo (worker-build), which this bench may not run",
  };
  return { rows, detail };
}
