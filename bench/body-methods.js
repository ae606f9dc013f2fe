// The ways to turn photo bytes into the {"image":"<base64>"} request body,
// ours and what users write today, for Node and for Chromium. Each returns
// the bytes that would go on the wire (encoding the string is part of the cost).

/** Node: name → (ours, bytes) => body. */
export const NODE_METHODS = {
  ours: (ours, bytes) => ours.buildQuotaInvoiceBody(bytes),
  // Native base64 alone: the floor any body builder must pay.
  "Buffer base64": (_, bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("base64"),
  // The careful hand-written body: native base64 written into one exact-size buffer.
  "Buffer base64 into one buffer": (_, bytes) => {
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("base64");
    const out = Buffer.allocUnsafe(12 + text.length);
    out.write('{"image":"', 0, "latin1");
    out.write(text, 10, "latin1");
    out.write('"}', 10 + text.length, "latin1");
    return out;
  },
  // What users write: base64, JSON.stringify, then the UTF-8 bytes http sends.
  "base64+JSON.stringify+encode": (_, bytes) =>
    Buffer.from(JSON.stringify({ image: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("base64") })),
};

const enc = typeof TextEncoder === "function" ? new TextEncoder() : null;

/** The careful hand-written body where the runtime has `toBase64`: native base64 written into one exact-size buffer. */
export function toBase64IntoOneBuffer(bytes) {
  const text = bytes.toBase64();
  const out = new Uint8Array(12 + text.length);
  enc.encodeInto('{"image":"', out);
  enc.encodeInto(text, out.subarray(10));
  enc.encodeInto('"}', out.subarray(10 + text.length));
  return out;
}

function dataUrl(blob) {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(r.result);
    r.onerror = () => reject(r.error);
    r.readAsDataURL(blob);
  });
}

/** Chromium: name → async (ours, bytes, blob) => body (only those the browser has). */
export function browserMethods() {
  const m = {
    ours: async (ours, bytes) => ours.buildQuotaInvoiceBody(bytes),
    "readAsDataURL": async (_, __, blob) => dataUrl(blob),
    "readAsDataURL+JSON.stringify+encode": async (_, __, blob) => {
      const url = await dataUrl(blob);
      return enc.encode(JSON.stringify({ image: url.slice(url.indexOf(",") + 1) }));
    },
  };
  if (typeof Uint8Array.prototype.toBase64 === "function") {
    m["toBase64"] = async (_, bytes) => bytes.toBase64();
    m["toBase64 into one buffer"] = async (_, bytes) => toBase64IntoOneBuffer(bytes);
    m["toBase64+JSON.stringify+encode"] = async (_, bytes) => enc.encode(JSON.stringify({ image: bytes.toBase64() }));
  }
  return m;
}
