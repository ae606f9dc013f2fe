"""The official Python SDKs against the local emulator.

Usage: emulator_sdk.py http://127.0.0.1:PORT
Exits 0 when every check passes; prints one line per check.

Huawei OCR and CSMS use their service SDKs; APIG v1.0 Create APP uses the
core SDK's Signer on a hand-built request; the two Tencent verify actions go
through the common SDK's CommonClient (they are not in current SDKs), and
BizLicenseOCR through the OCR SDK's own OcrClient and models.
"""
import base64
import datetime as _dt
import json
import os
import sys
import time
import urllib.request
import urllib.error
from urllib.parse import quote

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions import exceptions as hw_exc
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer import signer as hw_signer_module
from huaweicloudsdkcore.signer.signer import Signer
from huaweicloudsdkcsms.v1 import CsmsClient
from huaweicloudsdkcsms.v1 import model as csms_model
from huaweicloudsdkocr.v1 import OcrClient
from huaweicloudsdkocr.v1 import model as ocr_model

from tencentcloud.common import abstract_client as tc_abstract
from tencentcloud.common import credential as tc_credential
from tencentcloud.common.common_client import CommonClient
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.ocr.v20181119 import models as tc_models
from tencentcloud.ocr.v20181119.ocr_client import OcrClient as TcOcrClient

ENDPOINT = sys.argv[1].rstrip("/")
HOST = ENDPOINT.split("://", 1)[1]
PROJECT = "0123456789abcdef0123456789abcdef"
HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "..", "emulator", "fixtures", "images")
INVOICE = base64.b64encode(open(os.path.join(FIXTURES, "quota-invoice.png"), "rb").read()).decode()

def fixture_b64(name):
    return base64.b64encode(open(os.path.join(FIXTURES, name), "rb").read()).decode()


LICENCE = fixture_b64("biz-license.png")
LICENCE_COPY = fixture_b64("biz-license-copy.png")
VAT_PNG = fixture_b64("vat-invoice.png")
VAT_PDF = fixture_b64("vat-invoice.pdf")
VAT_OFD = fixture_b64("vat-invoice.ofd")
FAILURES = []


def check(name, ok, detail=""):
    print(("ok   " if ok else "FAIL ") + name + ("" if ok else "  " + str(detail)))
    if not ok:
        FAILURES.append(name)


def hw_config():
    config = HttpConfig.get_default_config()
    config.ignore_ssl_verification = True
    config.retry_times = 0
    return config


def ocr_client(sk="dev-sk"):
    creds = BasicCredentials("dev-ak", sk, PROJECT)
    return OcrClient.new_builder().with_http_config(hw_config()).with_credentials(creds).with_endpoint(ENDPOINT).build()


def csms_client(sk="dev-sk"):
    creds = BasicCredentials("dev-ak", sk, PROJECT)
    return CsmsClient.new_builder().with_http_config(hw_config()).with_credentials(creds).with_endpoint(ENDPOINT).build()


class StaleDatetime(_dt.datetime):
    """utcnow 20 minutes in the past, to sign a stale X-Sdk-Date."""

    @classmethod
    def utcnow(cls):
        return _dt.datetime.utcnow() - _dt.timedelta(minutes=20)


def hw_error(fn):
    try:
        fn()
    except hw_exc.ClientRequestException as e:
        return e.status_code, e.error_code, e.error_msg
    return None


def huawei_ocr():
    req = ocr_model.RecognizeQuotaInvoiceRequest(body=ocr_model.QuotaInvoiceRequestBody(image=INVOICE))
    resp = ocr_client().recognize_quota_invoice(req)
    check("huawei ocr: success", resp.result.number == "91234561", resp)
    err = hw_error(lambda: ocr_client("wrong-sk").recognize_quota_invoice(req))
    check("huawei ocr: wrong secret -> APIGW.0301", err and err[1] == "APIGW.0301" and "|" in err[2], err)
    original = hw_signer_module.datetime
    hw_signer_module.datetime = StaleDatetime
    try:
        err = hw_error(lambda: ocr_client().recognize_quota_invoice(req))
    finally:
        hw_signer_module.datetime = original
    check("huawei ocr: stale date -> APIGW.0303", err and err[1] == "APIGW.0303", err)
    bad = ocr_model.RecognizeQuotaInvoiceRequest(body=ocr_model.QuotaInvoiceRequestBody(image=INVOICE, url="https://x.test/a.png"))
    err = hw_error(lambda: ocr_client().recognize_quota_invoice(bad))
    check("huawei ocr: image and url -> AIS.0101", err and err[1] == "AIS.0101", err)


def huawei_live_ocr():
    lic = ocr_model.RecognizeBusinessLicenseRequest(body=ocr_model.BusinessLicenseRequestBody(image=LICENCE))
    resp = ocr_client().recognize_business_license(lic)
    check("huawei business licence: success", resp.result.registration_number == "91110108EMU0000159"
          and resp.result.confidence["name"] > 0.9, resp)
    err = hw_error(lambda: ocr_client().recognize_business_license(ocr_model.RecognizeBusinessLicenseRequest(
        body=ocr_model.BusinessLicenseRequestBody(image=INVOICE))))
    check("huawei business licence: not a licence -> AIS.0105", err and err[1] == "AIS.0105", err)
    err = hw_error(lambda: ocr_client().recognize_business_license(ocr_model.RecognizeBusinessLicenseRequest(
        body=ocr_model.BusinessLicenseRequestBody(image=VAT_OFD))))
    check("huawei business licence: OFD -> AIS.0104", err and err[1] == "AIS.0104", err)
    err = hw_error(lambda: ocr_client("wrong-sk").recognize_business_license(lic))
    check("huawei business licence: wrong secret -> APIGW.0301", err and err[1] == "APIGW.0301", err)

    def vat(**kw):
        return ocr_client().recognize_vat_invoice(
            ocr_model.RecognizeVatInvoiceRequest(body=ocr_model.VatInvoiceRequestBody(**kw)))
    resp = vat(image=VAT_PNG, advanced_mode=True, return_text_location=True)
    items = resp.result.item_list or []
    check("huawei vat invoice: success, advanced", resp.result.number == "01234567" and len(items) == 2
          and items[1].unit_price == "100.00" and resp.result.issuer == "赵开票"
          and resp.result.text_location["number"][0] == [1500, 62], resp)
    resp = vat(image=VAT_PNG)
    check("huawei vat invoice: plain mode drops advanced fields", resp.result.issuer is None
          and resp.result.confidence is None and resp.result.text_location is None, resp)
    resp = vat(image=VAT_PDF, page_num=2)
    check("huawei vat invoice: PDF page 2", resp.result.type == "electronic" and resp.result.current_page == "2", resp)
    resp = vat(image=VAT_OFD, ofd_to_image_mode=True)
    check("huawei vat invoice: OFD", resp.result.type == "fully_digitalized_normal_electronic", resp)
    err = hw_error(lambda: vat(image=LICENCE))
    check("huawei vat invoice: 80x60 px -> AIS.0103", err and err[1] == "AIS.0103", err)
    err = hw_error(lambda: ocr_client("wrong-sk").recognize_vat_invoice(
        ocr_model.RecognizeVatInvoiceRequest(body=ocr_model.VatInvoiceRequestBody(image=VAT_PNG))))
    check("huawei vat invoice: wrong secret -> APIGW.0301", err and err[1] == "APIGW.0301", err)


def huawei_csms():
    client = csms_client()
    body = csms_model.ListResourceInstancesRequestBody(
        action="filter", limit="5", offset="0",
        tags=[csms_model.Tag(key="env", values=["prod"])])
    resp = client.list_resource_instances(csms_model.ListResourceInstancesRequest(resource_instances="resource_instances", body=body))
    check("huawei csms list: success", resp.total_count == 5 and len(resp.resources) == 5, resp)
    count = client.list_resource_instances(csms_model.ListResourceInstancesRequest(
        resource_instances="resource_instances", body=csms_model.ListResourceInstancesRequestBody(action="count")))
    check("huawei csms count: success", count.total_count == 12, count)
    err = hw_error(lambda: csms_client("wrong-sk").list_resource_instances(
        csms_model.ListResourceInstancesRequest(resource_instances="resource_instances", body=body)))
    check("huawei csms: wrong secret -> APIGW.0301", err and err[1] == "APIGW.0301", err)
    # DeleteSecretTag takes the secret's id (secret_id), not its name.
    for secret, key in [("5ec7e7a0-0000-4000-8000-000000000001", "cost center"),
                        ("5ec7e7a0-0000-4000-8000-000000000003", "path/to"),
                        ("5ec7e7a0-0000-4000-8000-000000000005", "环境")]:
        try:
            client.delete_secret_tag(csms_model.DeleteSecretTagRequest(secret_id=secret, key=key))
            check("huawei csms delete tag %r: success" % key, True)
        except Exception as e:  # noqa: BLE001 - report any failure
            check("huawei csms delete tag %r: success" % key, False, e)


def send(method, url, headers, body):
    req = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def apig_request(sk, body, tamper=False, sdk_date=None):
    raw = json.dumps(body).encode()
    headers = {"Content-Type": "application/json"}
    if sdk_date:
        headers["X-Sdk-Date"] = sdk_date
    req = SdkRequest(method="POST", schema="http", host=HOST, resource_path="/v1.0/apigw/apps",
                     query_params=[], header_params=headers, body=raw)
    signed = Signer(BasicCredentials("dev-ak", sk)).sign(req)
    if tamper:
        raw = raw.replace(b"sdk_", b"sdX_")
    return send("POST", ENDPOINT + signed.uri, dict(signed.header_params), raw)


def huawei_apig():
    status, body = apig_request("dev-sk", {"name": "sdk_app", "app_key": "sdk_app_key_1"})
    check("huawei apig create (core Signer): 201", status == 201 and body.get("app_key") == "sdk_app_key_1", (status, body))
    status, body = apig_request("dev-sk", {"name": "sdk_app2", "app_key": "sdk_app_key_1"})
    check("huawei apig duplicate key -> APIG.3310", status == 400 and body.get("error_code") == "APIG.3310", (status, body))
    status, body = apig_request("wrong-sk", {"name": "sdk_app3"})
    check("huawei apig wrong secret -> APIGW.0301", status == 401 and body.get("error_code") == "APIGW.0301", (status, body))
    status, body = apig_request("dev-sk", {"name": "sdk_app4"}, tamper=True)
    check("huawei apig tampered body -> APIGW.0301", status == 401 and body.get("error_code") == "APIGW.0301", (status, body))
    stale = (_dt.datetime.utcnow() - _dt.timedelta(minutes=20)).strftime("%Y%m%dT%H%M%SZ")
    status, body = apig_request("dev-sk", {"name": "sdk_app5"}, sdk_date=stale)
    check("huawei apig stale date -> APIGW.0303", status == 401 and body.get("error_code") == "APIGW.0303", (status, body))


def tc_client(key="dev-secret-key"):
    http = HttpProfile(endpoint=HOST, protocol="http", reqMethod="POST")
    profile = ClientProfile(httpProfile=http, signMethod="TC3-HMAC-SHA256")
    return CommonClient("ocr", "2018-11-19", tc_credential.Credential("dev-secret-id", key), "ap-guangzhou", profile=profile)


def tc_error(fn):
    try:
        fn()
    except TencentCloudSDKException as e:
        return e.code
    return None


class StaleTime:
    @staticmethod
    def time():
        return time.time() - 600

    def __getattr__(self, name):
        return getattr(time, name)


def tencent():
    params = {"RegNum": "91110108EMU0000159", "Name": "示例云计算（北京）有限责任公司"}
    for action in ["VerifyBasicBizLicense", "VerifyBizLicense"]:
        resp = tc_client().call_json(action, params)
        ok = resp["Response"]["RegNumResult"] == {"RegNum": "0", "Name": "0", "Address": ""}
        check("tencent %s: success" % action, ok, resp)
    code = tc_error(lambda: tc_client("wrong-key").call_json("VerifyBizLicense", params))
    check("tencent: wrong secret -> AuthFailure.SignatureFailure", code == "AuthFailure.SignatureFailure", code)
    original = tc_abstract.time
    tc_abstract.time = StaleTime()
    try:
        code = tc_error(lambda: tc_client().call_json("VerifyBizLicense", params))
    finally:
        tc_abstract.time = original
    check("tencent: stale timestamp -> AuthFailure.SignatureExpire", code == "AuthFailure.SignatureExpire", code)
    # Tampered body: sign one body, send another, through the SDK's own signer.
    client = tc_client()
    real_request = client.request.send_request

    def tampering(req):
        req.data = req.data.replace(b"EMU", b"EMV") if isinstance(req.data, bytes) else req.data.replace("EMU", "EMV")
        return real_request(req)

    client.request.send_request = tampering
    code = tc_error(lambda: client.call_json("VerifyBizLicense", params))
    check("tencent: tampered body -> AuthFailure.SignatureFailure", code == "AuthFailure.SignatureFailure", code)


def tc_ocr(key="dev-secret-key"):
    http = HttpProfile(endpoint=HOST, protocol="http", reqMethod="POST")
    profile = ClientProfile(httpProfile=http, signMethod="TC3-HMAC-SHA256")
    return TcOcrClient(tc_credential.Credential("dev-secret-id", key), "ap-guangzhou", profile)


def biz_license_ocr_request(**kw):
    req = tc_models.BizLicenseOCRRequest()
    for k, v in kw.items():
        setattr(req, k, v)
    return req


def tencent_live_ocr():
    resp = tc_ocr().BizLicenseOCR(biz_license_ocr_request(ImageBase64=LICENCE, EnableBusinessCertificate=True))
    check("tencent BizLicenseOCR: success", resp.RegNum == "91110108EMU0000159" and resp.QRCode is True
          and resp.BusinessCertificate[0].Rect.Width == 260 and resp.RequestId, resp)
    resp = tc_ocr().BizLicenseOCR(biz_license_ocr_request(ImageBase64=LICENCE_COPY, EnableCopyWarn=True))
    check("tencent BizLicenseOCR: copy warning", resp.RecognizeWarnCode == [-9102]
          and resp.RecognizeWarnMsg == ["WARN_COPY_CARD"], resp.to_json_string())
    resp = tc_ocr().BizLicenseOCR(biz_license_ocr_request(ImageBase64=LICENCE_COPY))
    check("tencent BizLicenseOCR: no warning unless asked", resp.RecognizeWarnCode == [], resp.to_json_string())
    code = tc_error(lambda: tc_ocr().BizLicenseOCR(biz_license_ocr_request(ImageBase64=INVOICE)))
    check("tencent BizLicenseOCR: not a licence -> FailedOperation.NoBizLicense",
          code == "FailedOperation.NoBizLicense", code)
    code = tc_error(lambda: tc_ocr().BizLicenseOCR(biz_license_ocr_request(ImageBase64=VAT_PDF)))
    check("tencent BizLicenseOCR: PDF -> FailedOperation.ImageDecodeFailed",
          code == "FailedOperation.ImageDecodeFailed", code)
    code = tc_error(lambda: tc_ocr("wrong-key").BizLicenseOCR(biz_license_ocr_request(ImageBase64=LICENCE)))
    check("tencent BizLicenseOCR: wrong secret -> AuthFailure.SignatureFailure",
          code == "AuthFailure.SignatureFailure", code)


def main():
    for part in (huawei_ocr, huawei_live_ocr, huawei_csms, huawei_apig, tencent, tencent_live_ocr):
        try:
            part()
        except Exception as e:  # noqa: BLE001 - a crash is a failed check
            check(part.__name__ + " ran", False, repr(e))
    print("%d failure(s)" % len(FAILURES))
    sys.exit(1 if FAILURES else 0)


if __name__ == "__main__":
    main()
