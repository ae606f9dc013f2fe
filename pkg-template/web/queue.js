// CaptureQueue: document photos kept in IndexedDB until the worker has
// answered, so a dropped connection, a reload or a closed tab loses none.
// Each item carries its own Idempotency-Key: a resend after a lost answer
// gets the first answer and the cloud is called once. Plain JavaScript on
// top of ProxyClient; it runs in a page and in a dedicated Web Worker.
// The entry's fitImage, which waits for the wasm (the entry re-exports this module).
import { fitImage } from "./index.js";
import { OcrEdgeError } from "./errors.js";

// Operation id → ProxyClient method and the fitting target.
const OPERATIONS = {
  "huawei.quotaInvoice": "recognizeQuotaInvoice",
  "huawei.vatInvoice": "recognizeVatInvoice",
  "huawei.businessLicense": "recognizeBusinessLicense",
  "tencent.bizLicenseOcr": "bizLicenseOcr",
  "tencent.bizLicense": "verifyBasicBizLicense",
  "tencent.bizLicense.detailed": "verifyBizLicense",
};
const target = (operation) => operation.replace(/\.detailed$/, "");

const ITEMS = "items";
const PHOTOS = "photos";
// Consecutive token refusals answered with a fresh client before an item fails.
const TOKEN_REFRESHES = 2;

const online = () => globalThis.navigator?.onLine !== false;
const wrong = (message, code = "argument.type") => new OcrEdgeError(message, { kind: "invalid_argument", code });
const storageError = (message, code = "queue.storage") => new OcrEdgeError(message, { kind: "unavailable", code });

/** An IDBRequest as a promise. */
function request(r) {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

/** A transaction's end: resolves on commit, rejects with its error on abort. */
function settled(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = tx.onerror = () => reject(tx.error ?? new DOMException("the transaction was aborted", "AbortError"));
  });
}

/** A failed write as a typed error; a full disk is `queue.no_space`. */
function writeError(e) {
  if (e instanceof OcrEdgeError) return e;
  if (e?.name === "QuotaExceededError") return storageError("the browser's storage quota refused the photo", "queue.no_space");
  return storageError(`IndexedDB failed: ${e?.message ?? e}`);
}

function openDb(name) {
  if (!globalThis.indexedDB) return Promise.reject(storageError("this runtime has no IndexedDB"));
  return new Promise((resolve, reject) => {
    const r = indexedDB.open(name, 1);
    r.onupgradeneeded = () => {
      r.result.createObjectStore(ITEMS, { keyPath: "id" });
      r.result.createObjectStore(PHOTOS);
    };
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(writeError(r.error));
    r.onblocked = () => reject(storageError(`the IndexedDB database "${name}" is held open by an older version`));
  });
}

/** An error as a plain object IndexedDB can store. */
function plainError(e) {
  const o = e && typeof e === "object" ? e : {};
  return {
    message: String(o.message ?? e),
    kind: o.kind ?? "protocol",
    code: o.code ?? "internal",
    status: o.status ?? null,
    requestId: o.requestId ?? null,
    retryable: o.retryable ?? false,
    attempts: o.attempts ?? 0,
    violations: Array.isArray(o.violations) ? o.violations.map((v) => ({ ...v })) : [],
  };
}

const revive = (p) => (p ? new OcrEdgeError(p.message, p) : null);

/**
 * What to do after an error: `token` (ask for a fresh client), `transient`
 * (network, timeout, 408, 409, 429, 5xx: back off and resend) or `refused`
 * (fail the item at once: its violations or any other 4xx).
 */
function verdict(e) {
  const code = String(e?.code ?? "");
  if (code.startsWith("token.") && e?.kind === "auth") return "token";
  if (e?.violations?.length) return "refused";
  const s = e?.status;
  if (typeof s === "number" && s >= 400) return s >= 500 || s === 408 || s === 409 || s === 429 ? "transient" : "refused";
  return e?.retryable ? "transient" : "refused";
}

/** The public view of a stored item. */
function view(i) {
  return {
    id: i.id,
    operation: i.operation,
    state: i.state,
    attempts: i.attempts,
    size: i.size,
    createdAt: i.createdAt,
    error: revive(i.error),
    hasResult: i.state === "done",
  };
}

/** The events a CaptureQueue dispatches: `progress`, `result`, `failed`, `change`. */
export class CaptureQueueEvent extends Event {
  constructor(type, fields) {
    super(type);
    this.id = fields.id;
    this.item = fields.item ?? null;
    this.result = fields.result;
    this.error = fields.error ?? null;
    this.stage = fields.stage;
    this.retryInMs = fields.retryInMs;
  }
}

const positive = (v, name, dflt, max = Infinity) => {
  if (v === undefined) return dflt;
  if (typeof v !== "number" || !(v > 0) || v > max) throw wrong(`${name} must be a number above 0${max < Infinity ? ` and at most ${max}` : ""}`);
  return v;
};

export class CaptureQueue extends EventTarget {
  #name;
  #fixed = null; // a ProxyClient given as is
  #factory = null; // or a function making one per operation
  #clients = new Map();
  #maxItems;
  #maxBytes;
  #concurrency;
  #maxAttempts;
  #retryDelayMs;
  #maxRetryDelayMs;
  #db;
  #running = new Map(); // id → AbortController
  #pauseUntil = 0;
  #failures = 0;
  #timer = null;
  #pumping = false;
  #again = false;
  #closed = false;
  #onOnline = () => {
    this.#pauseUntil = 0;
    this.#failures = 0;
    this.#pump();
  };

  constructor(options = {}) {
    super();
    const { proxy, name = "ocr-edge" } = options;
    if (typeof proxy === "function") this.#factory = proxy;
    else if (proxy && typeof proxy === "object" && typeof proxy.recognizeQuotaInvoice === "function") this.#fixed = proxy;
    else throw wrong("proxy must be a ProxyClient or a function returning a promise of one");
    if (typeof name !== "string" || !name) throw wrong("name must be a non-empty string");
    this.#name = name;
    this.#maxItems = positive(options.maxItems, "maxItems", 50);
    this.#maxBytes = positive(options.maxBytes, "maxBytes", 200_000_000);
    this.#concurrency = positive(options.concurrency, "concurrency", 1, 2) > 1 ? 2 : 1;
    this.#maxAttempts = positive(options.maxAttempts, "maxAttempts", 8);
    this.#retryDelayMs = positive(options.retryDelayMs, "retryDelayMs", 1000);
    this.#maxRetryDelayMs = positive(options.maxRetryDelayMs, "maxRetryDelayMs", 60_000);
    this.#db = openDb(name);
    // Items a closed tab left in flight are sent again; their key makes that safe.
    this.ready = this.#db.then(async () => {
      for (const i of await this.#all()) if (i.state === "sending") await this.#update(i.id, (x) => void (x.state = "stored"));
      globalThis.addEventListener?.("online", this.#onOnline);
      this.#pump();
    });
    this.ready.catch(() => {});
  }

  /** The IndexedDB database this queue keeps its items in. */
  get name() {
    return this.#name;
  }

  /**
   * Stores a photo (fitted first with `fit: true`) and resolves with its id
   * once it is in IndexedDB; sending starts when the queue is online.
   */
  async add(input, options = {}) {
    const { operation, params = {}, fit = false } = options ?? {};
    if (!Object.hasOwn(OPERATIONS, operation)) {
      throw wrong(`operation must be one of ${Object.keys(OPERATIONS).join(", ")}`, "target.unknown");
    }
    let blob;
    if (input instanceof Blob) blob = input;
    else if (input instanceof ArrayBuffer || ArrayBuffer.isView(input)) blob = new Blob([input]);
    else throw wrong("the photo must be a Blob, a File, a Uint8Array or an ArrayBuffer");
    if (!params || typeof params !== "object") throw wrong("params must be an object");
    const other = ["image", "imageBase64", "url", "imageUrl"].find((k) => params[k] !== undefined);
    if (other) throw wrong(`the photo is add()'s first argument; params must not hold ${other}`, "argument.conflict");
    const plain = JSON.parse(JSON.stringify(params));
    if (fit) blob = (await fitImage(blob, target(operation))).blob;
    const db = await this.#db;
    const item = {
      id: crypto.randomUUID(),
      key: crypto.randomUUID(),
      seq: performance.timeOrigin + performance.now(),
      operation,
      params: plain,
      state: "stored",
      attempts: 0,
      size: blob.size,
      createdAt: Date.now(),
      error: null,
      result: null,
    };
    let tx;
    try {
      tx = db.transaction([ITEMS, PHOTOS], "readwrite");
      const end = settled(tx);
      end.catch(() => {});
      const all = await request(tx.objectStore(ITEMS).getAll());
      const bytes = all.reduce((n, i) => n + (i.state === "done" ? 0 : i.size), 0);
      if (all.length >= this.#maxItems || bytes + blob.size > this.#maxBytes) {
        tx.abort();
        throw storageError(
          all.length >= this.#maxItems
            ? `the queue holds its ${this.#maxItems} items; take or remove some first`
            : `the photo (${blob.size} B) would pass the queue's ${this.#maxBytes} B; take or remove some first`,
          "queue.full",
        );
      }
      tx.objectStore(ITEMS).put(item);
      tx.objectStore(PHOTOS).put(blob, item.id);
      await end;
    } catch (e) {
      // Neither the item nor its photo is kept when either write fails.
      try {
        tx?.abort();
      } catch {
        // Already finished or aborted.
      }
      throw writeError(e);
    }
    this.#emit("change", item);
    this.#pump();
    return { id: item.id };
  }

  /** Every item with its state and attempts, oldest first. */
  async items() {
    return (await this.#all()).map(view);
  }

  /** Sends a failed item again (with its same key). False when it is not failed. */
  async retry(id) {
    const item = await this.#update(id, (i) => {
      if (i.state !== "failed") return false;
      i.state = "stored";
      i.error = null;
    });
    if (!item) return false;
    this.#failures = 0;
    this.#pauseUntil = 0;
    this.#emit("change", item);
    this.#pump();
    return true;
  }

  /** Deletes an item and its photo, stopping its send. False when there was none. */
  async remove(id) {
    this.#running.get(id)?.abort();
    const db = await this.#db;
    const tx = db.transaction([ITEMS, PHOTOS], "readwrite");
    const end = settled(tx);
    const had = (await request(tx.objectStore(ITEMS).getKey(id))) !== undefined;
    tx.objectStore(ITEMS).delete(id);
    tx.objectStore(PHOTOS).delete(id);
    await end.catch((e) => Promise.reject(writeError(e)));
    if (had) this.#emit("change", { id, state: "removed" });
    return had;
  }

  /** The result of a done item, deleting it; undefined when it is not done. */
  async take(id) {
    const db = await this.#db;
    const tx = db.transaction([ITEMS, PHOTOS], "readwrite");
    const end = settled(tx);
    const item = await request(tx.objectStore(ITEMS).get(id));
    if (item?.state !== "done") {
      tx.abort();
      await end.catch(() => {});
      return undefined;
    }
    tx.objectStore(ITEMS).delete(id);
    tx.objectStore(PHOTOS).delete(id);
    await end.catch((e) => Promise.reject(writeError(e)));
    this.#emit("change", { id, state: "taken" });
    return item.result;
  }

  /** Stops sending and closes the database; the items stay for the next queue. */
  async close() {
    this.#closed = true;
    clearTimeout(this.#timer);
    globalThis.removeEventListener?.("online", this.#onOnline);
    for (const ac of this.#running.values()) ac.abort();
    (await this.#db.catch(() => null))?.close();
  }

  #emit(type, item, extra = {}) {
    const v = item.operation ? view(item) : null;
    this.dispatchEvent(new CaptureQueueEvent(type, { id: item.id, item: v, ...extra }));
  }

  async #all() {
    const db = await this.#db;
    const all = await request(db.transaction(ITEMS).objectStore(ITEMS).getAll());
    return all.sort((a, b) => a.seq - b.seq);
  }

  /** Changes one item in one transaction; `change` returning false leaves it. */
  async #update(id, change) {
    const db = await this.#db;
    const tx = db.transaction([ITEMS, PHOTOS], "readwrite");
    const end = settled(tx);
    const item = await request(tx.objectStore(ITEMS).get(id));
    if (!item || change(item, tx) === false) {
      tx.abort();
      await end.catch(() => {});
      return null;
    }
    tx.objectStore(ITEMS).put(item);
    await end;
    return item;
  }

  #client(operation) {
    if (this.#fixed) return Promise.resolve(this.#fixed);
    let c = this.#clients.get(operation);
    if (!c) {
      c = Promise.resolve().then(() => this.#factory(operation));
      this.#clients.set(operation, c);
      c.catch(() => this.#clients.get(operation) === c && this.#clients.delete(operation));
    }
    return c;
  }

  /** Starts sends while online, unpaused and under the concurrency, oldest first. */
  async #pump() {
    if (this.#pumping) {
      this.#again = true;
      return;
    }
    this.#pumping = true;
    try {
      do {
        this.#again = false;
        if (this.#closed || !online()) return;
        const wait = this.#pauseUntil - Date.now();
        if (wait > 0) {
          clearTimeout(this.#timer);
          // Capped to what setTimeout holds (a longer Retry-After wakes early and waits again).
          this.#timer = setTimeout(() => this.#pump(), Math.min(wait, 2 ** 31 - 1));
          return;
        }
        for (const item of await this.#all()) {
          if (this.#running.size >= this.#concurrency) break;
          if (item.state === "stored" && !this.#running.has(item.id)) this.#send(item.id);
        }
      } while (this.#again);
    } catch {
      // IndexedDB failed; the next add, retry or online event tries again.
    } finally {
      this.#pumping = false;
    }
  }

  async #send(id) {
    const ac = new AbortController();
    this.#running.set(id, ac);
    try {
      await this.#attempt(id, ac.signal);
    } catch (e) {
      if (!ac.signal.aborted) {
        const item = await this.#update(id, (i) => {
          i.state = "failed";
          i.error = plainError(writeError(e));
        }).catch(() => null);
        if (item) this.#emit("failed", item, { error: revive(item.error) });
      }
    } finally {
      this.#running.delete(id);
      this.#pump();
    }
  }

  async #attempt(id, signal) {
    let photo;
    let item = await this.#update(id, (i, tx) => {
      if (i.state !== "stored") return false;
      i.state = "sending";
      tx.objectStore(PHOTOS).get(id).onsuccess = (ev) => (photo = ev.target.result);
    });
    if (!item) return;
    if (!photo) throw storageError("the stored photo is gone (the browser cleared the site's storage?)");
    const method = OPERATIONS[item.operation];
    let refreshes = 0;
    for (;;) {
      item = await this.#update(id, (i) => void (i.attempts += 1));
      if (!item || signal.aborted) return;
      this.#emit("change", item);
      this.#emit("progress", item, { stage: "sending" });
      let error;
      let fromFactory = true;
      const pending = this.#client(item.operation);
      try {
        const client = await pending;
        fromFactory = false;
        const result = await client[method]({ ...item.params, image: photo }, { signal, idempotencyKey: item.key });
        const done = await this.#update(id, (i, tx) => {
          i.state = "done";
          i.result = result;
          i.error = null;
          tx.objectStore(PHOTOS).delete(id);
        });
        this.#failures = 0;
        if (done) {
          this.#emit("change", done);
          this.#emit("result", done, { result });
        }
        return;
      } catch (e) {
        error = e;
      }
      if (signal.aborted) return;
      // A factory that fails (the token backend unreachable) is tried again later.
      let v = fromFactory ? "transient" : verdict(error);
      if (v === "token" && this.#factory && refreshes++ < TOKEN_REFRESHES) {
        // Dropped only if no other send has replaced it with a fresh one already.
        if (this.#clients.get(item.operation) === pending) this.#clients.delete(item.operation);
        continue;
      }
      // Offline, the send waits for the `online` event and costs no attempt.
      const offline = !online();
      if (v === "token" || (!offline && item.attempts >= this.#maxAttempts)) v = "refused";
      if (v === "transient") {
        if (!offline) this.#failures += 1;
        const backoff = Math.min(this.#maxRetryDelayMs, this.#retryDelayMs * 2 ** Math.max(0, this.#failures - 1));
        const wait = Math.max(backoff * (0.5 + Math.random() / 2), Number(error?.retryAfterMs) || 0);
        this.#pauseUntil = Date.now() + wait;
        const back = await this.#update(id, (i) => {
          i.state = "stored";
          if (offline) i.attempts -= 1;
          i.error = plainError(error);
        });
        if (back) {
          this.#emit("change", back);
          this.#emit("progress", back, { stage: "waiting", retryInMs: Math.round(wait), error: revive(back.error) });
        }
        return;
      }
      const failed = await this.#update(id, (i) => {
        i.state = "failed";
        i.error = plainError(error);
      });
      if (failed) {
        this.#emit("change", failed);
        this.#emit("failed", failed, { error: revive(failed.error) });
      }
      return;
    }
  }
}
