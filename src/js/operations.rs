//! The per-operation JS surface, all in one place: wasm-bindgen needs one
//! method per operation on each client, and their TypeScript types. Each
//! method is one line handing its descriptor to the client's generic `run`.

use wasm_bindgen::prelude::*;

use crate::image::body::{json_prefix, JSON_SUFFIX};

#[cfg(feature = "clients")]
mod clients {
    use super::*;
    use crate::api::huawei::list_resource_instances::{
        self, ListResourceInstancesParams, ResourceInstances, ResourcePager,
    };
    use crate::api::huawei::{business_license, quota_invoice, vat_invoice};
    use crate::api::huawei::{create_app, delete_secret_tag};
    use crate::api::tencent::{biz_license_ocr, verify_basic_biz_license, verify_biz_license};
    use crate::error::Result;
    use crate::js::abort::Abort;
    use crate::js::client::{params_from_js, to_js};
    use crate::js::huawei::{promise, HuaweiClient, Sender};
    use crate::js::tencent::TencentClient;
    use js_sys::Promise;

    #[wasm_bindgen]
    impl HuaweiClient {
        /// Recognises a fixed-amount invoice from an image (bytes, Blob or
        /// base64) or a URL. The image is checked locally first.
        #[wasm_bindgen(js_name = recognizeQuotaInvoice, unchecked_return_type = "Promise<QuotaInvoiceResult>")]
        pub fn recognize_quota_invoice(
            &self,
            #[wasm_bindgen(unchecked_param_type = "QuotaInvoiceParams")] params: JsValue,
            #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] options: JsValue,
        ) -> Promise {
            self.run(&quota_invoice::DESCRIPTOR, params, options)
        }

        /// Recognises a business licence from an image or PDF (bytes, Blob
        /// or base64) or a URL. The file is checked locally first.
        #[wasm_bindgen(js_name = recognizeBusinessLicense, unchecked_return_type = "Promise<BusinessLicenseResult>")]
        pub fn recognize_business_license(
            &self,
            #[wasm_bindgen(unchecked_param_type = "BusinessLicenseParams")] params: JsValue,
            #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] options: JsValue,
        ) -> Promise {
            self.run(&business_license::DESCRIPTOR, params, options)
        }

        /// Recognises a VAT invoice from an image, PDF or OFD or a URL. The
        /// file is checked locally first.
        #[wasm_bindgen(js_name = recognizeVatInvoice, unchecked_return_type = "Promise<VatInvoiceResult>")]
        pub fn recognize_vat_invoice(
            &self,
            #[wasm_bindgen(unchecked_param_type = "VatInvoiceParams")] params: JsValue,
            #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] options: JsValue,
        ) -> Promise {
            self.run(&vat_invoice::DESCRIPTOR, params, options)
        }

        /// Deletes one tag of a CSMS secret; resolves to `undefined`.
        #[wasm_bindgen(js_name = deleteSecretTag, unchecked_return_type = "Promise<void>")]
        pub fn delete_secret_tag(
            &self,
            #[wasm_bindgen(unchecked_param_type = "DeleteSecretTagParams")] params: JsValue,
            #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] options: JsValue,
        ) -> Promise {
            self.run(&delete_secret_tag::DESCRIPTOR, params, options)
        }

        /// Creates an APIG app. Never retried: a second attempt could create a
        /// second app.
        #[wasm_bindgen(js_name = createApp, unchecked_return_type = "Promise<AppResult>")]
        pub fn create_app(
            &self,
            #[wasm_bindgen(unchecked_param_type = "CreateAppParams")] params: JsValue,
            #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] options: JsValue,
        ) -> Promise {
            self.run(&create_app::DESCRIPTOR, params, options)
        }

        /// Lists (or counts) CSMS secrets by tags and name.
        #[wasm_bindgen(js_name = listSecretResourceInstances, skip_typescript)]
        pub fn list_secret_resource_instances(&self, params: JsValue, options: JsValue) -> Promise {
            let s = self.sender();
            promise(async move {
                let abort = Abort::from_options(&options, "aborted")?;
                let p: ListResourceInstancesParams = params_from_js(&params, "params", &[])?;
                to_js(&list_page(&s, &p, &abort).await?)
            })
        }

        /// Lists every CSMS secret matching the filter, following pages to the end.
        #[wasm_bindgen(js_name = listAllSecretResourceInstances, skip_typescript)]
        pub fn list_all_secret_resource_instances(
            &self,
            params: JsValue,
            options: JsValue,
        ) -> Promise {
            let s = self.sender();
            promise(async move {
                let abort = Abort::from_options(&options, "aborted")?;
                let p: ListResourceInstancesParams = params_from_js(&params, "params", &[])?;
                let mut pager = ResourcePager::new(p);
                let mut all = Vec::new();
                while let Some(p) = pager.params().cloned() {
                    let page = list_page(&s, &p, &abort).await?;
                    let more = pager.advance(&page)?;
                    all.extend(page.resources);
                    if !more {
                        break;
                    }
                }
                to_js(&all)
            })
        }
    }

    /// One page of ListResourceInstances, read as its typed result.
    async fn list_page(
        s: &Sender,
        p: &ListResourceInstancesParams,
        abort: &Abort,
    ) -> Result<ResourceInstances> {
        let d = &list_resource_instances::DESCRIPTOR;
        let ctx = s.context();
        let prepared =
            list_resource_instances::list_resource_instances(ctx.region, ctx.project_id, p)?;
        s.send(d, prepared, abort, list_resource_instances::parse_list_resource_instances).await
    }

    #[wasm_bindgen(typescript_custom_section)]
    const TS_HUAWEI_OPERATIONS: &str = r#"
/** The CSMS listing methods take their parameters optionally. */
export interface HuaweiClient {
  /** Lists (or counts) CSMS secrets by tags and name; one page. */
  listSecretResourceInstances(params?: ListSecretResourceInstancesParams, options?: RequestOptions): Promise<SecretResourceInstances>;
  /** Lists every CSMS secret matching the filter, following pages to the end. */
  listAllSecretResourceInstances(params?: ListSecretResourceInstancesParams, options?: RequestOptions): Promise<SecretResource[]>;
}

export interface ListSecretResourceInstancesParams {
  action?: "filter" | "count";
  /** 1–1000; default 10. */
  limit?: number;
  offset?: number;
  /** Keys are ANDed; the values of one key are ORed. */
  tags?: { key: string; values: string[] }[];
  /** Fuzzy match on the secret name: `{ key: "resource_name", value }`. */
  matches?: { key: string; value: string }[];
  sequence?: string;
}

export interface SecretDetail {
  id: string | null;
  name: string | null;
  state: string | null;
  kmsKeyId: string | null;
  description: string | null;
  createTime: number | null;
  updateTime: number | null;
  scheduledDeleteTime: number | null;
}

export interface SecretResource {
  resourceId: string | null;
  resourceName: string | null;
  resourceDetail: SecretDetail | null;
  tags: { key: string; value: string }[];
}

export interface SecretResourceInstances {
  resources: SecretResource[];
  totalCount: number | null;
  requestId: string | null;
  /** The provider's whole answer; `null` through the worker unless it sets SEND_RAW. */
  raw: JsonValue;
  /** Requests the signing client sent for it, retries included (not set by `ProxyClient`). */
  attempts?: number;
}

export interface DeleteSecretTagParams {
  secretId: string;
  key: string;
}

export interface CreateAppParams {
  name: string;
  remark?: string;
  appKey?: string;
  appSecret?: string;
}

export interface AppResult {
  id: string | null;
  name: string | null;
  status: number | null;
  appKey: string | null;
  appSecret: string | null;
  creator: string | null;
  registerTime: string | null;
  remark: string | null;
  updateTime: string | null;
  appType: string | null;
  requestId: string | null;
  /** The provider's whole answer; `null` through the worker unless it sets SEND_RAW. */
  raw: JsonValue;
  /** Requests the signing client sent for it, retries included (not set by `ProxyClient`). */
  attempts?: number;
}
"#;

    #[wasm_bindgen]
    impl TencentClient {
        /// Verifies a business licence (image or registration number) against
        /// the registry, basic fields only.
        #[wasm_bindgen(js_name = verifyBasicBizLicense, unchecked_return_type = "Promise<BasicBizLicenseResult>")]
        pub fn verify_basic_biz_license(
            &self,
            #[wasm_bindgen(unchecked_param_type = "VerifyBasicBizLicenseParams")] params: JsValue,
            #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] options: JsValue,
        ) -> Promise {
            self.run(&verify_basic_biz_license::DESCRIPTOR, params, options)
        }

        /// Verifies a business licence and returns the registry's detailed record.
        #[wasm_bindgen(js_name = verifyBizLicense, unchecked_return_type = "Promise<BizLicenseResult>")]
        pub fn verify_biz_license(
            &self,
            #[wasm_bindgen(unchecked_param_type = "VerifyBizLicenseParams")] params: JsValue,
            #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] options: JsValue,
        ) -> Promise {
            self.run(&verify_biz_license::DESCRIPTOR, params, options)
        }

        /// Reads the fields of a business licence photo (BizLicenseOCR).
        #[wasm_bindgen(js_name = bizLicenseOcr, unchecked_return_type = "Promise<BizLicenseOcrResult>")]
        pub fn biz_license_ocr(
            &self,
            #[wasm_bindgen(unchecked_param_type = "BizLicenseOcrParams")] params: JsValue,
            #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] options: JsValue,
        ) -> Promise {
            self.run(&biz_license_ocr::DESCRIPTOR, params, options)
        }
    }
}

#[cfg(feature = "proxy")]
mod proxy_client {
    use super::*;
    use crate::api::huawei::{business_license, quota_invoice, vat_invoice};
    use crate::api::operation::Wire;
    use crate::api::tencent::{biz_license_ocr, verify_basic_biz_license, verify_biz_license};
    use crate::js::proxy::ProxyClient;
    use js_sys::Promise;

    #[wasm_bindgen]
    impl ProxyClient {
        /// Recognises a fixed-amount invoice through the proxy; the image is
        /// checked here first.
        #[wasm_bindgen(js_name = recognizeQuotaInvoice, unchecked_return_type = "Promise<QuotaInvoiceResult>")]
        pub fn recognize_quota_invoice(
            &self,
            #[wasm_bindgen(unchecked_param_type = "QuotaInvoiceParams")] params: JsValue,
            #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] options: JsValue,
        ) -> Promise {
            const W: Wire = quota_invoice::DESCRIPTOR.wire();
            self.run(&W, params, options)
        }

        /// Verifies a business licence (basic fields) through the proxy.
        #[wasm_bindgen(js_name = verifyBasicBizLicense, unchecked_return_type = "Promise<BasicBizLicenseResult>")]
        pub fn verify_basic_biz_license(
            &self,
            #[wasm_bindgen(unchecked_param_type = "VerifyBasicBizLicenseParams")] params: JsValue,
            #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] options: JsValue,
        ) -> Promise {
            const W: Wire = verify_basic_biz_license::DESCRIPTOR.wire();
            self.run(&W, params, options)
        }

        /// Verifies a business licence with the detailed record through the proxy.
        #[wasm_bindgen(js_name = verifyBizLicense, unchecked_return_type = "Promise<BizLicenseResult>")]
        pub fn verify_biz_license(
            &self,
            #[wasm_bindgen(unchecked_param_type = "VerifyBizLicenseParams")] params: JsValue,
            #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] options: JsValue,
        ) -> Promise {
            const W: Wire = verify_biz_license::DESCRIPTOR.wire();
            self.run(&W, params, options)
        }

        /// Recognises a business licence through the proxy; the file is checked here first.
        #[wasm_bindgen(js_name = recognizeBusinessLicense, unchecked_return_type = "Promise<BusinessLicenseResult>")]
        pub fn recognize_business_license(
            &self,
            #[wasm_bindgen(unchecked_param_type = "BusinessLicenseParams")] params: JsValue,
            #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] options: JsValue,
        ) -> Promise {
            const W: Wire = business_license::DESCRIPTOR.wire();
            self.run(&W, params, options)
        }

        /// Recognises a VAT invoice through the proxy; the file is checked here first.
        #[wasm_bindgen(js_name = recognizeVatInvoice, unchecked_return_type = "Promise<VatInvoiceResult>")]
        pub fn recognize_vat_invoice(
            &self,
            #[wasm_bindgen(unchecked_param_type = "VatInvoiceParams")] params: JsValue,
            #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] options: JsValue,
        ) -> Promise {
            const W: Wire = vat_invoice::DESCRIPTOR.wire();
            self.run(&W, params, options)
        }

        /// Reads the fields of a business licence photo through the proxy.
        #[wasm_bindgen(js_name = bizLicenseOcr, unchecked_return_type = "Promise<BizLicenseOcrResult>")]
        pub fn biz_license_ocr(
            &self,
            #[wasm_bindgen(unchecked_param_type = "BizLicenseOcrParams")] params: JsValue,
            #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] options: JsValue,
        ) -> Promise {
            const W: Wire = biz_license_ocr::DESCRIPTOR.wire();
            self.run(&W, params, options)
        }
    }
}

/// Builds the RecognizeQuotaInvoice body `{"image":"<base64>"}` straight from
/// the bytes, as one `Uint8Array` that `fetch` can send.
#[wasm_bindgen(js_name = buildQuotaInvoiceBody)]
pub fn build_quota_invoice_body(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer")] bytes: JsValue,
) -> std::result::Result<js_sys::Uint8Array, JsValue> {
    let view = crate::js::image::view_arg(&bytes, "bytes")?;
    Ok(crate::js::host_body::fill(&json_prefix(&[], "image"), &view, JSON_SUFFIX))
}

#[wasm_bindgen(typescript_custom_section)]
const TS_OPERATIONS: &str = r#"
/** A target service whose documented image limits are checked. */
export type Target =
  | "huawei.quotaInvoice"
  | "tencent.bizLicense"
  | "huawei.businessLicense"
  | "huawei.vatInvoice"
  | "tencent.bizLicenseOcr";

/** Options of one call, the last argument of every client method. */
export interface RequestOptions {
  /**
   * Cancels the call: its request is aborted, no retry follows, and it
   * rejects with an `OcrEdgeError` of kind and code `"aborted"`.
   */
  signal?: AbortSignal;
  /**
   * `ProxyClient` only: sent as `Idempotency-Key` (1 to 255 visible ASCII
   * characters), so a resend after a lost answer gets the first answer
   * (the worker needs its `CAPTURE_LEDGER` binding for this).
   */
  idempotencyKey?: string;
}

/** A capture-token scope: the operations a page may call through the proxy. */
export type CaptureScope = Target | "tencent.bizLicense.detailed";

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
  /** The provider's whole answer; `null` through the worker unless it sets SEND_RAW. */
  raw: JsonValue;
  /** Requests the signing client sent for it, retries included (not set by `ProxyClient`). */
  attempts?: number;
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
  /** The provider's whole answer; `null` through the worker unless it sets SEND_RAW. */
  raw: JsonValue;
  /** Requests the signing client sent for it, retries included (not set by `ProxyClient`). */
  attempts?: number;
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
  /** The provider's whole answer; `null` through the worker unless it sets SEND_RAW. */
  raw: JsonValue;
  /** Requests the signing client sent for it, retries included (not set by `ProxyClient`). */
  attempts?: number;
}

export interface BusinessLicenseParams {
  /** The licence photo or PDF; exclusive with `url`. A string is base64 (or a data URL). */
  image?: ImageSource | string;
  /** A public http(s) URL of the file; exclusive with `image`. */
  url?: string;
  enterpriseProjectId?: string;
}

export interface BusinessLicenseResult {
  registrationNumber: string | null;
  name: string | null;
  type: string | null;
  address: string | null;
  legalRepresentative: string | null;
  registeredCapital: string | null;
  organizationForm: string | null;
  foundDate: string | null;
  businessTerm: string | null;
  businessScope: string | null;
  issueDate: string | null;
  /** Per-field confidence, 0-1. */
  confidence: {
    registrationNumber: number | null;
    name: number | null;
    type: number | null;
    address: number | null;
    legalRepresentative: number | null;
    registeredCapital: number | null;
    organizationForm: number | null;
    foundDate: number | null;
    businessTerm: number | null;
    businessScope: number | null;
    issueDate: number | null;
  };
  requestId: string | null;
  /** The provider's whole answer; `null` through the worker unless it sets SEND_RAW. */
  raw: JsonValue;
  /** Requests the signing client sent for it, retries included (not set by `ProxyClient`). */
  attempts?: number;
}

export interface VatInvoiceParams {
  /** The invoice photo, PDF or OFD; exclusive with `url`. A string is base64 (or a data URL). */
  image?: ImageSource | string;
  /** A public http(s) URL of the file; exclusive with `image`. */
  url?: string;
  /** More fields (seals, issuer, confidence...); the service's default false. */
  advancedMode?: boolean;
  /** The position of each field in `textLocation`; default false. */
  returnTextLocation?: boolean;
  /** Which page of a PDF, from 1. */
  pageNum?: number;
  /** Read an OFD as an image; default false. */
  ofdToImageMode?: boolean;
  enterpriseProjectId?: string;
}

export interface VatInvoiceItem {
  name: string | null;
  specification: string | null;
  unit: string | null;
  quantity: string | null;
  unitPrice: string | null;
  amount: string | null;
  taxRate: string | null;
  tax: string | null;
  licensePlateNumber: string | null;
  vehicleType: string | null;
  startDate: string | null;
  endDate: string | null;
  /** `amount` in integer cents (fen), or null when it cannot be read with certainty. */
  amountCents: number | null;
  /** `tax` in integer cents (fen), or null. */
  taxCents: number | null;
}

export interface VatInvoiceListItem {
  itemNumber: string | null;
  name: string | null;
  specification: string | null;
  unit: string | null;
  quantity: string | null;
  unitPrice: string | null;
  amount: string | null;
  taxRate: string | null;
  tax: string | null;
}

export interface PassengerTravelItem {
  travelerName: string | null;
  idNumber: string | null;
  travelDate: string | null;
  departureLocation: string | null;
  arrivalLocation: string | null;
  /** The class of travel (`class` on the wire). */
  class: string | null;
  transportationType: string | null;
}

export interface VatInvoiceResult {
  title: string | null;
  type: string | null;
  invoiceTag: string | null;
  sumAmount: string | null;
  sumTax: string | null;
  serialNumber: string | null;
  attribution: string | null;
  supervisionSeal: string[];
  code: string | null;
  printCode: string | null;
  machineNumber: string | null;
  printNumber: string | null;
  checkCode: string | null;
  number: string | null;
  issueDate: string | null;
  encryptionBlock: string | null;
  buyerName: string | null;
  buyerId: string | null;
  buyerAddress: string | null;
  buyerBank: string | null;
  sellerName: string | null;
  sellerId: string | null;
  sellerAddress: string | null;
  sellerBank: string | null;
  subtotalAmount: string | null;
  subtotalTax: string | null;
  total: string | null;
  totalInWords: string | null;
  remarks: string | null;
  receiver: string | null;
  reviewer: string | null;
  issuer: string | null;
  sellerSeal: string[];
  itemList: VatInvoiceItem[];
  province: string | null;
  city: string | null;
  totalPages: string | null;
  currentPage: string | null;
  belongBuyerName: string | null;
  belongSellerName: string | null;
  belongVatCode: string | null;
  belongNumber: string | null;
  belongPages: string | null;
  belongCurrentPage: string | null;
  belongRemarks: string | null;
  belongIssueDate: string | null;
  salesMark: boolean | null;
  belongSumAmount: string | null;
  belongSumTax: string | null;
  belongSubtotalAmount: string | null;
  belongSubtotalTax: string | null;
  belongDiscountAmount: string | null;
  belongDiscountTax: string | null;
  belongItemList: VatInvoiceListItem[];
  passengerTravelItemList: PassengerTravelItem[];
  /** The numeric confidences, keyed by the service's field names (nested ones stay in `raw`). */
  confidence: Record<string, number>;
  /** The corners of each field, keyed by the service's field names (with `returnTextLocation`). */
  textLocation: Record<string, [number, number][]>;
  /** `total` in integer cents (fen), or null when it cannot be read with certainty. */
  totalCents: number | null;
  subtotalAmountCents: number | null;
  subtotalTaxCents: number | null;
  requestId: string | null;
  /** The provider's whole answer; `null` through the worker unless it sets SEND_RAW. */
  raw: JsonValue;
  /** Requests the signing client sent for it, retries included (not set by `ProxyClient`). */
  attempts?: number;
}

export interface BizLicenseOcrParams {
  /** The licence photo (PNG or JPEG); exclusive with `url`. A string is base64 (or a data URL). */
  image?: ImageSource | string;
  /** The licence photo as base64 text. */
  imageBase64?: string;
  /** A public http(s) URL of the photo; exclusive with an image. */
  url?: string;
  /** The same as `url`, as Tencent names it. */
  imageUrl?: string;
  /** Report copies and re-shots; Tencent's default false. */
  enableCopyWarn?: boolean;
  /** Complete the business term; default true. */
  enablePeriodComplete?: boolean;
  /** Also read other business certificates; default false. */
  enableBusinessCertificate?: boolean;
}

export interface BizLicenseOcrRect {
  x: number | null;
  y: number | null;
  width: number | null;
  height: number | null;
}

export interface BusinessCertificateField {
  name: string | null;
  value: string | null;
  rect: BizLicenseOcrRect | null;
}

export interface BizLicenseOcrResult {
  regNum: string | null;
  name: string | null;
  capital: string | null;
  person: string | null;
  address: string | null;
  business: string | null;
  type: string | null;
  period: string | null;
  composingForm: string | null;
  setDate: string | null;
  /** -9102 copy, -9104 re-shot, -9108 business scope unreadable. */
  recognizeWarnCode: number[];
  recognizeWarnMsg: string[];
  /** `recognizeWarnCode` as flags. */
  warnings: { copy: boolean; reshot: boolean; scopeUnreadable: boolean };
  /** 1 when the licence is a duplicate original, -1 when not. */
  isDuplication: number | null;
  registrationDate: string | null;
  /** Rotation of the text, degrees clockwise. */
  angle: number | null;
  nationalEmblem: boolean | null;
  qrCode: boolean | null;
  seal: boolean | null;
  title: string | null;
  serialNumber: string | null;
  registrationAuthority: string | null;
  electronic: boolean | null;
  businessCertificate: BusinessCertificateField[];
  important: string | null;
  requestId: string | null;
  /** The provider's whole answer; `null` through the worker unless it sets SEND_RAW. */
  raw: JsonValue;
  /** Requests the signing client sent for it, retries included (not set by `ProxyClient`). */
  attempts?: number;
}
"#;
