// The body builders encode with the host's base64 (Node's Buffer here, as
// no Node release has Uint8Array.prototype.toBase64 on by default), in
// pieces, into one buffer; with the host's encoders hidden the crate's own
// encoder gives the same bytes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { buildBizLicenseBody, buildQuotaInvoiceBody } from "ocr-edge";

// 2 MB and a length that is not a multiple of 3: several pieces, a padded end.
const image = Buffer.alloc(2_000_002);
for (let i = 0; i < image.length; i++) image[i] = (i * 7919) & 0xff;
image.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 20, 0, 0, 0, 30, 8, 2, 0, 0, 0]);
const bytes = new Uint8Array(image.buffer, image.byteOffset, image.length);
const b64 = image.toString("base64");

/** Runs `fn` with `Buffer.from` counting the calls it gets with (buffer, offset, length). */
function countingBufferFrom(fn) {
  const own = Buffer.from;
  let views = 0;
  Buffer.from = function (...args) {
    if (args[0] instanceof ArrayBuffer && args.length === 3) views++;
    return own.apply(this, args);
  };
  try {
    return [fn(), views];
  } finally {
    Buffer.from = own;
  }
}

/** Runs `fn` with the host's encoders hidden: no toBase64, no global Buffer. */
function withoutHost(fn) {
  const proto = Uint8Array.prototype;
  const had = Object.getOwnPropertyDescriptor(proto, "toBase64");
  const buffer = Object.getOwnPropertyDescriptor(globalThis, "Buffer");
  if (had) delete proto.toBase64;
  delete globalThis.Buffer;
  try {
    return fn();
  } finally {
    if (had) Object.defineProperty(proto, "toBase64", had);
    Object.defineProperty(globalThis, "Buffer", buffer);
  }
}

test("buildQuotaInvoiceBody: Buffer's base64 in pieces, the crate's bytes", { skip: typeof Uint8Array.prototype.toBase64 === "function" && "this Node has toBase64" }, () => {
  const [body, views] = countingBufferFrom(() => buildQuotaInvoiceBody(bytes));
  assert.ok(views >= 3, `Buffer.from saw ${views} views of a 2 MB image`);
  assert.equal(Buffer.from(body).toString("latin1"), `{"image":"${b64}"}`);
  const own = withoutHost(() => buildQuotaInvoiceBody(bytes));
  assert.ok(Buffer.from(own).equals(Buffer.from(body)), "the crate's encoder gives the same body");
});

test("buildBizLicenseBody: the same, after the caller's fields", () => {
  const [body, views] = countingBufferFrom(() => buildBizLicenseBody(bytes, { RegNum: "91110108563654948X" }));
  assert.ok(views >= 1);
  assert.equal(Buffer.from(body).toString("latin1"), `{"RegNum":"91110108563654948X","ImageBase64":"${b64}"}`);
  const own = withoutHost(() => buildBizLicenseBody(bytes, { RegNum: "91110108563654948X" }));
  assert.ok(Buffer.from(own).equals(Buffer.from(body)));
});

test("an empty image is an empty base64 string either way", () => {
  const empty = new Uint8Array();
  assert.equal(Buffer.from(buildQuotaInvoiceBody(empty)).toString(), '{"image":""}');
  assert.equal(Buffer.from(withoutHost(() => buildQuotaInvoiceBody(empty))).toString(), '{"image":""}');
});
