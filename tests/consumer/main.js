// What a user's page does: import the package by name, probe and check an
// image, show the answer. run.mjs reads the JSON back from #result.
import { init, probeImage, checkImage, fitImage } from "ocr-edge";
import { makePng } from "./png.js";

const out = document.getElementById("result");
// The sync calls need the wasm in: init() resolves once it is (no top-level await).
init()
  .then(async () => {
    const small = makePng(64, 48);
    const tiny = makePng(8, 8); // under the 15 px minimum
    // The first fitImage loads the fitting chunk and its wasm.
    const fit = await fitImage(small, "huawei.quotaInvoice");
    out.textContent = JSON.stringify({
      fit: { untouched: fit.untouched, width: fit.info.width },
      probe: probeImage(small),
      check: checkImage(small, "huawei.quotaInvoice"),
      tiny: checkImage(probeImage(tiny), "huawei.quotaInvoice"),
      tinyAdvice: checkImage(probeImage(tiny), "tencent.bizLicense"),
    });
  })
  .catch((e) => {
    out.textContent = JSON.stringify({ error: `${e?.name}: ${e?.message}` });
  });
