// A page under `moduleResolution: "bundler"` (Vite, Next): the browser
// entry's types, with no signing client and no wasm-bindgen init, as at run time.
// Also compiles with `lib: ["es2022", "dom"]` and `skipLibCheck: false`.
import { probeImage, checkImage, ProxyClient, type ImageInfo } from "ocr-edge";
import init from "ocr-edge";
// @ts-expect-error the browser build has no signing clients
import { HuaweiClient } from "ocr-edge";

const info: ImageInfo = probeImage(new Uint8Array(8));
const ok: boolean = checkImage(info, "huawei.quotaInvoice").ok;
const proxy = new ProxyClient({ baseUrl: "https://proxy.example.com", token: "t" });
proxy.free();
// @ts-expect-error the browser entry exports no init function (it initialises itself)
await init();
export { ok, init, HuaweiClient };
