// The ocr-edge demo page: no framework, no bundler. It loads the browser
// build of the package (`pkg/web`), checks a photo on this device, offers to
// fit it, and sends it through the edge worker with a short-lived capture
// token that the demo's backend issues. No cloud credential ever reaches
// this page: the worker signs. Photos can also go through a CaptureQueue,
// which keeps them in IndexedDB until the worker has answered.

const $ = (id) => document.getElementById(id);

/** Confidence below this is flagged for a person to check. */
const LOW_CONFIDENCE = 0.98;

/**
 * What the page says about each target and how it sends and shows it; the
 * limits themselves come from the library.
 */
const TARGETS = {
  "huawei.quotaInvoice": {
    name: "Huawei quota invoice",
    service: "Huawei Cloud OCR",
    // The library's default reading of "10 MB" (decimal, the stricter).
    budget: 10_000_000,
    call: (client, params) => client.recognizeQuotaInvoice(params),
    rows: (r) => invoiceRows(r),
  },
  "huawei.vatInvoice": {
    name: "Huawei VAT invoice",
    service: "Huawei Cloud OCR",
    budget: 10_000_000,
    call: (client, params) => client.recognizeVatInvoice({ ...params, advancedMode: $("advanced").checked }),
    rows: (r) => vatRows(r),
  },
  "huawei.businessLicense": {
    name: "Huawei business licence",
    service: "Huawei Cloud OCR",
    budget: 10_000_000,
    call: (client, params) => client.recognizeBusinessLicense(params),
    rows: (r) => fieldRows(r, HUAWEI_LICENCE_FIELDS, (key) => r.confidence?.[key]),
  },
  "tencent.bizLicenseOcr": {
    name: "Tencent business licence",
    service: "Tencent Cloud OCR",
    budget: 7_000_000,
    call: (client, params) => client.bizLicenseOcr({ ...params, enableCopyWarn: $("copy-warn").checked }),
    rows: (r) => [...warningRows(r), ...fieldRows(r, TENCENT_OCR_FIELDS, () => null)],
  },
  "tencent.bizLicense": {
    name: "Tencent licence registry check",
    service: "Tencent Cloud OCR",
    budget: 7_000_000,
    // The detailed record is billed apart, so it has a scope of its own.
    scope: () => ($("detailed").checked ? "tencent.bizLicense.detailed" : "tencent.bizLicense"),
    call: (client, { url, ...rest }) => {
      const params = url ? { ...rest, imageUrl: url } : rest;
      return $("detailed").checked ? client.verifyBizLicense(params) : client.verifyBasicBizLicense(params);
    },
    rows: (r) => registryRows(r),
  },
};

const ORIENTATION = {
  1: "upright as stored",
  2: "stored mirrored",
  3: "stored upside down (turned 180°)",
  4: "stored flipped top to bottom",
  5: "stored mirrored and turned (EXIF 5)",
  6: "stored on its side: turned 90° clockwise to show",
  7: "stored mirrored and turned (EXIF 7)",
  8: "stored on its side: turned 90° anticlockwise to show",
};

const FORMAT_NAMES = {
  jpeg: "JPEG", png: "PNG", bmp: "BMP", tiff: "TIFF", gif: "GIF", webp: "WebP", heif: "HEIF", avif: "AVIF",
};

/** Labels of the result fields, in display order. */
const INVOICE_FIELDS = [
  ["number", "Invoice number"],
  ["code", "Invoice code"],
  ["location", "Issued in"],
  ["amount", "Amount"],
];
const LICENCE_FIELDS = [
  ["entname", "Company name"], ["enterpriseName", "Company name"],
  ["creditCode", "Unified social credit code"],
  ["regno", "Registration number"], ["regNo", "Registration number"],
  ["oriregno", "Original registration number"],
  ["frname", "Legal representative"], ["frName", "Legal representative"],
  ["dom", "Address"], ["address", "Address"],
  ["entstatus", "Status"], ["enterpriseStatus", "Status"],
  ["opfrom", "Operating from"], ["openFrom", "Operating from"],
  ["opto", "Operating until"], ["openTo", "Operating until"],
  ["regCapital", "Registered capital"], ["regCap", "Registered capital"],
  ["enterpriseType", "Company type"], ["regOrg", "Registered with"], ["esDate", "Established"],
  ["province", "Province"], ["city", "City"], ["industryName", "Industry"],
  ["zsopscope", "Business scope"], ["operateScope", "Business scope"],
  ["reason", "Registry note"],
];
const MATCH_WORDS = { "0": "matches the registry", "-1": "differs from the registry", "": "not checked" };
const VAT_FIELDS = [
  ["number", "Invoice number", "number"],
  ["code", "Invoice code", "code"],
  ["issueDate", "Issued on", "issue_date"],
  ["sellerName", "Seller", "seller_name"],
  ["sellerId", "Seller's tax id", "seller_id"],
  ["buyerName", "Buyer", "buyer_name"],
  ["buyerId", "Buyer's tax id", "buyer_id"],
  ["subtotalAmount", "Amount before tax", "subtotal_amount"],
  ["subtotalTax", "Tax", "subtotal_tax"],
  ["total", "Total", "total"],
];
const HUAWEI_LICENCE_FIELDS = [
  ["name", "Company name"], ["registrationNumber", "Registration number"], ["type", "Company type"],
  ["legalRepresentative", "Legal representative"], ["address", "Address"], ["registeredCapital", "Registered capital"],
  ["foundDate", "Established"], ["businessTerm", "Operating term"], ["businessScope", "Business scope"], ["issueDate", "Issued on"],
];
const TENCENT_OCR_FIELDS = [
  ["name", "Company name"], ["regNum", "Unified social credit code"], ["type", "Company type"], ["person", "Legal representative"],
  ["address", "Address"], ["capital", "Registered capital"], ["setDate", "Established"], ["period", "Operating term"],
  ["business", "Business scope"], ["registrationAuthority", "Registered with"],
];
const WARNING_WORDS = {
  copy: "The photo is of a black-and-white copy, not the original",
  reshot: "The photo was taken of a screen",
  scopeUnreadable: "The business scope could not be read",
};

const state = {
  lib: null,
  config: null,
  target: "huawei.quotaInvoice",
  /** { kind: "file", blob, name } or { kind: "url", url } */
  source: null,
  info: null,
  check: null,
  fitted: null,
  busy: false,
  seq: 0,
  queue: null,
};

// ---------------------------------------------------------------- helpers

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else if (k.startsWith("data-") || k.startsWith("aria-") || k === "role" || k === "title") node.setAttribute(k, v);
    else node[k] = v;
  }
  for (const c of children.flat()) {
    if (c == null || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

function bytes(n) {
  if (n == null) return "–";
  if (n < 1000) return `${n} B`;
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 10_000 ? 1 : 0)} kB`;
  return `${(n / 1_000_000).toFixed(2)} MB`;
}
const base64Size = (n) => 4 * Math.ceil(n / 3);
const sentence = (s) => (s ? s.charAt(0).toUpperCase() + s.slice(1) : s);
const say = (text) => { $("live").textContent = text; };

function shape(w, h) {
  if (w === h) return "square";
  return w > h ? "landscape" : "portrait";
}

// ---------------------------------------------------------------- start-up

async function start() {
  wireInputs();
  try {
    state.lib = await import(new URL("../pkg/web/index.js", import.meta.url).href);
    await state.lib.init();
  } catch (e) {
    notice(`The ocr-edge package could not be loaded (${e.message}). Build it with "bash scripts/build-pkg.sh" and serve pkg/ next to www/.`);
    setConn("down", "Library missing");
    return;
  }
  document.body.dataset.ready = "1";
  try {
    const res = await fetch(new URL("config.json", location.href), { cache: "no-store" });
    state.config = res.ok ? await res.json() : null;
  } catch {
    state.config = null;
  }
  if (!state.config?.workerUrl) {
    setConn("down", "No worker: checks only");
  } else {
    const where = state.config.upstream === "cloud" ? "real clouds" : "local emulator";
    setConn("up", `Worker · ${where}`);
  }
  if (!state.lib.ProxyClient) {
    setConn("down", "Checks only: this build has no ProxyClient");
  }
  if (!state.lib.fitImage) $("fit-btn").disabled = true;
  if (state.config?.admin) setupAdmin();
  if (state.config?.workerUrl && state.lib.CaptureQueue) setupQueue();
}

function setConn(s, text) {
  $("conn").dataset.state = s;
  $("conn-text").textContent = text;
}

function notice(text) {
  const n = $("notice");
  n.textContent = text;
  n.hidden = false;
}

// ---------------------------------------------------------------- inputs

function wireInputs() {
  for (const r of document.querySelectorAll('input[name="target"]')) {
    r.addEventListener("change", () => {
      if (!r.checked) return;
      state.target = r.value;
      for (const id of Object.keys(TARGETS)) {
        const opts = document.getElementById(`opts-${id}`);
        if (opts) opts.hidden = id !== r.value;
      }
      if (state.source) recheck();
    });
  }
  const drop = $("drop");
  drop.addEventListener("click", () => $("file").click());
  drop.addEventListener("keydown", (e) => {
    if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      $("file").click();
    }
  });
  for (const ev of ["dragenter", "dragover"]) {
    drop.addEventListener(ev, (e) => {
      e.preventDefault();
      drop.classList.add("over");
    });
  }
  for (const ev of ["dragleave", "dragend"]) drop.addEventListener(ev, () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    const file = e.dataTransfer?.files?.[0];
    if (file) useFile(file);
  });
  // A page-wide drop would otherwise navigate away to the image.
  window.addEventListener("dragover", (e) => e.preventDefault());
  window.addEventListener("drop", (e) => e.preventDefault());

  for (const id of ["file", "camera"]) {
    $(id).addEventListener("change", (e) => {
      const file = e.target.files?.[0];
      if (file) useFile(file);
      e.target.value = "";
    });
  }
  $("url-form").addEventListener("submit", (e) => {
    e.preventDefault();
    useUrl($("url").value.trim());
  });
  $("fit-btn").addEventListener("click", fit);
  $("send-btn").addEventListener("click", send);
  $("queue-btn").addEventListener("click", enqueue);
}

function resetResults() {
  $("error").hidden = true;
  $("results").hidden = true;
  $("progress").hidden = true;
}

function useFile(file) {
  state.source = { kind: "file", blob: file, name: file.name || "photo" };
  state.fitted = null;
  recheck();
}

function useUrl(text) {
  let url;
  try {
    url = new URL(text);
  } catch {
    url = null;
  }
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
    showCheckCard();
    $("verdict").className = "verdict bad";
    $("verdict").textContent = "That is not an http(s) address. Paste a link that starts with https://";
    $("preview").hidden = true;
    $("facts").replaceChildren();
    $("budget").replaceChildren();
    $("violations").replaceChildren();
    $("fit-box").hidden = true;
    $("send-card").hidden = true;
    say("The image address is not valid.");
    return;
  }
  state.source = { kind: "url", url: url.href };
  state.fitted = null;
  recheck();
}

// ---------------------------------------------------------------- check

function showCheckCard() {
  $("check-card").hidden = false;
  resetResults();
}

async function recheck() {
  const seq = ++state.seq;
  showCheckCard();
  state.info = null;
  state.check = null;
  $("fit-result").hidden = true;
  $("fit-box").hidden = true;
  $("fit-btn").textContent = "Fit to the limits";
  $("verdict").className = "verdict";
  $("verdict").textContent = "Checking…";
  delete $("preview-canvas").dataset.width;
  delete $("preview-canvas").dataset.height;
  if (!state.lib) return;
  const src = state.source;
  if (src.kind === "url") return checkUrl(src, seq);

  let info;
  try {
    info = await state.lib.probeBlob(src.blob);
  } catch (e) {
    if (seq !== state.seq) return;
    renderUnreadable(e);
    return;
  }
  if (seq !== state.seq) return;
  state.info = info;
  state.check = state.lib.checkImage(info, state.target);
  renderCheck(src.blob, info, state.check);
}

async function checkUrl(src, seq) {
  const t = TARGETS[state.target];
  // A page may read another site's image only if that site allows it (CORS).
  let blob = null;
  try {
    const res = await fetch(src.url, { mode: "cors", credentials: "omit" });
    if (res.ok) blob = await res.blob();
  } catch {
    blob = null;
  }
  if (seq !== state.seq) return;
  if (blob) {
    try {
      const info = await state.lib.probeBlob(blob);
      state.info = info;
      state.check = state.lib.checkImage(info, state.target);
      renderCheck(blob, info, state.check, `Checked from a copy this page could read; ${t.service} downloads the image itself.`);
      return;
    } catch {
      // Fall through: unreadable here, the service may still read it.
    }
  }
  $("preview").hidden = true;
  $("facts").replaceChildren(...fact("Image", src.url));
  $("budget").replaceChildren();
  $("violations").replaceChildren();
  $("fit-box").hidden = true;
  const v = $("verdict");
  v.className = "verdict warn";
  v.replaceChildren(
    el("strong", { text: "Not checked on this device. " }),
    `The site does not let this page read the image, so ${t.service} will download and check it itself`,
    state.target.startsWith("tencent.") ? " (within 3 seconds)." : ".",
  );
  say("The image address is accepted; it cannot be checked before sending.");
  showSend(true);
}

function renderUnreadable(e) {
  $("preview").hidden = true;
  $("facts").replaceChildren();
  $("budget").replaceChildren();
  $("violations").replaceChildren(
    el("li", { class: "viol" }, el("span", { class: "viol-code", text: e.code || "image.unreadable" }), sentence(e.message)),
  );
  $("fit-box").hidden = true;
  const v = $("verdict");
  v.className = "verdict bad";
  v.textContent = "This file is not an image the services can read.";
  say(`Not accepted: ${e.message}`);
  $("send-card").hidden = true;
}

function fact(label, value, extra) {
  return [el("dt", { text: label }), el("dd", {}, value, extra ? el("span", { class: "muted" }, ` ${extra}`) : null)];
}

function renderCheck(blob, info, check, note) {
  const t = TARGETS[state.target];
  const v = $("verdict");
  const nViol = check.violations.length;
  if (check.ok) {
    v.className = "verdict ok";
    v.replaceChildren(el("strong", { text: `Ready for ${t.name}. ` }), "Every documented limit is met.");
  } else {
    v.className = "verdict bad";
    v.replaceChildren(
      el("strong", { text: `${nViol} problem${nViol > 1 ? "s" : ""} for ${t.name}. ` }),
      "Nothing was uploaded; fix the photo first.",
    );
  }
  if (note) v.append(el("span", { class: "verdict-note", text: ` ${note}` }));

  const turned = info.orientation >= 5;
  const orient = ORIENTATION[info.orientation] ?? `EXIF orientation ${info.orientation}`;
  $("facts").replaceChildren(
    ...fact("Format", FORMAT_NAMES[info.format] ?? info.format),
    ...fact("Display size", `${info.displayWidth} × ${info.displayHeight} px`, shape(info.displayWidth, info.displayHeight)),
    ...fact("Orientation", sentence(orient), info.orientation > 1 ? `(EXIF ${info.orientation})` : null),
    ...(turned || info.orientation > 1 ? fact("Stored size", `${info.width} × ${info.height} px`) : []),
    ...fact("File size", bytes(info.byteLength)),
  );
  $("facts").dataset.orientation = String(info.orientation);

  const b64 = base64Size(info.byteLength);
  const pct = Math.min(100, (b64 / t.budget) * 100);
  const over = b64 > t.budget;
  $("budget").replaceChildren(
    el("div", { class: "budget-head" },
      el("span", { text: "Base64 size against the budget" }),
      el("span", { class: over ? "bad-text" : "", text: `${bytes(b64)} of ${bytes(t.budget)}` }),
    ),
    el("div", {
      class: `meter${over ? " over" : pct > 80 ? " near" : ""}`,
      role: "meter",
      "aria-label": "Base64 size against the budget",
      "aria-valuemin": "0",
      "aria-valuemax": String(t.budget),
      "aria-valuenow": String(Math.min(b64, t.budget)),
      "aria-valuetext": `${bytes(b64)} of ${bytes(t.budget)}`,
    }, el("span", { style: `width:${Math.max(pct, 0.8)}%` })),
  );
  $("budget").querySelector(".meter span").style.width = `${Math.max(pct, 0.8)}%`;

  $("violations").replaceChildren(
    ...check.violations.map((x) =>
      el("li", { class: "viol", "data-code": x.code },
        el("span", { class: "viol-code", text: x.code.replace("image.", "") }),
        el("span", { class: "viol-msg", text: sentence(x.message) }),
      ),
    ),
  );

  drawPreview(blob, info);

  // Fitting fixes format, size and budget, and turns the pixels upright;
  // it cannot invent pixels for an image that is too small.
  const tooSmall = check.violations.some((x) => x.code === "image.too_small");
  const fixable = !tooSmall && (!check.ok || info.orientation > 1);
  const fitBox = $("fit-box");
  fitBox.hidden = !fixable || !state.lib.fitImage;
  if (fixable) {
    $("fit-why").textContent = check.ok
      ? "The photo is stored on its side. Fitting re-encodes it upright so the service reads it the right way up."
      : "Fitting re-encodes the photo on this device (upright, scaled and compressed as needed) until it meets every limit.";
    $("fit-btn").disabled = false;
  }
  if (tooSmall) {
    $("violations").append(
      el("li", { class: "hint" }, "Take the photo closer or scan at a higher resolution: small images cannot be enlarged usefully."),
    );
  }

  const words = check.ok ? `Ready for ${t.name}.` : `${nViol} problem${nViol > 1 ? "s" : ""}: ${check.violations.map((x) => x.message).join("; ")}.`;
  say(`${FORMAT_NAMES[info.format] ?? info.format}, ${info.displayWidth} by ${info.displayHeight} pixels, ${shape(info.displayWidth, info.displayHeight)}. ${words}`);
  showSend(check.ok);
}

async function drawCanvas(canvas, blob, maxSide) {
  const bmp = await createImageBitmap(blob, { imageOrientation: "from-image" });
  const k = Math.min(1, maxSide / Math.max(bmp.width, bmp.height));
  const w = Math.max(1, Math.round(bmp.width * k));
  const h = Math.max(1, Math.round(bmp.height * k));
  canvas.width = w;
  canvas.height = h;
  canvas.classList.toggle("pixelated", Math.max(w, h) < 120);
  const ctx = canvas.getContext("2d");
  ctx.drawImage(bmp, 0, 0, w, h);
  const size = { width: bmp.width, height: bmp.height };
  bmp.close();
  return size;
}

async function drawPreview(blob, info) {
  const fig = $("preview");
  const canvas = $("preview-canvas");
  fig.hidden = false;
  fig.classList.remove("nopreview");
  const cap = $("preview-caption");
  try {
    const size = await drawCanvas(canvas, blob, 1200);
    canvas.dataset.width = String(size.width);
    canvas.dataset.height = String(size.height);
    cap.textContent = info.orientation > 1 ? "Preview, shown upright" : "Preview";
  } catch {
    canvas.width = 0;
    canvas.height = 0;
    fig.classList.add("nopreview");
    cap.textContent = `This browser cannot show ${FORMAT_NAMES[info.format] ?? "this format"}; the check above still applies.`;
  }
}

// ---------------------------------------------------------------- fit

async function fit() {
  const src = state.source;
  if (!src || src.kind !== "file" || state.busy) return;
  const btn = $("fit-btn");
  btn.disabled = true;
  btn.textContent = "Fitting…";
  say("Fitting the photo to the limits.");
  try {
    const result = await state.lib.fitImage(src.blob, state.target, {
      onProgress: (p) => {
        btn.textContent = `Fitting… encode ${p.step} of at most ${p.of}`;
      },
    });
    state.fitted = result;
    const before = state.info;
    const after = result.info;
    await drawCanvas($("before-canvas"), src.blob, 480).catch(() => null);
    await drawCanvas($("after-canvas"), result.blob, 480).catch(() => null);
    $("before-cap").textContent = `Before · ${FORMAT_NAMES[before.format]} ${before.displayWidth}×${before.displayHeight} · ${bytes(before.byteLength)}`;
    $("after-cap").textContent = `After · ${FORMAT_NAMES[after.format]} ${after.displayWidth}×${after.displayHeight} · ${bytes(after.byteLength)}`;
    const q = after.format === "jpeg" ? `, JPEG quality ${Math.round(result.quality * 100)}` : "";
    $("fit-steps").textContent = result.untouched
      ? "The photo already met every limit: it is sent as it was."
      : `${result.steps.length} encode${result.steps.length === 1 ? "" : "s"} tried; kept scale ${Math.round(result.scale * 100)}%${q}. This fitted copy is what will be sent.`;
    $("fit-result").hidden = false;
    btn.textContent = "Fitted";
    const check = state.lib.checkImage(after, state.target);
    const v = $("verdict");
    v.className = check.ok ? "verdict ok" : "verdict bad";
    v.replaceChildren(
      el("strong", { text: check.ok ? "Fitted: ready to send. " : "Still over a limit. " }),
      check.ok ? `${FORMAT_NAMES[after.format]} ${after.displayWidth} × ${after.displayHeight} px, ${bytes(base64Size(after.byteLength))} after base64.` : check.violations.map((x) => x.message).join("; "),
    );
    say(check.ok ? "Fitted: ready to send." : "The fitted photo still breaks a limit.");
    showSend(check.ok);
  } catch (e) {
    btn.textContent = "Fit to the limits";
    btn.disabled = false;
    showError(e, "Fitting failed");
  }
}

// ---------------------------------------------------------------- send

function showSend(allowed) {
  const card = $("send-card");
  card.hidden = false;
  const btn = $("send-btn");
  const note = $("send-note");
  const t = TARGETS[state.target];
  const canSend = !!(state.config?.workerUrl && state.lib?.ProxyClient);
  btn.disabled = !allowed || !canSend;
  $("queue-btn").disabled = !allowed || !canSend || !state.queue || state.source?.kind !== "file";
  btn.textContent = `Send to ${t.service}`;
  if (!canSend) note.textContent = "Sending is off: the page found no worker (open it through the demo server).";
  else if (!allowed) note.textContent = "Fix the problems above first: the worker would refuse this image too.";
  else note.textContent = "Sent through the edge worker with a capture token valid for a few minutes.";
}

async function getToken(scope) {
  const res = await fetch(new URL(`token?scope=${encodeURIComponent(scope)}`, location.href), { cache: "no-store" });
  const body = await res.json().catch(() => ({}));
  if (!res.ok || !body.token) {
    const err = new Error(body.message || `the demo backend gave no capture token (HTTP ${res.status})`);
    err.code = body.code || "token.unavailable";
    err.kind = "auth";
    err.status = res.status;
    throw err;
  }
  return body.token;
}

async function send() {
  if (state.busy || !state.source) return;
  state.busy = true;
  const btn = $("send-btn");
  btn.disabled = true;
  resetResults();
  const t = TARGETS[state.target];
  const started = performance.now();
  const prog = $("progress");
  const text = $("progress-text");
  prog.hidden = false;
  const step = (s) => {
    text.textContent = s;
    say(s);
  };
  const tick = setInterval(() => {
    const secs = ((performance.now() - started) / 1000).toFixed(1);
    text.dataset.elapsed = `${secs} s`;
  }, 100);
  try {
    step("Getting a capture token…");
    const token = await getToken(TARGETS[state.target].scope?.() ?? state.target);
    const client = new state.lib.ProxyClient({ baseUrl: state.config.workerUrl, token });
    const params = {};
    if (state.source.kind === "url") {
      params.url = state.source.url;
    } else {
      params.image = state.fitted ? state.fitted.blob : state.source.blob;
    }
    const size = params.image ? ` ${bytes(params.image.size)}` : "";
    step(`Sending${size} to ${t.service} through the worker…`);
    const result = await t.call(client, params);
    const secs = ((performance.now() - started) / 1000).toFixed(1);
    renderResult(result, secs);
  } catch (e) {
    showError(e, `${t.service} did not recognise the document`);
  } finally {
    clearInterval(tick);
    prog.hidden = true;
    state.busy = false;
    btn.disabled = false;
  }
}

function confidenceCell(c) {
  if (typeof c !== "number") return el("td", { class: "conf na", text: "not given" });
  const pct = Math.round(c * 1000) / 10;
  const low = c < LOW_CONFIDENCE;
  return el("td", { class: `conf${low ? " low" : ""}` },
    el("span", { class: "conf-wrap" },
      el("span", {
        class: "conf-bar",
        role: "meter",
        "aria-valuemin": "0",
        "aria-valuemax": "100",
        "aria-valuenow": String(pct),
        "aria-label": "Confidence",
      }, el("span", { class: "conf-fill", style: `width:${pct}%` })),
      el("span", { class: "conf-num", text: `${pct}%` }),
    ),
    low ? el("span", { class: "flag", text: "Check by hand" }) : null,
  );
}

/** A result row: label, value and the confidence cell. */
function row(key, label, value, c) {
  const low = typeof c === "number" && c < LOW_CONFIDENCE;
  return el("tr", { "data-field": key, class: low ? "low" : "" },
    el("th", { scope: "row", text: label }), el("td", { class: "val", text: value }), confidenceCell(c));
}

function invoiceRows(r) {
  return INVOICE_FIELDS.map(([key, label]) => {
    let value = r[key] ?? "—";
    if (key === "amount" && r.amountCents != null) value = `${value}  (${(r.amountCents / 100).toFixed(2)} yuan)`;
    return row(key, label, value, r.confidence?.[key]);
  });
}

function vatRows(r) {
  const rows = [];
  for (const [key, label, wire] of VAT_FIELDS) {
    if (r[key] == null || r[key] === "") continue;
    let value = r[key];
    if (key === "total" && r.totalCents != null) value = `${value}  (${(r.totalCents / 100).toFixed(2)} yuan)`;
    rows.push(row(key, label, value, r.confidence?.[wire]));
  }
  r.itemList.forEach((item, i) => {
    const amount = item.amountCents != null ? `${(item.amountCents / 100).toFixed(2)} yuan` : item.amount ?? "—";
    rows.push(row(`item.${i}`, `Line ${i + 1}`, `${item.name ?? "—"} · ${item.quantity ?? "?"} × ${item.unitPrice ?? "?"} · ${amount}`, null));
  });
  return rows;
}

/** The fields present, once per label. */
function fieldRows(r, fields, confidence) {
  const seen = new Set();
  const rows = [];
  for (const [key, label] of fields) {
    const v = r[key];
    if (v == null || v === "" || seen.has(label)) continue;
    seen.add(label);
    rows.push(row(key, label, v, confidence(key)));
  }
  return rows;
}

function warningRows(r) {
  return Object.entries(WARNING_WORDS)
    .filter(([key]) => r.warnings?.[key])
    .map(([key, words]) =>
      el("tr", { "data-field": `warning.${key}`, class: "low" },
        el("th", { scope: "row", text: "Warning" }),
        el("td", { class: "val" }, el("span", { class: "pill pill-bad", text: words })),
        confidenceCell(null)));
}

function registryRows(r) {
  const rows = fieldRows(r, LICENCE_FIELDS, () => null);
  const m = r.regNumResult;
  if (m) {
    for (const [key, label] of [["regNum", "Registration number"], ["name", "Name"], ["address", "Address"]]) {
      if (m[key] == null) continue;
      const ok = m[key] === "0";
      rows.push(el("tr", { "data-field": `match.${key}`, class: m[key] === "-1" ? "low" : "" },
        el("th", { scope: "row", text: `${label} on the photo` }),
        el("td", { class: "val" }, el("span", { class: `pill ${ok ? "pill-ok" : m[key] === "-1" ? "pill-bad" : ""}`, text: MATCH_WORDS[m[key]] ?? m[key] })),
        confidenceCell(null)));
    }
  }
  return rows;
}

function renderResult(r, secs, target = state.target) {
  const body = $("results-body");
  const rows = TARGETS[target].rows(r);
  const low = rows.filter((tr) => tr.querySelector("td.conf.low")).length;
  if (!rows.length) rows.push(el("tr", {}, el("td", { colSpan: 3, text: "The service returned no fields for this document." })));
  body.replaceChildren(...rows);
  const rid = r.requestId ? ` · request ${r.requestId}` : "";
  const caption = [
    el("span", { text: "Recognised fields" }),
    el("span", { class: "cap-meta", text: `${secs} s${rid}` }),
    low ? el("span", { class: "cap-low", text: `${low} field${low > 1 ? "s" : ""} below ${LOW_CONFIDENCE * 100}% confidence` }) : null,
  ];
  // replaceChildren would write a null as the text "null".
  $("results-caption").replaceChildren(...caption.filter(Boolean));
  $("raw").textContent = JSON.stringify(r.raw, null, 2);
  $("results").hidden = false;
  say(`Recognised ${rows.length} fields${low ? `; ${low} need checking by hand` : ""}.`);
}

/** Plain words for the error kinds the library uses. */
const KIND_WORDS = {
  invalid_image: "The image was refused.",
  invalid_argument: "The request was not valid.",
  auth: "The request was not authorised.",
  throttled: "Too many requests: try again in a moment.",
  service: "The service answered with an error.",
  unavailable: "The service is unavailable right now.",
  network: "The network failed before an answer came.",
  timeout: "No answer came in time.",
  protocol: "The answer could not be understood.",
};

function showError(e, title) {
  const box = $("error");
  const code = e?.code || "unknown";
  const rows = [["Code", code]];
  if (e?.kind) rows.push(["Kind", e.kind]);
  if (e?.status) rows.push(["HTTP status", String(e.status)]);
  if (e?.requestId) rows.push(["Request id", e.requestId]);
  if (e?.retryable) rows.push(["Retry", "safe to try again"]);
  box.replaceChildren(
    el("p", { class: "err-title" }, el("strong", { text: title }), " ", KIND_WORDS[e?.kind] ?? ""),
    el("p", { class: "err-msg", text: sentence(e?.message || String(e)) }),
    el("dl", { class: "err-meta" }, rows.flatMap(([k, v]) => [el("dt", { text: k }), el("dd", {}, k === "Code" ? el("code", { class: "err-code", text: v }) : v)])),
    ...(e?.violations?.length ? [el("ul", { class: "violations" }, e.violations.map((x) => el("li", { class: "viol" }, el("span", { class: "viol-code", text: x.code.replace("image.", "") }), sentence(x.message))))] : []),
  );
  box.dataset.code = code;
  box.hidden = false;
  say(`${title}: ${code}. ${e?.message ?? ""}`);
}

// ---------------------------------------------------------------- queue

const targetOf = (operation) => operation.replace(/\.detailed$/, "");

/** The operation and options a queued photo is sent with, as the send button would. */
function queuedAs() {
  const t = state.target;
  if (t === "huawei.vatInvoice") return { operation: t, params: { advancedMode: $("advanced").checked } };
  if (t === "tencent.bizLicenseOcr") return { operation: t, params: { enableCopyWarn: $("copy-warn").checked } };
  if (t === "tencent.bizLicense" && $("detailed").checked) return { operation: "tencent.bizLicense.detailed" };
  return { operation: t };
}

function setupQueue() {
  const { CaptureQueue, ProxyClient } = state.lib;
  // Asked again for a client whenever the worker refuses the last token (expired or spent).
  const proxy = async (operation) => new ProxyClient({ baseUrl: state.config.workerUrl, token: await getToken(targetOf(operation)) });
  try {
    state.queue = new CaptureQueue({ name: "ocr-edge-demo", proxy });
  } catch (e) {
    notice(`The capture queue is off: ${e.message}`);
    return;
  }
  $("queue-card").hidden = false;
  $("queue-btn").hidden = false;
  for (const type of ["change", "result", "failed"]) state.queue.addEventListener(type, renderQueue);
  state.queue.addEventListener("result", () => say("A queued photo was recognised."));
  const badge = () => {
    $("offline-badge").hidden = navigator.onLine;
  };
  window.addEventListener("online", badge);
  window.addEventListener("offline", badge);
  badge();
  state.queue.ready.then(renderQueue, (e) => notice(`The capture queue is off: ${e.message}`));
}

let rendering = Promise.resolve();
/** Redraws the queue, one redraw at a time, in the order of its events. */
function renderQueue() {
  rendering = rendering
    .then(async () => {
      const items = await state.queue.items();
      const pending = items.filter((i) => i.state === "stored" || i.state === "sending").length;
      $("queue-pending").textContent = `${pending} waiting`;
      $("queue-pending").dataset.count = String(pending);
      $("queue-list").replaceChildren(...items.map(queueRow));
    })
    .catch(() => {});
}

const STATE_WORDS = { stored: "waiting", sending: "sending…", done: "recognised", failed: "failed" };

function queueRow(i) {
  const name = TARGETS[targetOf(i.operation)]?.name ?? i.operation;
  let words = STATE_WORDS[i.state];
  if (i.state === "failed") words = `failed: ${i.error?.code ?? "unknown"}`;
  else if (i.state === "stored" && i.error) words = `waiting to resend (${i.error.code})`;
  const button = (text, onclick) => el("button", { type: "button", class: "btn btn-ghost", text, onclick });
  return el("li", { "data-state": i.state, "data-id": i.id },
    el("span", { class: "q-name", text: `${name} · ${bytes(i.size)}` }),
    el("span", { class: "q-state", text: words }),
    i.attempts ? el("span", { class: "muted", text: `${i.attempts} send${i.attempts > 1 ? "s" : ""}` }) : null,
    i.state === "done" ? button("Show result", () => showQueued(i)) : null,
    i.state === "failed" ? button("Retry", () => state.queue.retry(i.id)) : null,
    i.state !== "sending" ? button("Remove", () => state.queue.remove(i.id)) : null,
  );
}

async function showQueued(i) {
  const r = await state.queue.take(i.id);
  if (!r) return;
  $("send-card").hidden = false;
  resetResults();
  renderResult(r, ((Date.now() - i.createdAt) / 1000).toFixed(1), targetOf(i.operation));
}

async function enqueue() {
  const src = state.source;
  if (!state.queue || src?.kind !== "file") return;
  try {
    await state.queue.add(state.fitted ? state.fitted.blob : src.blob, queuedAs());
    say(navigator.onLine ? "Queued: sending now." : "Queued: it is sent when the connection returns.");
  } catch (e) {
    showError(e, "The photo could not be queued");
  }
}

// ---------------------------------------------------------------- admin

async function adminCall(path, payload) {
  const res = await fetch(new URL(`admin/${path}`, location.href), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(payload),
  });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) {
    const err = new Error(body.message || body.error?.message || `HTTP ${res.status}`);
    err.code = body.code || body.error?.code || `http.${res.status}`;
    err.status = res.status;
    throw err;
  }
  return body;
}

function adminError(out, e) {
  out.replaceChildren(el("p", { class: "bad-text" }, el("code", { text: e.code }), ` ${sentence(e.message)}`));
}

function setupAdmin() {
  $("admin").hidden = false;
  const csms = $("csms-form");
  const csmsOut = $("csms-out");
  const list = async () => {
    const key = csms.key.value.trim();
    const value = csms.value.value.trim();
    const tags = key ? [{ key, values: value ? [value] : [] }] : [];
    csmsOut.textContent = "Listing…";
    try {
      const r = await adminCall("csms/list", { action: "filter", limit: 50, tags });
      const resources = r.resources ?? [];
      if (!resources.length) {
        csmsOut.replaceChildren(el("p", { class: "muted", text: "No secret carries that tag." }));
        return;
      }
      csmsOut.replaceChildren(el("ul", { class: "secrets" }, resources.map((s) =>
        el("li", {},
          el("span", { class: "secret-name", text: s.resourceName ?? s.resourceId }),
          el("span", { class: "tags" }, s.tags.map((t) =>
            el("span", { class: "tagchip" }, `${t.key}=${t.value}`,
              el("button", {
                type: "button",
                class: "tag-del",
                title: `Delete tag ${t.key}`,
                "aria-label": `Delete tag ${t.key} from ${s.resourceName ?? s.resourceId}`,
                text: "×",
                onclick: async () => {
                  try {
                    await adminCall("csms/delete-tag", { secretId: s.resourceId, key: t.key });
                    say(`Deleted tag ${t.key}.`);
                    list();
                  } catch (e) {
                    adminError(csmsOut, e);
                  }
                },
              })))),
        ))));
    } catch (e) {
      adminError(csmsOut, e);
    }
  };
  csms.addEventListener("submit", (e) => {
    e.preventDefault();
    list();
  });
  const apig = $("apig-form");
  const apigOut = $("apig-out");
  apig.addEventListener("submit", async (e) => {
    e.preventDefault();
    apigOut.textContent = "Creating…";
    try {
      const r = await adminCall("apig/apps", { name: apig.name.value.trim(), remark: apig.remark.value.trim() || undefined });
      apigOut.replaceChildren(el("dl", { class: "facts small" },
        ...fact("App id", r.id ?? "–"), ...fact("Name", r.name ?? "–"), ...fact("AppKey", r.appKey ?? "–"),
        ...fact("Created", r.registerTime ?? "–")));
    } catch (err) {
      adminError(apigOut, err);
    }
  });
}

start();
