// An unknown Huawei region is a typed error before anything is sent, not a
// host that does not exist; `endpoint`, given instead, reaches a region we do not list.
import { test } from "node:test";
import assert from "node:assert/strict";
import { HuaweiClient } from "ocr-edge";

const hosts = [];
const fetch = async (url) => {
  hosts.push(new URL(url).host);
  return new Response(JSON.stringify({ result: { number: "1" } }), { status: 200 });
};
const client = (extra) => new HuaweiClient({ projectId: "p", credentials: { accessKey: "a", secretKey: "b" }, fetch, maxRetries: 0, ...extra });

test("region mars-1: region.unknown naming endpoint, nothing sent", async () => {
  hosts.length = 0;
  await assert.rejects(client({ region: "mars-1" }).recognizeQuotaInvoice({ url: "https://example.com/a.jpg" }), (e) => {
    assert.equal(e.code, "region.unknown");
    assert.equal(e.kind, "invalid_argument");
    assert.match(e.message, /endpoint/);
    return true;
  });
  assert.deepEqual(hosts, []);
});

test("a known region builds its host; an endpoint (instead of region) reaches an unlisted one", async () => {
  hosts.length = 0;
  await client({ region: "cn-north-4" }).recognizeQuotaInvoice({ url: "https://example.com/a.jpg" });
  await client({ endpoint: "https://ocr.mars-1.example" }).recognizeQuotaInvoice({ url: "https://example.com/a.jpg" });
  assert.deepEqual(hosts, ["ocr.cn-north-4.myhuaweicloud.com", "ocr.mars-1.example"]);
});
