// What a user's page does: import the package by name, probe and check an
// image, show the answer. run.mjs reads the JSON back from #result.
import { init, probeImage, checkImage } from "ocr-edge";
import { makePng } from "./png.js";

const out = document.getElementById("result");
// The sync calls need the wasm in: init() resolves once it is (no top-level await).
init()
  .then(() => {
    const small = makePng(64, 48);
    const tiny = makePng(8, 8); // under the 15 px minimum
    out.textContent = JSON.stringify({
      probe: probeImage(small),
      check: checkImage(small, "huawei.quotaInvoice"),
      tiny: checkImage(probeImage(tiny), "huawei.quotaInvoice"),
      tinyAdvice: checkImage(probeImage(tiny), "tencent.bizLicense"),
    });
  })
  .catch((e) => {
    out.textContent = JSON.stringify({ error: `${e?.name}: ${e?.message}` });
  });
