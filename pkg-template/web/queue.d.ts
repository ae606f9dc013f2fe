import type {
  BasicBizLicenseResult,
  BizLicenseOcrParams,
  BizLicenseOcrResult,
  BizLicenseResult,
  BusinessLicenseParams,
  BusinessLicenseResult,
  OcrEdgeError,
  ProxyClient,
  QuotaInvoiceParams,
  QuotaInvoiceResult,
  VatInvoiceParams,
  VatInvoiceResult,
  VerifyBasicBizLicenseParams,
  VerifyBizLicenseParams,
} from "./index.js";

type WithoutImage<T> = Omit<T, "image" | "imageBase64" | "url" | "imageUrl">;

/** The operations a `CaptureQueue` sends, with their parameters (the photo aside) and results. */
export interface CaptureOperations {
  "huawei.quotaInvoice": { params: WithoutImage<QuotaInvoiceParams>; result: QuotaInvoiceResult };
  "huawei.vatInvoice": { params: WithoutImage<VatInvoiceParams>; result: VatInvoiceResult };
  "huawei.businessLicense": { params: WithoutImage<BusinessLicenseParams>; result: BusinessLicenseResult };
  "tencent.bizLicenseOcr": { params: WithoutImage<BizLicenseOcrParams>; result: BizLicenseOcrResult };
  "tencent.bizLicense": { params: WithoutImage<VerifyBasicBizLicenseParams>; result: BasicBizLicenseResult };
  "tencent.bizLicense.detailed": { params: WithoutImage<VerifyBizLicenseParams>; result: BizLicenseResult };
}

/** An operation id a `CaptureQueue` item is sent with. */
export type CaptureOperation = keyof CaptureOperations;

/** Where an item is: in IndexedDB waiting, on its way, answered, or refused. */
export type CaptureState = "stored" | "sending" | "done" | "failed";

/** Options of `CaptureQueue`. */
export interface CaptureQueueOptions {
  /**
   * The client to send with, or a function giving one for an operation; the
   * function is asked again when the worker refuses the capture token
   * (`token.expired`, `token.spent`, other `token.*` codes).
   */
  proxy: ProxyClient | ((operation: CaptureOperation) => ProxyClient | Promise<ProxyClient>);
  /** The IndexedDB database of the queue (default `"ocr-edge"`); a new queue with the same name resumes its items. */
  name?: string;
  /** Most items kept, answered ones included until taken (default 50). */
  maxItems?: number;
  /** Most bytes of photos kept (default 200,000,000). */
  maxBytes?: number;
  /** Items sent at once: 1 (the default) or 2. */
  concurrency?: 1 | 2;
  /** Sends of one item before it fails on network errors, 408, 409, 429 or 5xx (default 8). */
  maxAttempts?: number;
  /** First wait after a transient failure, doubled after each (default 1000 ms); `Retry-After` waits longer. */
  retryDelayMs?: number;
  /** Longest wait between sends (default 60000 ms). */
  maxRetryDelayMs?: number;
}

/** Options of `CaptureQueue.add`. */
export interface CaptureAddOptions<O extends CaptureOperation = CaptureOperation> {
  operation: O;
  params?: CaptureOperations[O]["params"];
  /** Fit the photo to the operation's limits (`fitImage`) before storing it. */
  fit?: boolean;
}

/** One item as `items()` lists it. */
export interface CaptureItem {
  id: string;
  operation: CaptureOperation;
  state: CaptureState;
  /** Sends tried so far (sends made while offline do not count). */
  attempts: number;
  /** Bytes of the stored photo. */
  size: number;
  /** When it was added, unix milliseconds. */
  createdAt: number;
  /** Why it failed, or the last transient error while it waits. */
  error: OcrEdgeError | null;
  /** Whether `take(id)` has a result for it. */
  hasResult: boolean;
}

/** The events of a `CaptureQueue`, each naming its item. */
export declare class CaptureQueueEvent extends Event {
  readonly id: string;
  /** The item after the change; null once removed or taken. */
  readonly item: CaptureItem | null;
  /** `result` events: the operation's result. */
  readonly result?: unknown;
  /** `failed` events, and `progress` events of stage `"waiting"`. */
  readonly error: OcrEdgeError | null;
  /** `progress` events: `"sending"`, or `"waiting"` before a resend. */
  readonly stage?: "sending" | "waiting";
  /** `progress` events of stage `"waiting"`: milliseconds until the next send. */
  readonly retryInMs?: number;
}

export interface CaptureQueueEventMap {
  progress: CaptureQueueEvent;
  result: CaptureQueueEvent;
  failed: CaptureQueueEvent;
  change: CaptureQueueEvent;
}

/**
 * Photos kept in IndexedDB until the worker has answered: sent in order
 * while online, resent after network failures, 5xx and 429 with backoff,
 * each under its own `Idempotency-Key`; refusals fail at once. Works in a
 * page and in a dedicated Web Worker.
 */
export declare class CaptureQueue extends EventTarget {
  constructor(options: CaptureQueueOptions);
  /** The IndexedDB database name. */
  readonly name: string;
  /** Settles once the database is open and items left in flight are queued again. */
  readonly ready: Promise<void>;
  /**
   * Stores the photo (fitted first with `fit: true`); resolves once it is
   * in IndexedDB. Rejects with `queue.full` at the bound, `queue.no_space`
   * when the browser refuses the write; nothing stored before is touched.
   */
  add<O extends CaptureOperation>(photo: Blob | Uint8Array | ArrayBuffer, options: CaptureAddOptions<O>): Promise<{ id: string }>;
  /** Every item, oldest first. */
  items(): Promise<CaptureItem[]>;
  /** Sends a failed item again; false when it is not failed. */
  retry(id: string): Promise<boolean>;
  /** Deletes an item and its photo; false when there was none. */
  remove(id: string): Promise<boolean>;
  /** The result of a done item, deleting the item; undefined when it is not done. */
  take<T = unknown>(id: string): Promise<T | undefined>;
  /** Stops sending and closes the database; items stay for the next queue of this name. */
  close(): Promise<void>;
  addEventListener<K extends keyof CaptureQueueEventMap>(
    type: K,
    listener: (this: CaptureQueue, ev: CaptureQueueEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof CaptureQueueEventMap>(
    type: K,
    listener: (this: CaptureQueue, ev: CaptureQueueEventMap[K]) => unknown,
    options?: boolean | EventListenerOptions,
  ): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | EventListenerOptions): void;
}
