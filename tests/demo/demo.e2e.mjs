// End to end: the demo (emulator, worker in workerd, page server) started
// in-process, the page driven in headless Chromium at phone and desktop
// widths. Each scenario saves a screenshot under artifacts/demo/ (printed).
// Exits non-zero on any failure.
//
//   node tests/demo/demo.e2e.mjs        (after bash scripts/build-pkg.sh)
import fs from "node:fs";
import path from "node:path";
import { chromium } from "playwright-core";
import { startDemo } from "../../scripts/demo.mjs";

const root = path.resolve(import.meta.dirname, "../..");
const out = path.join(root, "artifacts", "demo");
fs.mkdirSync(out, { recursive: true });
const read = (rel) => fs.readFileSync(path.join(root, rel));

const VIEWPORTS = [
  { name: "desktop", width: 1280, height: 900, mobile: false },
  { name: "phone", width: 375, height: 740, mobile: true },
];

let failed = 0;
const results = [];
function check(what, cond, detail = "") {
  results.push([what, cond]);
  if (!cond) failed++;
  console.log(`${cond ? "ok" : "FAIL"} ${what}${cond || !detail ? "" : `: ${detail}`}`);
}

/** Inserts an EXIF APP1 segment with `orientation` right after the JPEG's SOI. */
function withExifOrientation(jpeg, orientation) {
  const tiff = Buffer.from([
    0x4d, 0x4d, 0x00, 0x2a, 0x00, 0x00, 0x00, 0x08, // "MM", 42, IFD at 8
    0x00, 0x01, // one entry
    0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, orientation >> 8, orientation & 0xff, 0x00, 0x00, // Orientation SHORT
    0x00, 0x00, 0x00, 0x00, // no next IFD
  ]);
  const payload = Buffer.concat([Buffer.from("Exif\0\0", "latin1"), tiff]);
  const seg = Buffer.alloc(4);
  seg.writeUInt16BE(0xffe1, 0);
  seg.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([jpeg.subarray(0, 2), seg, payload, jpeg.subarray(2)]);
}

/** Images drawn by the browser: a 10×10 PNG, and a document photo stored on its side. */
async function makeImages(page) {
  const made = await page.evaluate(async () => {
    const toBytes = async (canvas, type, q) => {
      const blob = await canvas.convertToBlob({ type, quality: q });
      return Array.from(new Uint8Array(await blob.arrayBuffer()));
    };
    const tiny = new OffscreenCanvas(10, 10);
    const t = tiny.getContext("2d");
    t.fillStyle = "#3a6df0";
    t.fillRect(0, 0, 10, 10);

    // The upright document is 600 wide and 900 tall; it is stored turned
    // 90° anticlockwise (900×600), as a phone held sideways records it.
    const W = 600;
    const H = 900;
    const stored = new OffscreenCanvas(H, W);
    const c = stored.getContext("2d");
    c.translate(0, W);
    c.rotate(-Math.PI / 2);
    c.fillStyle = "#fbfaf5";
    c.fillRect(0, 0, W, H);
    c.fillStyle = "#c0392b"; // a red band marks the top of the document
    c.fillRect(0, 0, W, 110);
    c.fillStyle = "#ffffff";
    c.font = "bold 46px sans-serif";
    c.fillText("营业执照", 40, 74);
    c.fillStyle = "#333";
    c.font = "28px sans-serif";
    const lines = ["Unified social credit code", "91110108EMU0000159", "Name: Example Cloud Co., Ltd.", "Address: No. 1 Example Road", "Type: limited liability company", "Established: 2016-05-12"];
    lines.forEach((l, i) => c.fillText(l, 40, 190 + i * 62));
    c.strokeStyle = "#c0392b";
    c.lineWidth = 6;
    c.beginPath();
    c.arc(460, 740, 90, 0, Math.PI * 2);
    c.stroke();
    return { tiny: await toBytes(tiny, "image/png"), sideways: await toBytes(stored, "image/jpeg", 0.9) };
  });
  return {
    tiny: Buffer.from(made.tiny),
    rotated: withExifOrientation(Buffer.from(made.sideways), 6),
  };
}

async function setTarget(page, target) {
  await page.locator(`input[name="target"][value="${target}"]`).check();
}

async function pick(page, name, mimeType, buffer) {
  await page.locator("#file").setInputFiles({ name, mimeType, buffer });
  await page.locator("#verdict.ok, #verdict.bad, #verdict.warn").waitFor();
}

async function shot(page, vp, name) {
  const file = path.join(out, `${vp.name}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  console.log(`screenshot: ${path.relative(root, file)}`);
}

/** Sends; false (and a failure) when the page has sending off (no worker). */
async function send(page) {
  if (await page.locator("#send-btn").isDisabled()) {
    check("send button enabled", false, await page.locator("#send-note").textContent());
    return false;
  }
  await page.locator("#send-btn").click();
  await page.locator("#results:not([hidden]), #error:not([hidden])").waitFor({ timeout: 30_000 });
  return true;
}

async function armFault(emulatorUrl, route, spec) {
  const res = await fetch(`${emulatorUrl}/__emulator/faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ route, spec }),
  });
  if (!res.ok) throw new Error(`arming a fault failed: ${res.status} ${await res.text()}`);
}

async function scenarios(page, vp, demo, images) {
  const tag = (s) => `${vp.name}: ${s}`;
  await page.goto(demo.url);
  await page.locator("body[data-ready='1']").waitFor();
  await page.locator("#conn[data-state]").waitFor();
  const conn = await page.locator("#conn-text").textContent();
  check(tag("worker connected"), (await page.locator("#conn").getAttribute("data-state")) === "up", conn);
  await shot(page, vp, "01-start");

  // A valid invoice photo: the table with confidence bars, low ones flagged.
  await setTarget(page, "huawei.quotaInvoice");
  await pick(page, "quota-invoice.png", "image/png", read("emulator/fixtures/images/quota-invoice.png"));
  check(tag("invoice passes the check"), await page.locator("#verdict.ok").isVisible());
  check(tag("invoice facts show PNG 64 × 48"), /PNG[\s\S]*64 × 48 px/.test(await page.locator("#facts").innerText()));
  if (await send(page)) {
  const rows = await page.locator("#results-body tr").count();
  check(tag("invoice gives a table of 4 fields"), rows === 4, `rows=${rows}; error=${await page.locator("#error").innerText().catch(() => "")}`);
  const number = await page.locator('#results-body tr[data-field="number"] td.val').textContent().catch(() => "");
  check(tag("invoice number 91234561"), number === "91234561", number);
  check(tag("confidence bars drawn"), (await page.locator("#results-body .conf-bar").count()) === 4);
  const flagged = await page.locator("#results-body tr.low").getAttribute("data-field").catch(() => null);
  check(tag("low-confidence field flagged (location, 97.1%)"), flagged === "location", String(flagged));
  await shot(page, vp, "02-invoice-result");
  }

  // Too small: a 10×10 PNG.
  await pick(page, "tiny.png", "image/png", images.tiny);
  const tinyText = await page.locator("#violations").innerText();
  check(tag("10×10 PNG: too small, in words"), /shortest side is 10 px/.test(tinyText) && /at least 15 px/.test(tinyText), tinyText);
  check(tag("10×10 PNG: no fit offered, send disabled"), (await page.locator("#fit-box").isHidden()) && (await page.locator("#send-btn").isDisabled()));
  await shot(page, vp, "03-too-small");

  // A GIF for Tencent: refused by format; fitting turns it into PNG.
  await setTarget(page, "tencent.bizLicense");
  await pick(page, "scan.gif", "image/gif", read("tests/fixtures/images/go-video-001.5bpp.gif"));
  const gifText = await page.locator("#violations").innerText();
  check(tag("GIF for Tencent: format refused"), /GIF is not accepted by Tencent business licence/.test(gifText), gifText);
  check(tag("GIF for Tencent: one violation only"), (await page.locator("#violations li.viol").count()) === 1);
  check(tag("GIF for Tencent: fit offered"), await page.locator("#fit-btn").isVisible());
  await shot(page, vp, "04-gif-tencent");
  await page.locator("#fit-btn").click();
  await page.locator("#fit-result:not([hidden])").waitFor({ timeout: 30_000 });
  const after = await page.locator("#after-cap").textContent();
  check(tag("GIF fitted to PNG"), /After · PNG 150×103/.test(after), after);
  check(tag("fitted GIF is ready"), await page.locator("#verdict.ok").isVisible());
  await shot(page, vp, "05-gif-fitted");

  // A rotated photo: displayed size swapped, preview upright.
  await setTarget(page, "huawei.quotaInvoice");
  await pick(page, "sideways.jpg", "image/jpeg", images.rotated);
  const facts = await page.locator("#facts").innerText();
  check(tag("rotated: display size 600 × 900 portrait"), /600 × 900 px\s*portrait/.test(facts), facts);
  check(tag("rotated: orientation in words"), /turned 90° clockwise to show/.test(facts) && /EXIF 6/.test(facts), facts);
  check(tag("rotated: stored size 900 × 600"), /900 × 600 px/.test(facts), facts);
  await page.locator("#preview-canvas[data-width]").waitFor();
  const preview = await page.evaluate(() => {
    const c = document.getElementById("preview-canvas");
    const ctx = c.getContext("2d");
    const top = ctx.getImageData(Math.floor(c.width / 2), 4, 1, 1).data;
    const bottom = ctx.getImageData(Math.floor(c.width / 2), c.height - 4, 1, 1).data;
    return { w: Number(c.dataset.width), h: Number(c.dataset.height), top: Array.from(top), bottom: Array.from(bottom) };
  });
  const red = ([r, g, b]) => r > 150 && g < 100 && b < 100;
  check(tag("rotated: preview upright (600×900, red band on top)"), preview.w === 600 && preview.h === 900 && red(preview.top) && !red(preview.bottom), JSON.stringify(preview));
  check(tag("rotated: straightening offered"), await page.locator("#fit-btn").isVisible());
  await shot(page, vp, "06-rotated");
  await page.locator("#fit-btn").click();
  await page.locator("#fit-result:not([hidden])").waitFor({ timeout: 30_000 });
  const rotAfter = await page.locator("#after-cap").textContent();
  check(tag("rotated: fitted upright 600×900"), /After · (JPEG|PNG) 600×900/.test(rotAfter), rotAfter);
  if (await send(page)) check(tag("rotated: fitted photo recognised"), await page.locator("#results").isVisible(), await page.locator("#error").innerText().catch(() => ""));
  await shot(page, vp, "07-rotated-fitted-sent");

  // A business licence through Tencent.
  await setTarget(page, "tencent.bizLicense");
  await pick(page, "biz-license.png", "image/png", read("emulator/fixtures/images/biz-license.png"));
  if (await send(page)) {
  const licence = await page.locator("#results").innerText().catch(() => "");
  check(tag("licence verified"), /91110108EMU0000159|示例云计算/.test(licence), licence || (await page.locator("#error").innerText()));
  await shot(page, vp, "08-licence-result");
  }

  // The registry check says it is offline on the live cloud.
  check(tag("registry check: offline explained"), /ActionOffline/.test(await page.locator("#offline-note").innerText()) && (await page.locator("#offline-note").isVisible()));
  // The live recognitions: a VAT invoice with a confidence per field and its lines.
  await setTarget(page, "huawei.vatInvoice");
  check(tag("VAT invoice: registry note hidden"), await page.locator("#offline-note").isHidden());
  await pick(page, "vat-invoice.png", "image/png", read("emulator/fixtures/images/vat-invoice.png"));
  check(tag("VAT invoice passes the check"), await page.locator("#verdict.ok").isVisible(), await page.locator("#verdict").innerText());
  if (await send(page)) {
    const number = await page.locator('#results-body tr[data-field="number"] td.val').textContent().catch(() => "");
    check(tag("VAT invoice number 01234567"), number === "01234567", `${number} ${await page.locator("#error").innerText().catch(() => "")}`);
    const total = await page.locator('#results-body tr[data-field="total"] td.val').textContent().catch(() => "");
    check(tag("VAT total in yuan"), /1695\.00 yuan/.test(total), total);
    check(tag("VAT: two line items"), (await page.locator('#results-body tr[data-field^="item."]').count()) === 2);
    check(tag("VAT: confidence drawn (advanced mode)"), (await page.locator("#results-body .conf-bar").count()) >= 5);
    await shot(page, vp, "08b-vat-result");
  }
  // A business licence on Huawei, and one on Tencent (BizLicenseOCR) that is a copy.
  await setTarget(page, "huawei.businessLicense");
  await pick(page, "biz-license.png", "image/png", read("emulator/fixtures/images/biz-license.png"));
  if (await send(page)) {
    const reg = await page.locator('#results-body tr[data-field="registrationNumber"] td.val').textContent().catch(() => "");
    check(tag("Huawei licence: registration number"), reg === "91110108EMU0000159", `${reg} ${await page.locator("#error").innerText().catch(() => "")}`);
  }
  await setTarget(page, "tencent.bizLicenseOcr");
  await pick(page, "biz-license-copy.png", "image/png", read("emulator/fixtures/images/biz-license-copy.png"));
  if (await send(page)) {
    const reg = await page.locator('#results-body tr[data-field="regNum"] td.val').textContent().catch(() => "");
    check(tag("Tencent licence OCR: credit code"), reg === "91110108EMU0000159", `${reg} ${await page.locator("#error").innerText().catch(() => "")}`);
    check(tag("Tencent licence OCR: the copy is flagged"), await page.locator('#results-body tr[data-field="warning.copy"]').isVisible());
    check(tag("results caption has no stray text"), !/null|undefined/.test(await page.locator("#results-caption").innerText()));
    await shot(page, vp, "08c-licence-ocr-copy");
  }
  // The capture queue: offline, a photo waits under the offline badge; once
  // the connection returns it is recognised and its result shown.
  await setTarget(page, "huawei.quotaInvoice");
  await pick(page, "quota-invoice.png", "image/png", read("emulator/fixtures/images/quota-invoice.png"));
  check(tag("queue shown"), await page.locator("#queue-card").isVisible());
  await page.context().setOffline(true);
  await page.locator("#offline-badge:not([hidden])").waitFor();
  await page.locator("#queue-btn").click();
  await page.locator('#queue-pending[data-count="1"]').waitFor();
  check(tag("queue: offline badge, one photo waiting"), await page.locator('#queue-list li[data-state="stored"]').isVisible());
  await shot(page, vp, "08d-queue-offline");
  await page.context().setOffline(false);
  await page.locator('#queue-list li[data-state="done"]').waitFor({ timeout: 30_000 });
  check(tag("queue: recognised once back online"), (await page.locator("#offline-badge").isHidden()) && (await page.locator("#queue-pending").getAttribute("data-count")) === "0");
  await page.locator('#queue-list li[data-state="done"] button', { hasText: "Show result" }).click();
  const queued = await page.locator('#results-body tr[data-field="number"] td.val').textContent().catch(() => "");
  check(tag("queue: its result shown"), queued === "91234561", queued);
  check(tag("queue: taken results leave the list"), (await page.locator("#queue-list li").count()) === 0);
  await shot(page, vp, "08e-queue-done");

  // An emulated service error: its code reaches the page.
  await setTarget(page, "huawei.quotaInvoice");
  await armFault(demo.emulatorUrl, "RecognizeQuotaInvoice", "status=500;times=50");
  await pick(page, "quota-invoice.png", "image/png", read("emulator/fixtures/images/quota-invoice.png"));
  if (await send(page)) {
  const code = await page.locator("#error").getAttribute("data-code").catch(() => null);
  check(tag("service error shows its code (APIG.0202)"), code === "APIG.0202", `${code}: ${await page.locator("#error").innerText().catch(() => "")}`);
  check(tag("service error code visible"), (await page.locator("#error .err-code").textContent().catch(() => "")) === "APIG.0202");
  await shot(page, vp, "09-service-error");
  }
  await fetch(`${demo.emulatorUrl}/__emulator/reset`, { method: "POST" });

  // The admin panel (on in this run): list by tag, create an app.
  if (demo.admin && demo.workerUrl) {
    check(tag("admin panel shown"), await page.locator("#admin").isVisible());
    await page.locator("#csms-form button[type=submit]").click();
    await page.locator("#csms-out .secrets, #csms-out .bad-text, #csms-out .muted").waitFor();
    const listed = await page.locator("#csms-out").innerText();
    check(tag("admin: secrets tagged env=prod listed"), /db-password/.test(listed), listed);
    const before = await page.locator("#csms-out .tagchip").count();
    await page.locator("#csms-out .tag-del").first().click();
    await page.waitForFunction((n) => document.querySelectorAll("#csms-out .tagchip").length !== n, before, { timeout: 10_000 }).catch(() => {});
    check(tag("admin: a tag deleted"), (await page.locator("#csms-out .tagchip").count()) < before, await page.locator("#csms-out").innerText());
    await page.locator("#apig-form input[name=name]").fill(`demo_app_${vp.name}`);
    await page.locator("#apig-form button[type=submit]").click();
    await page.locator("#apig-out dl, #apig-out .bad-text").waitFor();
    const app = await page.locator("#apig-out").innerText();
    check(tag("admin: app created"), new RegExp(`demo_app_${vp.name}`).test(app), app);
    await page.locator("#admin").scrollIntoViewIfNeeded();
    await shot(page, vp, "10-admin");
  }
}

async function main() {
  const demo = await startDemo({ port: 0, admin: true, quiet: false });
  console.log(`demo at ${demo.url} (worker ${demo.workerUrl}, emulator ${demo.emulatorUrl})`);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
  });
  const requests = [];
  try {
    for (const vp of VIEWPORTS) {
      const context = await browser.newContext({
        viewport: { width: vp.width, height: vp.height },
        deviceScaleFactor: vp.mobile ? 2 : 1,
        isMobile: vp.mobile,
        hasTouch: vp.mobile,
      });
      const page = await context.newPage();
      page.on("pageerror", (e) => {
        failed++;
        console.error(`FAIL ${vp.name}: page error: ${e.message}`);
      });
      page.on("console", (m) => {
        if (m.type() === "error") console.error(`${vp.name} console: ${m.text()}`);
      });
      page.on("request", (r) => requests.push(r));
      let images = null;
      try {
        await page.goto(demo.url);
        images = await makeImages(page);
        await scenarios(page, vp, demo, images);
      } catch (e) {
        failed++;
        console.error(`FAIL ${vp.name}: ${e.stack}`);
        await shot(page, vp, "zz-failure").catch(() => {});
      }
      const sideScroll = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
      check(`${vp.name}: no sideways scrolling`, !sideScroll);
      await context.close();
    }

    // No request from the page carries a cloud credential or a server secret.
    let leaks = 0;
    const seen = new Set();
    for (const r of requests) {
      const headers = await r.allHeaders().catch(() => r.headers());
      const body = r.postDataBuffer()?.toString("latin1") ?? "";
      const text = `${r.url()}\n${JSON.stringify(headers)}\n${body}`;
      for (const s of demo.secrets) {
        if (text.includes(s)) {
          leaks++;
          seen.add(`${r.method()} ${r.url()}`);
        }
      }
    }
    check(`no page request carries AK/SK, secret key, token secret or admin secret (${requests.length} requests)`, leaks === 0, [...seen].join(", "));
    const toWorker = requests.filter((r) => demo.workerUrl && r.url().startsWith(demo.workerUrl));
    check("the page called the worker directly", toWorker.length > 0);
    check("no page request goes to the emulator", !requests.some((r) => demo.emulatorUrl && r.url().startsWith(demo.emulatorUrl)));
  } finally {
    await browser.close();
    await demo.stop();
  }
  console.log(`${results.length - results.filter(([, ok]) => !ok).length}/${results.length} checks passed; screenshots in ${path.relative(root, out)}/`);
  process.exit(failed ? 1 : 0);
}

await main();
