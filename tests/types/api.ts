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
const checkedBytes: CheckResult = checkImage(bytes, "tencent.bizLicense");
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
