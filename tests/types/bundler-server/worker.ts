// Server code under `moduleResolution: "bundler"` with the runtime's
// condition (`workerd`, or `node`): the full build's types.
import { HuaweiClient, TencentClient, issueCaptureToken, verifyCaptureToken, handleRequest, probeImage } from "ocr-edge";

export default { fetch: handleRequest };
export { HuaweiClient, TencentClient, issueCaptureToken, verifyCaptureToken, probeImage };
