//! The per-operation JS surface, all in one place: wasm-bindgen needs one
//! method per operation on each client, and their TypeScript types. Each
//! method is one line handing its descriptor to the client's generic `run`.

use js_sys::Promise;
use wasm_bindgen::prelude::*;

use crate::api::huawei::quota_invoice;
use crate::api::operation::Wire;
use crate::api::tencent::ocr as biz_license;
use crate::image::body::{json_prefix, JSON_SUFFIX};
use crate::js::proxy::ProxyClient;

#[cfg(feature = "clients")]
mod clients {
    use super::*;
    use crate::api::huawei::{apig, csms};
    use crate::js::huawei::HuaweiClient;
    use crate::js::tencent::TencentClient;

    #[wasm_bindgen]
    impl HuaweiClient {
        /// Recognises a fixed-amount invoice from an image (bytes, Blob or
        /// base64) or a URL. The image is checked locally first.
        #[wasm_bindgen(js_name = recognizeQuotaInvoice, unchecked_return_type = "Promise<QuotaInvoiceResult>")]
        pub fn recognize_quota_invoice(
            &self,
            #[wasm_bindgen(unchecked_param_type = "QuotaInvoiceParams")] params: JsValue,
        ) -> Promise {
            self.run(&quota_invoice::DESCRIPTOR, params)
        }

        /// Deletes one tag of a CSMS secret; resolves to `undefined`.
        #[wasm_bindgen(js_name = deleteSecretTag, unchecked_return_type = "Promise<void>")]
        pub fn delete_secret_tag(
            &self,
            #[wasm_bindgen(unchecked_param_type = "DeleteSecretTagParams")] params: JsValue,
        ) -> Promise {
            self.run(&csms::DELETE_TAG, params)
        }

        /// Creates an APIG app. Never retried: a second attempt could create a
        /// second app.
        #[wasm_bindgen(js_name = createApp, unchecked_return_type = "Promise<AppResult>")]
        pub fn create_app(
            &self,
            #[wasm_bindgen(unchecked_param_type = "CreateAppParams")] params: JsValue,
        ) -> Promise {
            self.run(&apig::DESCRIPTOR, params)
        }
    }

    #[wasm_bindgen]
    impl TencentClient {
        /// Verifies a business licence (image or registration number) against
        /// the registry, basic fields only.
        #[wasm_bindgen(js_name = verifyBasicBizLicense, unchecked_return_type = "Promise<BasicBizLicenseResult>")]
        pub fn verify_basic_biz_license(
            &self,
            #[wasm_bindgen(unchecked_param_type = "VerifyBasicBizLicenseParams")] params: JsValue,
        ) -> Promise {
            self.run(&biz_license::BASIC, params)
        }

        /// Verifies a business licence and returns the registry's detailed record.
        #[wasm_bindgen(js_name = verifyBizLicense, unchecked_return_type = "Promise<BizLicenseResult>")]
        pub fn verify_biz_license(
            &self,
            #[wasm_bindgen(unchecked_param_type = "VerifyBizLicenseParams")] params: JsValue,
        ) -> Promise {
            self.run(&biz_license::DETAILED, params)
        }
    }
}

#[wasm_bindgen]
impl ProxyClient {
    /// Recognises a fixed-amount invoice through the proxy; the image is
    /// checked here first.
    #[wasm_bindgen(js_name = recognizeQuotaInvoice, unchecked_return_type = "Promise<QuotaInvoiceResult>")]
    pub fn recognize_quota_invoice(
        &self,
        #[wasm_bindgen(unchecked_param_type = "QuotaInvoiceParams")] params: JsValue,
    ) -> Promise {
        const W: Wire = quota_invoice::DESCRIPTOR.wire();
        self.run(&W, params)
    }

    /// Verifies a business licence (basic fields) through the proxy.
    #[wasm_bindgen(js_name = verifyBasicBizLicense, unchecked_return_type = "Promise<BasicBizLicenseResult>")]
    pub fn verify_basic_biz_license(
        &self,
        #[wasm_bindgen(unchecked_param_type = "VerifyBasicBizLicenseParams")] params: JsValue,
    ) -> Promise {
        const W: Wire = biz_license::BASIC.wire();
        self.run(&W, params)
    }

    /// Verifies a business licence with the detailed record through the proxy.
    #[wasm_bindgen(js_name = verifyBizLicense, unchecked_return_type = "Promise<BizLicenseResult>")]
    pub fn verify_biz_license(
        &self,
        #[wasm_bindgen(unchecked_param_type = "VerifyBizLicenseParams")] params: JsValue,
    ) -> Promise {
        const W: Wire = biz_license::DETAILED.wire();
        self.run(&W, params)
    }
}

/// Builds the RecognizeQuotaInvoice body `{"image":"<base64>"}` straight from
/// the bytes, as one `Uint8Array` that `fetch` can send.
#[wasm_bindgen(js_name = buildQuotaInvoiceBody)]
pub fn build_quota_invoice_body(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer")] bytes: JsValue,
) -> std::result::Result<js_sys::Uint8Array, JsValue> {
    let view = crate::js::image::view_arg(&bytes, "bytes")?;
    Ok(crate::js::image::body_into_js(&json_prefix(&[], "image"), &view, JSON_SUFFIX))
}

#[wasm_bindgen(typescript_custom_section)]
const TS_OPERATIONS: &str = r#"
/** A target service whose documented image limits are checked. */
export type Target = "huawei.quotaInvoice" | "tencent.bizLicense";

/** A capture-token scope: the operations a page may call through the proxy. */
export type CaptureScope = "huawei.quotaInvoice" | "tencent.bizLicense";

export interface QuotaInvoiceParams {
  /** The invoice photo; exclusive with `url`. A string is base64 (or a data URL). */
  image?: ImageSource | string;
  /** A public http(s) URL of the photo; exclusive with `image`. */
  url?: string;
  enterpriseProjectId?: string;
}

export interface QuotaInvoiceResult {
  number: string | null;
  code: string | null;
  location: string | null;
  amount: string | null;
  /** `amount` in integer cents (fen), or null when it cannot be read with certainty. */
  amountCents: number | null;
  confidence: { number: number | null; code: number | null; location: number | null; amount: number | null };
  requestId: string | null;
  raw: JsonValue;
}

export interface VerifyBizLicenseParams {
  /** The licence photo as bytes or a Blob. */
  image?: ImageSource;
  /** The licence photo as base64 text. */
  imageBase64?: string;
  imageUrl?: string;
  /** With an image: also verify these fields. */
  imageConfig?: { regNum?: true; name?: boolean; address?: boolean };
  /** Without an image: the credit code (checked locally first) or registration number. */
  regNum?: string;
  name?: string;
  address?: string;
  /** Send regNum without the local check-character test. */
  skipRegNumCheck?: boolean;
}

export interface VerifyBasicBizLicenseParams extends VerifyBizLicenseParams {
  /** 1 or true returns the registered capital; other values do not (as the document says). */
  regCapital?: boolean | number;
}

export interface BizLicenseVerifyResult {
  regNum: string | null;
  name: string | null;
  address: string | null;
}

export interface BasicBizLicenseResult {
  errorCode: number | null;
  creditCode: string | null;
  opfrom: string | null;
  opto: string | null;
  frname: string | null;
  entstatus: string | null;
  zsopscope: string | null;
  reason: string | null;
  oriregno: string | null;
  verifyRegno: string | null;
  regno: string | null;
  verifyEntname: string | null;
  entname: string | null;
  verifyDom: string | null;
  dom: string | null;
  regNumResult: BizLicenseVerifyResult | null;
  regCapital: string | null;
  requestId: string | null;
  raw: JsonValue;
}

export interface BizLicenseResult {
  errorCode: number | null;
  creditCode: string | null;
  orgCode: string | null;
  openFrom: string | null;
  openTo: string | null;
  frName: string | null;
  enterpriseStatus: string | null;
  operateScopeAndForm: string | null;
  regCap: string | null;
  regCapCur: string | null;
  regOrg: string | null;
  esDate: string | null;
  enterpriseType: string | null;
  cancelDate: string | null;
  revokeDate: string | null;
  abuItem: string | null;
  cbuItem: string | null;
  apprDate: string | null;
  province: string | null;
  city: string | null;
  county: string | null;
  areaCode: string | null;
  industryPhyCode: string | null;
  industryPhyName: string | null;
  industryCode: string | null;
  industryName: string | null;
  operateScope: string | null;
  verifyRegNo: string | null;
  regNo: string | null;
  verifyEnterpriseName: string | null;
  enterpriseName: string | null;
  verifyAddress: string | null;
  address: string | null;
  regNumResult: BizLicenseVerifyResult | null;
  requestId: string | null;
  raw: JsonValue;
}
"#;
