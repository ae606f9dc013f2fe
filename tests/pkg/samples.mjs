// Small images shared by the package tests in Node, Chromium and workerd.
export const PNG_64X32 = new Uint8Array([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52,
  0, 0, 0, 64, 0, 0, 0, 32, 8, 2, 0, 0, 0, 0, 0, 0, 0,
]);

/** The fit tests' targets, each with its own base64 budget. */
export const TARGETS = ["huawei.quotaInvoice", "tencent.bizLicense", "huawei.businessLicense", "huawei.vatInvoice", "tencent.bizLicenseOcr"];
export const BUDGETS = {
  "huawei.quotaInvoice": 10_000_000,
  "tencent.bizLicense": 7_000_000,
  "huawei.businessLicense": 10_000_000,
  "huawei.vatInvoice": 10_000_000,
  "tencent.bizLicenseOcr": 7_000_000,
};
// Every target at its own budget; the smaller budgets on the first two only
// (the planner is the same for all, and each fit under a budget costs seconds).
export const budgetsFor = (target, budgets) => (TARGETS.indexOf(target) < 2 ? budgets : budgets.filter((b) => b === null));

// Exercises the public API of one loaded copy of the package; returns a
// list of [name, actual, expected] rows so each runtime reports the same.
export async function exercise(api) {
  const rows = [];
  const info = api.probeImage(PNG_64X32);
  rows.push(["probeImage width", info.width, 64]);
  rows.push(["probeImage format", info.format, "png"]);
  const blobInfo = await api.probeBlob(new Blob([PNG_64X32]));
  rows.push(["probeBlob height", blobInfo.height, 32]);
  const check = api.checkImage(info, "tencent.bizLicense");
  rows.push(["checkImage ok", check.ok, true]);
  // Counts as numbers, format names as text (Violation.limit / .actual).
  const tiny = api.checkImage({ ...info, width: 8, displayWidth: 8 }, "huawei.quotaInvoice").violations.find((v) => v.code === "image.too_small");
  rows.push(["violation limit and actual are numbers", [typeof tiny?.limit, typeof tiny?.actual, tiny?.actual], ["number", "number", 8]]);
  const gif = api.checkImage({ ...info, format: "gif" }, "huawei.quotaInvoice").violations.find((v) => v.code === "image.format");
  rows.push(["format violation is text", [typeof gif?.limit, gif?.actual], ["string", "gif"]]);
  const body = new TextDecoder().decode(api.buildQuotaInvoiceBody(new Uint8Array([1, 2, 3])));
  rows.push(["buildQuotaInvoiceBody", body, '{"image":"AQID"}']);
  const biz = new TextDecoder().decode(
    api.buildBizLicenseBody(new Uint8Array([255]), { RegNum: "1", Name: "x" }),
  );
  rows.push(["buildBizLicenseBody", biz, '{"RegNum":"1","Name":"x","ImageBase64":"/w=="}']);
  try {
    api.probeImage(new Uint8Array(0));
    rows.push(["empty input throws", "no throw", "throws"]);
  } catch (e) {
    rows.push(["error is an Error", e instanceof Error, true]);
    rows.push(["error name", e.name, "OcrEdgeError"]);
    rows.push(["error kind", e.kind, "invalid_image"]);
  }
  return rows;
}
