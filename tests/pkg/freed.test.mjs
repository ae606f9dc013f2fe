// A call on a freed object (free() or `using`) is an OcrEdgeError with code
// client.freed, through `import` and `require`, not the glue's bare
// "null pointer passed to rust"; and the class and guard work across copies.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import * as esm from "ocr-edge";

const cjs = createRequire(import.meta.url)("ocr-edge");
const IMAGE = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 20, 0, 0, 0, 30, 8, 2, 0, 0, 0]);

const freed = (api) => (e) => {
  assert.ok(e instanceof api.OcrEdgeError, `not an OcrEdgeError: ${e}`);
  assert.ok(api.isOcrEdgeError(e));
  assert.equal(e.code, "client.freed");
  assert.equal(e.kind, "invalid_argument");
  assert.doesNotMatch(e.message, /null pointer/);
  return true;
};

for (const [name, api] of [["import", esm], ["require", cjs]]) {
  const clients = {
    HuaweiClient: () => new api.HuaweiClient({ region: "cn-north-4", projectId: "p", credentials: { accessKey: "a", secretKey: "b" } }),
    TencentClient: () => new api.TencentClient({ credentials: { secretId: "a", secretKey: "b" } }),
    ProxyClient: () => new api.ProxyClient({ baseUrl: "https://proxy.example", token: "t" }),
  };
  const call = {
    HuaweiClient: (c) => c.recognizeQuotaInvoice({ image: IMAGE }),
    TencentClient: (c) => c.verifyBizLicense({ regNum: "911101085636549482" }),
    ProxyClient: (c) => c.recognizeQuotaInvoice({ image: IMAGE }),
  };
  for (const kind of Object.keys(clients)) {
    test(`${name}: a call on a freed ${kind} is client.freed`, async () => {
      const c = clients[kind]();
      c.free();
      await assert.rejects(async () => call[kind](c), freed(api));
    });
    test(`${name}: a call on a disposed ${kind} (using) is client.freed`, async () => {
      const c = clients[kind]();
      c[Symbol.dispose]();
      await assert.rejects(async () => call[kind](c), freed(api));
    });
  }
  test(`${name}: a sync method on a freed ProxyClient throws client.freed`, () => {
    const c = clients.ProxyClient();
    c.free();
    assert.throws(() => c.setToken("u"), freed(api));
  });
}

test("OcrEdgeError: instanceof and the guard across import and require, and for new ones", () => {
  let thrown;
  try {
    esm.probeImage(new Uint8Array(0));
  } catch (e) {
    thrown = e;
  }
  assert.ok(thrown instanceof esm.OcrEdgeError && thrown instanceof cjs.OcrEdgeError);
  assert.ok(esm.isOcrEdgeError(thrown) && cjs.isOcrEdgeError(thrown));
  const made = new esm.OcrEdgeError("m", { kind: "aborted", code: "aborted" });
  assert.ok(made instanceof Error && made instanceof cjs.OcrEdgeError);
  assert.deepEqual([made.name, made.kind, made.code], ["OcrEdgeError", "aborted", "aborted"]);
  assert.ok(!(new Error("plain") instanceof esm.OcrEdgeError));
  assert.ok(!esm.isOcrEdgeError({ name: "OcrEdgeError", code: "x" }));
});
