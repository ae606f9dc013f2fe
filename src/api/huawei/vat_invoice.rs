//! Huawei OCR RecognizeVatInvoice (增值税发票识别):
//! `POST /v2/{project_id}/ocr/vat-invoice`, body as the SDK's
//! `VatInvoiceRequestBody` writes it: `image` or `url`, then the options set.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use super::ocr_call::{ocr_request, source_body};
use crate::api::amount::parse_amount_cents;
use crate::api::endpoints::HuaweiService;
use crate::api::fields::Fields;
use crate::api::input::{invalid, ImageInput};
use crate::api::operation::{json_answer, Context, Descriptor, Provider, Route};
use crate::api::provider_errors::{member, shape, success_json};
use crate::api::request::{Operation, PreparedRequest, Service};
use crate::api::sdk_body::{self, opt_count, opt_flag, Field};
use crate::error::Result;
use crate::image::{Format, Limits, Megabytes, Target};

/// The id of the operation: its `checkImage` target, capture scope and route name.
pub const ID: &str = "huawei.vatInvoice";

#[allow(non_upper_case_globals)]
impl Operation {
    /// Huawei OCR RecognizeVatInvoice.
    pub const RecognizeVatInvoice: Operation =
        Operation::new("RecognizeVatInvoice", Service::HuaweiOcr, true);
}

#[allow(non_upper_case_globals)]
impl Target {
    /// Huawei OCR RecognizeVatInvoice's documented limits.
    pub const HuaweiVatInvoice: Target = Target { name: ID, limits: LIMITS };
}

#[allow(non_upper_case_globals)]
impl Route {
    /// `POST /v1/huawei/vat-invoice`: RecognizeVatInvoice.
    pub const VatInvoice: Route = Route(&DESCRIPTOR);
}

/// The operation, for the registry.
pub const DESCRIPTOR: Descriptor = Descriptor {
    id: ID,
    method: "recognizeVatInvoice",
    operation: Operation::RecognizeVatInvoice,
    provider: Provider::Huawei(HuaweiService::Ocr),
    target: Some(Target::HuaweiVatInvoice),
    scope: Some(ID),
    path: "/v1/huawei/vat-invoice",
    flag: None,
    image_keys: &["image"],
    success: 200,
    build,
    answer: |status, request_id, body| json_answer(parse_vat_invoice(status, request_id, body)),
    query_text: sdk_body::query_text,
};

/// Reads `image` or `url` and the options, and builds.
fn build(ctx: &Context<'_>, f: &Fields<'_>) -> Result<PreparedRequest> {
    f.known(&[
        "url",
        "advancedMode",
        "returnTextLocation",
        "pageNum",
        "ofdToImageMode",
        "enterpriseProjectId",
    ])?;
    let p = VatInvoiceParams {
        image: f.image(),
        url: f.text("url")?,
        advanced_mode: opt_flag(f, "advancedMode")?,
        return_text_location: opt_flag(f, "returnTextLocation")?,
        page_num: opt_count(f, "pageNum")?,
        ofd_to_image_mode: opt_flag(f, "ofdToImageMode")?,
        enterprise_project_id: super::ocr_call::enterprise_project(f, ctx)?,
    };
    recognize_vat_invoice(ctx.region, ctx.project_id, &p, ctx.megabytes)
}

/// The documented limits: JPEG, PNG, BMP, TIFF, PDF or OFD, every side
/// 100–8192 px, base64 at most 10 MB.
pub const LIMITS: Limits = Limits {
    service: "Huawei VAT invoice",
    formats: &[Format::Jpeg, Format::Png, Format::Bmp, Format::Tiff, Format::Pdf, Format::Ofd],
    min_side: 100,
    max_side: 8192,
    sides_are_advice: false,
    max_base64: 10 * Limits::MB,
};

/// The largest `page_num` sent: the model types it as a (32-bit) int.
pub const MAX_PAGE_NUM: u32 = i32::MAX as u32;

/// The parameters of RecognizeVatInvoice: exactly one of `image` and `url`.
#[derive(Clone, Debug, Default)]
pub struct VatInvoiceParams<'a> {
    /// The invoice image, PDF or OFD (bytes or base64), checked against [`LIMITS`].
    pub image: Option<ImageInput<'a>>,
    /// A public http(s) URL (or an OBS URL) the service downloads the file from.
    pub url: Option<&'a str>,
    /// `advanced_mode`: more fields (seals, issuer, confidence …); default false.
    pub advanced_mode: Option<bool>,
    /// `return_text_location`: the position of each field; default false.
    pub return_text_location: Option<bool>,
    /// `page_num`: which page of a PDF, from 1 (the default).
    pub page_num: Option<u32>,
    /// `ofd_to_image_mode`: read an OFD as an image (sturdier, slower); default false.
    pub ofd_to_image_mode: Option<bool>,
    /// The enterprise project to bill, sent as `Enterprise-Project-Id`.
    pub enterprise_project_id: Option<&'a str>,
}

/// [`LIMITS`] with "MB" read as `megabytes` says.
pub fn limits(megabytes: Megabytes) -> Limits {
    match megabytes {
        Megabytes::Decimal => LIMITS,
        Megabytes::Binary => LIMITS.binary_megabytes(),
    }
}

/// Builds RecognizeVatInvoice for `project_id` in `region` (default cn-north-4).
pub fn recognize_vat_invoice(
    region: Option<&str>,
    project_id: &str,
    params: &VatInvoiceParams<'_>,
    megabytes: Megabytes,
) -> Result<PreparedRequest> {
    let mut rest: Vec<Field> = Vec::new();
    if let Some(b) = params.advanced_mode {
        rest.push(("advanced_mode", Value::Bool(b)));
    }
    if let Some(b) = params.return_text_location {
        rest.push(("return_text_location", Value::Bool(b)));
    }
    if let Some(n) = params.page_num {
        if n == 0 || n > MAX_PAGE_NUM {
            return Err(invalid(format!(
                "page_num is a page of the PDF, from 1 to {MAX_PAGE_NUM}; got {n}"
            )));
        }
        rest.push(("page_num", Value::from(n)));
    }
    if let Some(b) = params.ofd_to_image_mode {
        rest.push(("ofd_to_image_mode", Value::Bool(b)));
    }
    let body = source_body(params.image, params.url, &limits(megabytes), &rest)?;
    ocr_request(
        Operation::RecognizeVatInvoice,
        region,
        project_id,
        "vat-invoice",
        params.enterprise_project_id,
        body,
    )
}

/// One line of goods or services (the SDK's `ItemList`), as printed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all(serialize = "camelCase"), default)]
pub struct VatInvoiceItem {
    /// Name of the goods or service (货物或应税劳务、服务名称).
    pub name: Option<String>,
    /// Specification or model (规格型号).
    pub specification: Option<String>,
    /// Unit (单位).
    pub unit: Option<String>,
    /// Quantity (数量).
    pub quantity: Option<String>,
    /// Unit price (单价).
    pub unit_price: Option<String>,
    /// Amount before tax (金额).
    pub amount: Option<String>,
    /// Tax rate (税率), e.g. `13%`.
    pub tax_rate: Option<String>,
    /// Tax (税额).
    pub tax: Option<String>,
    /// Toll invoices in advanced mode: licence plate (车牌号码).
    pub license_plate_number: Option<String>,
    /// Toll invoices in advanced mode: vehicle type (车辆类型).
    pub vehicle_type: Option<String>,
    /// Toll invoices in advanced mode: start of travel (通行日期起).
    pub start_date: Option<String>,
    /// Toll invoices in advanced mode: end of travel (通行日期止).
    pub end_date: Option<String>,
    /// `amount` in integer fen, when it reads with certainty.
    #[serde(skip_deserializing)]
    pub amount_cents: Option<i64>,
    /// `tax` in integer fen, when it reads with certainty.
    #[serde(skip_deserializing)]
    pub tax_cents: Option<i64>,
}

/// One line of a sales list attached to an invoice (the SDK's `BelongItemList`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all(serialize = "camelCase"), default)]
pub struct VatInvoiceListItem {
    /// Line number (序号).
    pub item_number: Option<String>,
    /// Name of the goods or service.
    pub name: Option<String>,
    /// Specification or model.
    pub specification: Option<String>,
    /// Unit.
    pub unit: Option<String>,
    /// Quantity.
    pub quantity: Option<String>,
    /// Unit price.
    pub unit_price: Option<String>,
    /// Amount before tax.
    pub amount: Option<String>,
    /// Tax rate.
    pub tax_rate: Option<String>,
    /// Tax.
    pub tax: Option<String>,
}

/// One journey on a passenger transport invoice (the SDK's `PassengerTravelItemList`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all(serialize = "camelCase"), default)]
pub struct PassengerTravelItem {
    /// Traveller (出行人).
    pub traveler_name: Option<String>,
    /// Identity document number (有效身份证件号).
    pub id_number: Option<String>,
    /// Date of travel (出行日期).
    pub travel_date: Option<String>,
    /// Departure (出发地).
    pub departure_location: Option<String>,
    /// Arrival (到达地).
    pub arrival_location: Option<String>,
    /// Class (等级), `class` on the wire.
    #[serde(rename = "class")]
    pub travel_class: Option<String>,
    /// Means of transport (交通工具类型).
    pub transportation_type: Option<String>,
}

/// A recognised VAT invoice (the SDK's `VatInvoiceResult`): every field of
/// the model; those marked "advanced" come only with `advanced_mode`, the
/// `belong_*` ones only for a sales list.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all(serialize = "camelCase"), default)]
pub struct VatInvoice {
    /// Title (增值税发票标题).
    pub title: Option<String>,
    /// `special`, `normal`, `electronic`, `special_electronic`, `toll`,
    /// `roll`, `fully_digitalized_special_electronic` or `fully_digitalized_normal_electronic`.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// Advanced: the mark at the top left (通行费, 代开, 成品油 …).
    pub invoice_tag: Option<String>,
    /// Fully digitalised invoices: subtotal amount (小计金额).
    pub sum_amount: Option<String>,
    /// Fully digitalised invoices: subtotal tax (小计税额).
    pub sum_tax: Option<String>,
    /// Advanced: copy (发票联次).
    pub serial_number: Option<String>,
    /// Advanced: where the invoice belongs (发票归属地).
    pub attribution: Option<String>,
    /// Advanced: supervision seal text (发票监制章).
    #[serde(deserialize_with = "crate::api::null_as_default")]
    pub supervision_seal: Vec<String>,
    /// Invoice code (发票代码).
    pub code: Option<String>,
    /// Advanced: printed code (机打代码).
    pub print_code: Option<String>,
    /// Advanced: machine number (机器编号).
    pub machine_number: Option<String>,
    /// Advanced: printed number (机打号码).
    pub print_number: Option<String>,
    /// Check code (校验码); empty when the invoice type has none.
    pub check_code: Option<String>,
    /// Invoice number (发票号码).
    pub number: Option<String>,
    /// Issue date (开票日期).
    pub issue_date: Option<String>,
    /// Cipher area (密码区).
    pub encryption_block: Option<String>,
    /// Buyer name (购买方名称).
    pub buyer_name: Option<String>,
    /// Buyer taxpayer id (纳税人识别号).
    pub buyer_id: Option<String>,
    /// Buyer address and phone.
    pub buyer_address: Option<String>,
    /// Buyer bank and account.
    pub buyer_bank: Option<String>,
    /// Seller name (销售方名称).
    pub seller_name: Option<String>,
    /// Seller taxpayer id.
    pub seller_id: Option<String>,
    /// Seller address and phone.
    pub seller_address: Option<String>,
    /// Seller bank and account.
    pub seller_bank: Option<String>,
    /// Total amount before tax (合计金额).
    pub subtotal_amount: Option<String>,
    /// Total tax (合计税额).
    pub subtotal_tax: Option<String>,
    /// Total with tax (价税合计).
    pub total: Option<String>,
    /// Advanced: total in words (价税合计大写).
    pub total_in_words: Option<String>,
    /// Advanced: remarks (备注).
    pub remarks: Option<String>,
    /// Advanced: payee (收款人).
    pub receiver: Option<String>,
    /// Advanced: reviewer (复核).
    pub reviewer: Option<String>,
    /// Advanced: issuer (开票人).
    pub issuer: Option<String>,
    /// Advanced: seller's invoice seal text (销售方发票专用章).
    #[serde(deserialize_with = "crate::api::null_as_default")]
    pub seller_seal: Vec<String>,
    /// The lines of goods or services.
    #[serde(deserialize_with = "crate::api::null_as_default")]
    pub item_list: Vec<VatInvoiceItem>,
    /// Province (省).
    pub province: Option<String>,
    /// City (市).
    pub city: Option<String>,
    /// Pages in all, as text.
    pub total_pages: Option<String>,
    /// This page, as text.
    pub current_page: Option<String>,
    /// Sales list: buyer name.
    pub belong_buyer_name: Option<String>,
    /// Sales list: seller name.
    pub belong_seller_name: Option<String>,
    /// Sales list: code of the invoice it belongs to.
    pub belong_vat_code: Option<String>,
    /// Sales list: number of the invoice it belongs to.
    pub belong_number: Option<String>,
    /// Sales list: pages in all.
    pub belong_pages: Option<String>,
    /// Sales list: this page.
    pub belong_current_page: Option<String>,
    /// Sales list: remarks.
    pub belong_remarks: Option<String>,
    /// Sales list: date.
    pub belong_issue_date: Option<String>,
    /// True when the image is a sales list (销货清单).
    pub sales_mark: Option<bool>,
    /// Sales list: subtotal amount.
    pub belong_sum_amount: Option<String>,
    /// Sales list: subtotal tax.
    pub belong_sum_tax: Option<String>,
    /// Sales list: total amount.
    pub belong_subtotal_amount: Option<String>,
    /// Sales list: total tax.
    pub belong_subtotal_tax: Option<String>,
    /// Sales list: discount amount.
    pub belong_discount_amount: Option<String>,
    /// Sales list: discount tax.
    pub belong_discount_tax: Option<String>,
    /// Sales list: its lines.
    #[serde(deserialize_with = "crate::api::null_as_default")]
    pub belong_item_list: Vec<VatInvoiceListItem>,
    /// Passenger transport invoices: the journeys.
    #[serde(deserialize_with = "crate::api::null_as_default")]
    pub passenger_travel_item_list: Vec<PassengerTravelItem>,
    /// Advanced: confidence 0–1 per top-level field (wire names).
    #[serde(deserialize_with = "numbers")]
    pub confidence: BTreeMap<String, f64>,
    /// With `return_text_location`: each field's quadrilateral (top left,
    /// top right, bottom right, bottom left), by wire name.
    #[serde(deserialize_with = "quads")]
    pub text_location: BTreeMap<String, Vec<[f64; 2]>>,
    /// `total` in integer fen, when it reads with certainty.
    #[serde(skip_deserializing)]
    pub total_cents: Option<i64>,
    /// `subtotal_amount` in integer fen.
    #[serde(skip_deserializing)]
    pub subtotal_amount_cents: Option<i64>,
    /// `subtotal_tax` in integer fen.
    #[serde(skip_deserializing)]
    pub subtotal_tax_cents: Option<i64>,
    /// The `X-Request-Id` of the answer.
    #[serde(skip_deserializing)]
    pub request_id: Option<String>,
    /// The whole answer as sent, for nested confidence and locations.
    #[serde(skip_deserializing)]
    pub raw: Value,
}

/// The numeric entries of an object (nested ones, such as per-line
/// confidence, stay in `raw`).
fn numbers<'de, D: Deserializer<'de>>(
    d: D,
) -> std::result::Result<BTreeMap<String, f64>, D::Error> {
    let v = Option::<Value>::deserialize(d)?;
    let Some(Value::Object(m)) = v else { return Ok(BTreeMap::new()) };
    Ok(m.into_iter().filter_map(|(k, v)| v.as_f64().map(|n| (k, n))).collect())
}

/// The entries of an object that are lists of `[x, y]` points.
fn quads<'de, D: Deserializer<'de>>(
    d: D,
) -> std::result::Result<BTreeMap<String, Vec<[f64; 2]>>, D::Error> {
    let v = Option::<Value>::deserialize(d)?;
    let Some(Value::Object(m)) = v else { return Ok(BTreeMap::new()) };
    let point = |p: &Value| match p.as_array().map(Vec::as_slice) {
        Some([x, y]) => Some([x.as_f64()?, y.as_f64()?]),
        _ => None,
    };
    Ok(m.into_iter()
        .filter_map(|(k, v)| {
            let pts: Option<Vec<[f64; 2]>> = v.as_array()?.iter().map(point).collect();
            pts.filter(|p| !p.is_empty()).map(|p| (k, p))
        })
        .collect())
}

/// Parses a RecognizeVatInvoice answer; `request_id` is `X-Request-Id`.
pub fn parse_vat_invoice(status: u16, request_id: Option<&str>, body: &[u8]) -> Result<VatInvoice> {
    let raw = success_json(Operation::RecognizeVatInvoice, status, request_id, body)?;
    let result = member(&raw, "result", status, request_id)?;
    let mut out: VatInvoice = shape(result, status, request_id, "result")?;
    let cents = |s: &Option<String>| s.as_deref().and_then(parse_amount_cents);
    out.total_cents = cents(&out.total);
    out.subtotal_amount_cents = cents(&out.subtotal_amount);
    out.subtotal_tax_cents = cents(&out.subtotal_tax);
    for item in &mut out.item_list {
        item.amount_cents = cents(&item.amount);
        item.tax_cents = cents(&item.tax);
    }
    out.request_id = request_id.map(str::to_owned);
    out.raw = raw;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: [u8; 33] = [
        0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, b'I', b'H', b'D', b'R', 0, 0,
        1, 64, 0, 0, 1, 32, 8, 2, 0, 0, 0, 0, 0, 0, 0,
    ];

    fn build(p: &VatInvoiceParams<'_>) -> Result<PreparedRequest> {
        recognize_vat_invoice(Some("cn-east-3"), "p1", p, Megabytes::Decimal)
    }

    #[test]
    fn options_follow_the_image_in_the_model_order() {
        let p = VatInvoiceParams {
            url: Some("https://a.test/i.pdf"),
            ofd_to_image_mode: Some(false),
            page_num: Some(2),
            advanced_mode: Some(true),
            return_text_location: Some(true),
            ..Default::default()
        };
        let req = build(&p).unwrap();
        assert_eq!(req.host, "ocr.cn-east-3.myhuaweicloud.com");
        assert_eq!(req.path, "/v2/p1/ocr/vat-invoice");
        assert_eq!(
            std::str::from_utf8(&req.body).unwrap(),
            r#"{"url": "https://a.test/i.pdf", "advanced_mode": true, "return_text_location": true, "page_num": 2, "ofd_to_image_mode": false}"#
        );
        let p = VatInvoiceParams {
            image: Some(ImageInput::Base64(
                "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAUAAAAEgCAIAAAAAAAAA",
            )),
            advanced_mode: Some(false),
            ..Default::default()
        };
        let body = build(&p).unwrap().body;
        assert_eq!(
            std::str::from_utf8(&body).unwrap(),
            r#"{"image": "iVBORw0KGgoAAAANSUhEUgAAAUAAAAEgCAIAAAAAAAAA", "advanced_mode": false}"#
        );
    }

    #[test]
    fn limits_and_page_numbers() {
        let code = |p: &VatInvoiceParams<'_>| build(p).unwrap_err().code().to_owned();
        let mut small = PNG;
        small[19] = 99; // width 355 -> 99 is below 100 on the short side
        small[18] = 0;
        let p = VatInvoiceParams { image: Some(ImageInput::Bytes(&small)), ..Default::default() };
        assert_eq!(code(&p), "image.rejected");
        let p = VatInvoiceParams { image: Some(ImageInput::Bytes(&PNG)), ..Default::default() };
        assert!(build(&p).is_ok());
        let url = Some("https://a.test/x.png");
        assert_eq!(
            code(&VatInvoiceParams { url, page_num: Some(0), ..Default::default() }),
            "argument.invalid"
        );
        assert!(build(&VatInvoiceParams {
            url,
            page_num: Some(MAX_PAGE_NUM),
            ..Default::default()
        })
        .is_ok());
        assert_eq!(
            code(&VatInvoiceParams { url, page_num: Some(MAX_PAGE_NUM + 1), ..Default::default() }),
            "argument.invalid"
        );
        let ofd = b"PK\x03\x04\x14\x00\x00\x00\x08\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x07\x00\x00\x00OFD.xml";
        let p = VatInvoiceParams { image: Some(ImageInput::Bytes(ofd)), ..Default::default() };
        assert!(build(&p).is_ok());
        // The business licence takes no OFD.
        let info = crate::image::probe(ofd).unwrap();
        assert_eq!(info.format.as_str(), "ofd");
        assert!(!crate::image::check_with(&info, &super::super::business_license::LIMITS).ok);
    }

    #[test]
    fn parses_lines_seals_confidence_and_locations() {
        let body = r#"{"result":{
            "title":"广东增值税专用发票","type":"special","code":"4400000000","number":"01234567",
            "issue_date":"2024年01月02日","check_code":"","buyer_name":"买方","seller_name":"卖方",
            "subtotal_amount":"¥100.00","subtotal_tax":"¥13.00","total":"¥113.00",
            "supervision_seal":["国家税务总局"],"seller_seal":null,"sales_mark":false,
            "item_list":[{"name":"*软件*服务","unit":"次","quantity":"1","unit_price":"100","amount":"100.00","tax_rate":"13%","tax":"13.00"}],
            "passenger_travel_item_list":[{"traveler_name":"李四","class":"二等座"}],
            "confidence":{"number":0.99,"item_list":[{"name":0.9}]},
            "text_location":{"number":[[1,2],[3,2],[3,4],[1,4]],"item_list":[{"name":[[0,0]]}]}
        }}"#;
        let r = parse_vat_invoice(200, None, body.as_bytes()).unwrap();
        assert_eq!(r.kind.as_deref(), Some("special"));
        assert_eq!(r.check_code.as_deref(), Some(""));
        assert_eq!(r.supervision_seal, ["国家税务总局"]);
        assert!(r.seller_seal.is_empty());
        assert_eq!(r.total_cents, Some(11300));
        assert_eq!(r.item_list[0].tax_rate.as_deref(), Some("13%"));
        assert_eq!(r.item_list[0].amount_cents, Some(10000));
        assert_eq!(r.passenger_travel_item_list[0].travel_class.as_deref(), Some("二等座"));
        assert_eq!(r.confidence.get("number"), Some(&0.99));
        assert!(!r.confidence.contains_key("item_list"));
        assert_eq!(r.text_location["number"][2], [3.0, 4.0]);
        assert_eq!(r.raw["result"]["confidence"]["item_list"][0]["name"], 0.9);
        let js = serde_json::to_value(&r).unwrap();
        assert_eq!(js["itemList"][0]["unitPrice"], "100");
        assert_eq!(js["passengerTravelItemList"][0]["class"], "二等座");
        assert_eq!(js["salesMark"], false);
        let err = parse_vat_invoice(200, None, br#"{"result":{"item_list":[1]}}"#).unwrap_err();
        assert_eq!(err.code(), "response.shape");
    }
}
