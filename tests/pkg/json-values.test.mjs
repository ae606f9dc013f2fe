// Parameters and fields reach the wire as JSON.stringify writes them, read
// back by the host (no JSON parser in wasm): nested objects whole, numbers
// exact, and what JSON cannot carry refused with a typed error.
import { test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { buildBizLicenseBody, ProxyClient } from "ocr-edge";

const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 20, 0, 0, 0, 30, 8, 2, 0, 0, 0]);
const body = (fields) => JSON.parse(new TextDecoder().decode(buildBizLicenseBody(png, fields)));
const code = (f) => {
  try {
    f();
  } catch (e) {
    return e.code;
  }
  return "no error";
};

test("buildBizLicenseBody: nested values whole, the caller's order on top", () => {
  const fields = { RegNum: "x", Extra: { b: [1, 2.5, null, true], a: "é" }, When: new Date(0), Big: 2 ** 53 + 2, Neg: -7 };
  const got = body(fields);
  assert.deepEqual(Object.keys(got), ["RegNum", "Extra", "When", "Big", "Neg", "ImageBase64"]);
  assert.deepEqual(got.Extra, { a: "é", b: [1, 2.5, null, true] });
  assert.equal(got.When, "1970-01-01T00:00:00.000Z");
  assert.equal(got.Big, 2 ** 53 + 2);
  assert.equal(got.Neg, -7);
  assert.equal(got.ImageBase64, Buffer.from(png).toString("base64"));
});

test("buildBizLicenseBody: what JSON cannot carry is argument.type", () => {
  assert.equal(code(() => buildBizLicenseBody(png, { Name: "\ud800" })), "argument.type");
  assert.equal(code(() => buildBizLicenseBody(png, { Name: undefined })), "argument.type");
  assert.equal(code(() => buildBizLicenseBody(png, { Name: () => 1 })), "argument.type");
  let deep = 1;
  for (let i = 0; i < 500; i++) deep = [deep];
  assert.equal(code(() => buildBizLicenseBody(png, { Deep: deep })), "argument.type");
  // 127 levels below the field are fine, as a JSON parser's limit allows.
  let ok = 1;
  for (let i = 0; i < 127; i++) ok = [ok];
  assert.equal(body({ Deep: ok }).Deep.flat(Infinity)[0], 1);
});

test("ProxyClient: an object parameter reaches the worker whole, as JSON and as query text", async (t) => {
  const seen = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      seen.push({ url: req.url, type: req.headers["content-type"], body: Buffer.concat(chunks) });
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ requestId: "r", regNum: null, name: null, address: null }));
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  t.after(() => server.close());
  const client = new ProxyClient({ baseUrl: `http://127.0.0.1:${server.address().port}`, token: "t", maxRetries: 0 });
  const imageConfig = { regNum: true, name: true, address: false };
  await client.verifyBizLicense({ imageBase64: Buffer.from(png).toString("base64"), imageConfig }).catch(() => {});
  await client.verifyBizLicense({ image: png, imageConfig, skip: undefined }).catch(() => {});
  assert.equal(seen.length, 2);
  assert.equal(seen[0].type, "application/json");
  assert.deepEqual(JSON.parse(seen[0].body).imageConfig, imageConfig);
  const query = new URL(seen[1].url, "http://x").searchParams;
  assert.deepEqual(query.get("imageConfig")?.split(",").sort(), ["name", "regNum"]);
  await assert.rejects(client.verifyBizLicense({ image: png, name: "\udc00" }), { code: "argument.type" });
  assert.equal(seen.length, 2, "a refused parameter sends nothing");
});
