"""Builds and signs the live OCR requests with the official service SDKs'
own clients, and prints them instead of sending them: a peer for
tests/sign_live_ops.rs, which builds and signs the same calls and compares
URL, headers, body bytes and Authorization.

Reads one JSON object per line on stdin, writes one per line on stdout
(same order, same "id"). The clock is fixed per case; nothing goes over
the network (the HTTP layer is replaced by a function that records).

Huawei case: {"id", "scheme": "huawei", "op": "business_license" |
              "vat_invoice", "ak", "sk", "project_id", "region", "time",
              "body": {SDK model field: value}, "enterprise_project_id"}
Tencent case: {"id", "scheme": "tencent", "op": "biz_license_ocr",
              "secret_id", "secret_key", "region", "time", "body": {...}}
answer: {"id", "method", "url", "headers": {...}, "body"}
"""

import datetime as _dt
import json
import sys

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkcore.signer import signer as hw_signer_module
from huaweicloudsdkocr.v1 import OcrClient
from huaweicloudsdkocr.v1 import model as ocr_model
from tencentcloud.common import abstract_client
from tencentcloud.common import credential as tc_credential
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.ocr.v20181119 import models as tc_models
from tencentcloud.ocr.v20181119.ocr_client import OcrClient as TcOcrClient


class Captured(Exception):
    """Raised by the recording HTTP layer to stop the SDK after signing."""

    def __init__(self, answer):
        super().__init__("captured")
        self.answer = answer


def fixed_datetime(now):
    class Fixed(_dt.datetime):
        @classmethod
        def utcnow(cls):
            return _dt.datetime.fromtimestamp(now, _dt.timezone.utc).replace(tzinfo=None)

    return Fixed


def text(body):
    return body.decode("utf-8") if isinstance(body, bytes) else body


def huawei(case):
    config = HttpConfig.get_default_config()
    config.retry_times = 0
    creds = BasicCredentials(case["ak"], case["sk"], case["project_id"])
    client = (OcrClient.new_builder().with_http_config(config).with_credentials(creds)
              .with_endpoint("https://ocr.%s.myhuaweicloud.com" % case["region"]).build())

    def record(request):
        raise Captured({"method": request.method, "url": request.url,
                        "headers": dict(request.header_params), "body": text(request.body)})

    client._http_client.do_request_sync = record
    if case["op"] == "business_license":
        request = ocr_model.RecognizeBusinessLicenseRequest(
            body=ocr_model.BusinessLicenseRequestBody(**case["body"]))
        call = client.recognize_business_license
    else:
        request = ocr_model.RecognizeVatInvoiceRequest(body=ocr_model.VatInvoiceRequestBody(**case["body"]))
        call = client.recognize_vat_invoice
    if case.get("enterprise_project_id"):
        request.enterprise_project_id = case["enterprise_project_id"]
    original = hw_signer_module.datetime
    hw_signer_module.datetime = fixed_datetime(case["time"])
    try:
        call(request)
    except Captured as c:
        return c.answer
    finally:
        hw_signer_module.datetime = original
    raise RuntimeError("the SDK did not send")


class FixedClock:
    def __init__(self, now):
        self.now = now

    def time(self):
        return self.now


def tencent(case):
    http = HttpProfile(endpoint="ocr.tencentcloudapi.com", reqMethod="POST")
    profile = ClientProfile(httpProfile=http, signMethod="TC3-HMAC-SHA256")
    client = TcOcrClient(tc_credential.Credential(case["secret_id"], case["secret_key"]), case["region"], profile)

    seen = []

    def record(req):
        url = "https://%s%s" % (req.host, req.uri)
        seen.append({"method": req.method, "url": url, "headers": dict(req.header), "body": text(req.data)})
        raise Captured(seen[-1])

    client.request.send_request = record
    request = tc_models.BizLicenseOCRRequest()
    for k, v in case["body"].items():
        setattr(request, k, v)
    original = abstract_client.time
    abstract_client.time = FixedClock(case["time"])
    try:
        client.BizLicenseOCR(request)
    except Exception:  # the SDK wraps what the recorder raises
        if seen:
            return seen[-1]
        raise
    finally:
        abstract_client.time = original
    raise RuntimeError("the SDK did not send")


def main():
    for line in sys.stdin:
        if not line.strip():
            continue
        case = json.loads(line)
        try:
            answer = huawei(case) if case["scheme"] == "huawei" else tencent(case)
        except Exception as exc:  # reported per case, so one bad case names itself
            answer = {"error": "%s: %s" % (type(exc).__name__, exc)}
        answer["id"] = case["id"]
        sys.stdout.write(json.dumps(answer) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
