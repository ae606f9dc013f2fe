// A page under `moduleResolution: "bundler"` (Vite, Next): the browser
// entry's types, with no signing client and no wasm-bindgen init, as at run time.
// Also compiles with `lib: ["es2022", "dom"]` and `skipLibCheck: false`.
import { probeImage, checkImage, ProxyClient, init as loaded, type ImageInfo } from "ocr-edge";
import init from "ocr-edge";
// @ts-expect-error the browser build has no signing clients
import { HuaweiClient } from "ocr-edge";

// The named init(): resolves once the wasm is in, for the sync calls below.
const ready: Promise<void> = loaded();
await ready;
const info: ImageInfo = probeImage(new Uint8Array(8));
const ok: boolean = checkImage(info, "huawei.quotaInvoice").ok;
const proxy = new ProxyClient({ baseUrl: "https://proxy.example.com", token: "t" });
proxy.free();
// @ts-expect-error no default export: wasm-bindgen's init is not the entry's (it is `init`, named)
await init();
export { ok, init, HuaweiClient };
