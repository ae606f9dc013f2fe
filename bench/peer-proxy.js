// The peer for the worker-overhead figures: the proxy a careful developer
// would write by hand. It takes the photo bytes, writes {"image":"<base64>"}
// with the runtime's native base64 into one exact-size buffer, signs the call
// with Huawei SDK-HMAC-SHA256 through WebCrypto and forwards it. It checks
// nothing: no capture token, no origin, no image validation.
const enc = new TextEncoder();

const hex = (buf) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, "0")).join("");
const sha256 = async (data) => hex(await crypto.subtle.digest("SHA-256", data));

async function hmacHex(key, message) {
  const k = await crypto.subtle.importKey("raw", enc.encode(key), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return hex(await crypto.subtle.sign("HMAC", k, enc.encode(message)));
}

function base64(bytes) {
  if (typeof bytes.toBase64 === "function") return bytes.toBase64();
  // btoa wants a binary string; build it in slices to keep argument lists short.
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

// The body as one buffer: base64 needs no JSON escaping, so no JSON.stringify.
const PREFIX = enc.encode('{"image":"');
const SUFFIX = enc.encode('"}');
function jsonBody(b64) {
  const body = new Uint8Array(PREFIX.length + b64.length + SUFFIX.length);
  body.set(PREFIX);
  enc.encodeInto(b64, body.subarray(PREFIX.length));
  body.set(SUFFIX, PREFIX.length + b64.length);
  return body;
}

// YYYYMMDDTHHMMSSZ, the X-Sdk-Date format.
const sdkDate = (d) => d.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");

async function forward(request, env) {
  const image = new Uint8Array(await request.arrayBuffer());
  const body = jsonBody(base64(image));
  const url = new URL(`/v2/${env.HUAWEI_PROJECT_ID}/ocr/quota-invoice`, env.UPSTREAM_HUAWEI);
  const headers = {
    "content-type": "application/json",
    host: url.host,
    "x-project-id": env.HUAWEI_PROJECT_ID,
    "x-sdk-date": sdkDate(new Date()),
  };
  const names = Object.keys(headers).sort();
  const canonical = [
    "POST",
    url.pathname.endsWith("/") ? url.pathname : url.pathname + "/",
    "",
    names.map((n) => `${n}:${headers[n].trim()}\n`).join(""),
    names.join(";"),
    await sha256(body),
  ].join("\n");
  const toSign = `SDK-HMAC-SHA256\n${headers["x-sdk-date"]}\n${await sha256(enc.encode(canonical))}`;
  const signature = await hmacHex(env.HUAWEI_SK, toSign);
  const out = new Headers(headers);
  out.delete("host");
  out.set("authorization", `SDK-HMAC-SHA256 Access=${env.HUAWEI_AK}, SignedHeaders=${names.join(";")}, Signature=${signature}`);
  const upstream = await fetch(url, { method: "POST", headers: out, body });
  return new Response(upstream.body, { status: upstream.status, headers: { "content-type": "application/json" } });
}

export default {
  async fetch(request, env) {
    if (request.method !== "POST") return new Response("POST only", { status: 405 });
    return forward(request, env);
  },
};
