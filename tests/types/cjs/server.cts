// A CommonJS project under node16: `require` gets the .d.cts (no TS1479).
import { HuaweiClient, issueCaptureToken, probeImage } from "ocr-edge";
import { fitImage } from "ocr-edge/fit";

export { HuaweiClient, issueCaptureToken, probeImage, fitImage };
