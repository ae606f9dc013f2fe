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

// fitImage: the core's (browsers; elsewhere once ocr-edge/fit is imported)
// and the pure-Rust one of `ocr-edge/fit`, which shares the same types.
import {
  fitImage,
  type FitOptions,
  type FitProgress,
  type FitResult,
  type FitStep,
} from "ocr-edge";
import { fitImage as fitImagePure, type FitOptions as PureFitOptions, type FitResult as PureFitResult } from "ocr-edge/fit";

export async function fits(photo: Blob, raw: ArrayBuffer): Promise<string> {
  const seen: number[] = [];
  const options: FitOptions = {
    maxBase64Bytes: 1_000_000,
    onProgress: (p: FitProgress) => {
      const ofWhole: string = `${p.step}/${p.of} ${p.size} ${p.format} ${p.width}×${p.height}`;
      seen.push(p.scale, p.quality, p.bytes, p.base64, Number(p.fits), ofWhole.length);
    },
  };
  const r: FitResult = await fitImage(photo, "huawei.quotaInvoice", options);
  const fromBytes: FitResult = await fitImage(new Uint8Array(raw), "tencent.bizLicense");
  const fromBuffer: FitResult = await fitImage(raw, "tencent.bizLicense", null);
  const blob: Blob = r.blob;
  const out: Uint8Array = r.bytes;
  const outInfo: ImageInfo = r.info;
  const step: FitStep | undefined = r.steps[0];
  const stepFormat: "jpeg" | "png" | undefined = step?.format;
  const untouched: boolean = r.untouched && fromBytes.untouched && fromBuffer.untouched;
  const pureOptions: PureFitOptions = { onProgress: (p) => seen.push(p.step) };
  const pure: PureFitResult = await fitImagePure(photo, "tencent.bizLicense", pureOptions);
  const same: FitResult = await fitImagePure(out, "huawei.quotaInvoice", { maxBase64Bytes: 300_000 });
  return [blob.size, out.length, outInfo.orientation, stepFormat, r.quality, r.scale, untouched, pure.scale, same.steps.length, seen.length].join();
}

// A page's client of the edge proxy, the tokens a backend gives it, and the
// worker's own fetch handler.
import {
  ProxyClient,
  issueCaptureToken,
  verifyCaptureToken,
  handleRequest,
  type ProxyClientOptions,
  type CaptureScope,
  type CaptureTokenClaims,
  type IssueCaptureTokenOptions,
  type WorkerEnv,
} from "ocr-edge";

export async function proxy(photo: Blob): Promise<string[]> {
  const scope: CaptureScope = "tencent.bizLicense";
  const issue: IssueCaptureTokenOptions = { scope: ["huawei.quotaInvoice", scope], ttlSeconds: 600, now: Date.now() };
  const token: string = issueCaptureToken("s".repeat(32), issue);
  const single: string = issueCaptureToken("s".repeat(32), { scope, ttlSeconds: 60 });
  const claims: CaptureTokenClaims = verifyCaptureToken("s".repeat(32), token, scope, { now: Date.now() });
  const granted: CaptureScope[] = claims.scope;
  const options: ProxyClientOptions = { baseUrl: "https://ocr-proxy.example.com", token, timeoutMs: 30_000, maxRetries: 2 };
  const client = new ProxyClient(options);
  client.setToken(single);
  const inv: QuotaInvoiceResult = await client.recognizeQuotaInvoice({ image: photo });
  const basic: BasicBizLicenseResult = await client.verifyBasicBizLicense({ image: photo, regCapital: true });
  const detailed: BizLicenseResult = await client.verifyBizLicense({ regNum: "91440300MA5FXXXXXX", name: "n" });
  client.free();
  {
    using scoped = new ProxyClient({ baseUrl: "http://127.0.0.1:8787", token });
    scoped.setToken(token);
  }
  const env: WorkerEnv = {
    HUAWEI_AK: "ak",
    HUAWEI_SK: "sk",
    HUAWEI_PROJECT_ID: "p",
    HUAWEI_REGION: "cn-north-4",
    TENCENT_SECRET_ID: "id",
    TENCENT_SECRET_KEY: "key",
    TENCENT_REGION: "ap-guangzhou",
    CAPTURE_TOKEN_SECRET: "s".repeat(32),
    ALLOWED_ORIGINS: "https://*.example.com",
    ADMIN_SECRET: "a".repeat(32),
    MAX_BODY_BYTES: "10485760",
    RATE_LIMIT_PER_MINUTE: "60",
    UPSTREAM_HUAWEI: "http://127.0.0.1:8080",
    UPSTREAM_TENCENT: "http://127.0.0.1:8080",
  };
  const res: Response = await handleRequest(new Request("https://ocr-proxy.example.com/v1/health"), env, {});
  const bare: Response = await handleRequest(new Request("https://ocr-proxy.example.com/"), {});
  const worker: { fetch: (request: Request, env: WorkerEnv, ctx?: unknown) => Promise<Response> } = { fetch: handleRequest };
  return [
    String(claims.exp), claims.jti, granted.join(), String(inv.number), String(basic.regNumResult?.name),
    String(detailed.enterpriseName), String(res.status), String(bare.ok), typeof worker.fetch,
  ];
}

// The live recognition operations, on the signing clients and the proxy client.
import {
  type BusinessLicenseResult,
  type VatInvoiceResult,
  type VatInvoiceItem,
  type BizLicenseOcrResult,
  type BusinessCertificateField,
} from "ocr-edge";

export async function live(photo: Blob, hw: HuaweiClient, tc: TencentClient, client: ProxyClient): Promise<string[]> {
  const targets: Target[] = ["huawei.businessLicense", "huawei.vatInvoice", "tencent.bizLicenseOcr"];
  const scopes: CaptureScope[] = targets;
  const licence: BusinessLicenseResult = await hw.recognizeBusinessLicense({ image: photo, enterpriseProjectId: "ep" });
  const byUrl: BusinessLicenseResult = await client.recognizeBusinessLicense({ url: "https://example.com/l.png" });
  const conf: number | null = licence.confidence.registrationNumber;
  const vat: VatInvoiceResult = await hw.recognizeVatInvoice({ image: photo, advancedMode: true, returnTextLocation: true, pageNum: 1, ofdToImageMode: false });
  const item: VatInvoiceItem | undefined = vat.itemList[0];
  const cents: number | null = vat.totalCents;
  const corners: [number, number][] | undefined = vat.textLocation["total"];
  const viaProxy: VatInvoiceResult = await client.recognizeVatInvoice({ url: "https://example.com/v.pdf" });
  const ocr: BizLicenseOcrResult = await tc.bizLicenseOcr({ image: photo, enableCopyWarn: true, enablePeriodComplete: false, enableBusinessCertificate: true });
  const other: BusinessCertificateField | undefined = ocr.businessCertificate[0];
  const copy: boolean = ocr.warnings.copy;
  const proxied: BizLicenseOcrResult = await client.bizLicenseOcr({ imageUrl: "https://example.com/l.jpg" });
  return [
    scopes.join(), String(byUrl.name), String(conf), String(item?.taxCents), String(cents), String(corners?.length),
    String(viaProxy.number), String(other?.rect?.width), String(copy), String(proxied.qrCode), JSON.stringify(licence.raw),
  ];
}

// Errors as values: the class (instanceof narrows), the guard, and `code`
// typed as the catalogue's union (providers' codes still allowed).
// Cancellation with an AbortSignal, and the transport hooks.
import { OcrEdgeError as OcrEdgeErrorClass, isOcrEdgeError, type ErrorCode, type RequestOptions } from "ocr-edge";

export function errors(e: unknown): string {
  const made = new OcrEdgeErrorClass("m", { kind: "aborted", code: "aborted" });
  const freed: ErrorCode = "client.freed";
  // @ts-expect-error not a code of the catalogue: the union is checked, not string
  const typo: ErrorCode = "client.fried";
  const provider: OcrEdgeErrorClass["code"] = "AIS.0103";
  if (e instanceof OcrEdgeErrorClass) {
    const code: ErrorCode | (string & {}) = e.code;
    const kind: ErrorKind = e.kind;
    const sent: number = e.attempts;
    return `${code} ${kind} ${sent}`;
  }
  if (isOcrEdgeError(e)) return e.code;
  return [made.code, freed, typo, provider].join();
}

export async function cancel(photo: Blob, hw: HuaweiClient, tc: TencentClient, client: ProxyClient): Promise<number> {
  const ac = new AbortController();
  const options: RequestOptions = { signal: ac.signal };
  const inv: QuotaInvoiceResult = await hw.recognizeQuotaInvoice({ image: photo }, options);
  await tc.verifyBizLicense({ regNum: "911101085636549482" }, { signal: AbortSignal.timeout(1000) });
  await client.recognizeQuotaInvoice({ image: photo }, { signal: ac.signal });
  await fitImage(photo, "huawei.quotaInvoice", { signal: ac.signal });
  // @ts-expect-error a signal is an AbortSignal
  await hw.recognizeQuotaInvoice({ image: photo }, { signal: "stop" });
  const hooked = new HuaweiClient({
    projectId: "p",
    credentials: { accessKey: "a", secretKey: "b" },
    fetch: (url: string, init: RequestInit) => fetch(url, init),
    headers: { "x-trace-id": "t" },
    onRetry: (info) => console.log(info.attempt, info.delayMs, info.status, info.code),
  });
  hooked.free();
  return inv.attempts ?? 0;
}
