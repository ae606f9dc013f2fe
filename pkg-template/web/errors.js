// OcrEdgeError: the class every error of the library is an instance of. The
// wasm makes plain Errors branded with a registered symbol; `instanceof`
// checks the brand, so errors from any copy of the package (ESM, CJS, the
// fitter) pass, and so do errors made with `new OcrEdgeError(...)`.
const brand = Symbol.for("ocr-edge.error");

export class OcrEdgeError extends Error {
  constructor(message, fields = {}) {
    super(message);
    this.name = "OcrEdgeError";
    Object.defineProperty(this, brand, { value: true });
    this.kind = fields.kind ?? "protocol";
    this.code = fields.code ?? "internal";
    this.status = fields.status ?? null;
    this.requestId = fields.requestId ?? null;
    this.retryable = fields.retryable ?? false;
    this.attempts = fields.attempts ?? 0;
    this.violations = fields.violations ?? [];
  }

  static [Symbol.hasInstance](value) {
    return isOcrEdgeError(value);
  }
}

export function isOcrEdgeError(value) {
  return value instanceof Error && value[brand] === true;
}

// What the wasm glue throws on its own ("null pointer passed to rust" after
// free(), a re-entrant call), as typed errors rather than bare Errors.
export function glueError(message) {
  if (/null pointer passed to rust/.test(message)) {
    return new OcrEdgeError("this object was freed (free() or `using`); create a new one", { kind: "invalid_argument", code: "client.freed" });
  }
  if (/recursive use of an object/.test(message)) {
    return new OcrEdgeError("this object is in use by another call; await it first", { kind: "protocol", code: "client.busy" });
  }
  return new OcrEdgeError(message, { kind: "protocol", code: "internal" });
}

// The browser glue's `wasm` until it is loaded (build-pkg.sh): a sync call
// that early gets this error, not "cannot read properties of undefined".
export function notReady() {
  return new Proxy({}, {
    get() {
      throw new OcrEdgeError('ocr-edge is still loading its wasm: `await init()` (from "ocr-edge") before sync calls', { kind: "invalid_argument", code: "wasm.not_ready" });
    },
  });
}
