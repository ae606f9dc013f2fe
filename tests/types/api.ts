// Uses every export with its declared types; compiled with `tsc --noEmit`.
// A change to the generated .d.ts that breaks a user's code breaks this.
import {
  probeImage,
  probeBlob,
  checkImage,
  buildQuotaInvoiceBody,
  buildBizLicenseBody,
  type ImageInfo,
  type CheckResult,
  type Violation,
  type Target,
  type OcrEdgeError,
  type ErrorKind,
  type ImageFormat,
} from "ocr-edge";

const bytes: Uint8Array = new Uint8Array(8);
const info: ImageInfo = probeImage(bytes);
const fromBuffer: ImageInfo = probeImage(bytes.buffer as ArrayBuffer);
const format: ImageFormat = info.format;
const side: number = Math.max(info.displayWidth, info.displayHeight, fromBuffer.byteLength);

async function fromBlob(file: Blob): Promise<number> {
  const i: ImageInfo = await probeBlob(file);
  return i.orientation;
}

const target: Target = "huawei.quotaInvoice";
const checked: CheckResult = checkImage(info, target);
const checkedBytes: CheckResult = checkImage(bytes, "tencent.bizLicense", { maxBase64Bytes: 7 << 20, megabytes: "binary" });
const first: Violation | undefined = checked.violations[0];
const message: string = first ? `${first.code}: ${first.message} (${first.limit}, ${first.actual})` : "";
const ok: boolean = checked.ok && checkedBytes.ok;

const huaweiBody: Uint8Array = buildQuotaInvoiceBody(bytes);
const tencentBody: Uint8Array = buildBizLicenseBody(bytes, { RegNum: "x", Name: "y" });
const bareBody: Uint8Array = buildBizLicenseBody(bytes);

function describe(e: unknown): string {
  const err = e as OcrEdgeError;
  const kind: ErrorKind = err.kind;
  const status: number | null = err.status;
  const rid: string | null = err.requestId;
  return `${err.name} ${kind} ${err.code} ${status} ${rid} ${err.retryable} ${err.violations.length}`;
}

export { format, side, fromBlob, message, ok, huaweiBody, tencentBody, bareBody, describe };

// The signing clients (Node and workers builds).
import {
  HuaweiClient,
  TencentClient,
  type QuotaInvoiceResult,
  type SecretResourceInstances,
  type SecretResource,
  type AppResult,
  type BasicBizLicenseResult,
  type BizLicenseResult,
  type JsonValue,
} from "ocr-edge";

export async function clients(photo: Blob): Promise<string[]> {
  const hw = new HuaweiClient({
    region: "cn-north-4",
    endpoint: { ocr: "http://127.0.0.1:8080", kms: "http://127.0.0.1:8080" },
    projectId: "0123456789abcdef0123456789abcdef",
    credentials: { accessKey: "ak", secretKey: "sk", securityToken: "t" },
    timeoutMs: 5000,
    maxRetries: 1,
    clock: () => Date.now(),
  });
  const byToken = new HuaweiClient({ projectId: "p", credentials: { token: "x" }, endpoint: "http://127.0.0.1:1" });
  const inv: QuotaInvoiceResult = await hw.recognizeQuotaInvoice({ image: photo });
  const byUrl: QuotaInvoiceResult = await byToken.recognizeQuotaInvoice({ url: "https://example.com/a.jpg" });
  const cents: number | null = inv.amountCents;
  const conf: number | null = inv.confidence.amount;
  const page: SecretResourceInstances = await hw.listSecretResourceInstances({
    action: "filter",
    limit: 10,
    offset: 0,
    tags: [{ key: "env", values: ["prod"] }],
    matches: [{ key: "resource_name", value: "db" }],
  });
  const count: SecretResourceInstances = await hw.listSecretResourceInstances({ action: "count" });
  const all: SecretResource[] = await hw.listAllSecretResourceInstances();
  const none: void = await hw.deleteSecretTag({ secretId: "s", key: "env" });
  const app: AppResult = await hw.createApp({ name: "app_001", remark: "r", appKey: "k".repeat(8), appSecret: "s".repeat(8) });
  const tc = new TencentClient({
    credentials: { secretId: "id", secretKey: "key", token: "tok" },
    endpoint: "http://127.0.0.1:8080",
    language: "en-US",
    timeoutMs: 1000,
  });
  const basic: BasicBizLicenseResult = await tc.verifyBasicBizLicense({ image: photo, imageConfig: { name: true }, regCapital: true });
  const detailed: BizLicenseResult = await tc.verifyBizLicense({ regNum: "91440300MA5FXXXXXX", name: "n", address: "a" });
  const raw: JsonValue = basic.raw;
  hw.free();
  return [
    String(byUrl.number), String(cents), String(conf), String(page.totalCount), String(count.totalCount),
    String(all.length), String(none), String(app.appKey), String(basic.regNumResult?.name),
    String(detailed.enterpriseName), JSON.stringify(raw),
  ];
}
