// A page under `moduleResolution: "bundler"` (Vite, Next): the browser
// entry's types, with no signing client and no wasm-bindgen init, as at run time.
// Also compiles with `lib: ["es2022", "dom"]` and `skipLibCheck: false`.
import { probeImage, checkImage, ProxyClient, CaptureQueue, init as loaded, type CaptureItem, type ImageInfo } from "ocr-edge";
import init from "ocr-edge";
// @ts-expect-error the browser build has no signing clients
import { HuaweiClient } from "ocr-edge";

// The named init(): resolves once the wasm is in, for the sync calls below.
const ready: Promise<void> = loaded();
await ready;
const info: ImageInfo = probeImage(new Uint8Array(8));
const ok: boolean = checkImage(info, "huawei.quotaInvoice").ok;
const proxy = new ProxyClient({ baseUrl: "https://proxy.example.com", token: "t" });
await proxy.recognizeQuotaInvoice({ image: new Uint8Array(8) }, { idempotencyKey: "k-1" });
proxy.free();

// The capture queue: a factory per operation, typed params, events and items.
const queue = new CaptureQueue({ proxy: async (op) => new ProxyClient({ baseUrl: "/ocr", token: op }), maxItems: 10 });
const { id } = await queue.add(new Blob([]), { operation: "huawei.vatInvoice", params: { advancedMode: true }, fit: true });
// @ts-expect-error the photo is add()'s first argument, not a parameter
await queue.add(new Blob([]), { operation: "huawei.quotaInvoice", params: { image: new Blob([]) } });
// @ts-expect-error an operation the queue does not send
await queue.add(new Blob([]), { operation: "admin.csms.list" });
queue.addEventListener("failed", (e) => e.error?.violations.map((v) => v.code));
const items: CaptureItem[] = await queue.items();
const state: "stored" | "sending" | "done" | "failed" | undefined = items[0]?.state;
await queue.take<{ amountCents: number | null }>(id);
// @ts-expect-error no default export: wasm-bindgen's init is not the entry's (it is `init`, named)
await init();
export { ok, init, HuaweiClient, state };
