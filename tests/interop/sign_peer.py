"""Signs requests with the official Python SDKs' own signers, as a live peer
for tests/sign_interop.rs.

Reads one JSON object per line on stdin, writes one JSON object per line on
stdout (same order, same "id"). Nothing goes over the network: the Huawei
signer works on an SdkRequest, and the Tencent client only builds its
request (time fixed per case), it never sends it.

Huawei case:  {"id", "scheme": "huawei", "ak", "sk", "method", "host",
               "path" (as sent), "query": [[k, v]...] (decoded),
               "headers": [[k, v]...] (incl. X-Sdk-Date), "body_hex"}
  answer:     {"id", "authorization", "uri"}
Tencent case: {"id", "scheme": "tencent", "secret_id", "secret_key", "token",
               "host", "service", "action", "version", "region", "language",
               "method" (GET or POST), "params": [[k, v]...], "unsigned",
               "timestamp"}
  answer:     {"id", "authorization", "headers": {...}, "data"}
"""

import json
import sys

from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer
from tencentcloud.common import abstract_client
from tencentcloud.common.abstract_client import AbstractClient
from tencentcloud.common.credential import Credential
from tencentcloud.common.http.request import RequestInternal
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile


class _Keys:
    """The two attributes the Huawei signer reads from a credentials object."""

    def __init__(self, ak, sk):
        self.ak = ak
        self.sk = sk


def sign_huawei(case):
    request = SdkRequest(
        method=case["method"],
        schema="https",
        host=case["host"],
        resource_path=case["path"],
        query_params=[(k, v) for k, v in case["query"]],
        header_params={k: v for k, v in case["headers"]},
        body=bytes.fromhex(case["body_hex"]),
    )
    signed = Signer(_Keys(case["ak"], case["sk"])).sign(request)
    return {"authorization": signed.header_params["Authorization"], "uri": signed.uri}


class _FixedClock:
    """Stands in for the time module inside the Tencent client."""

    def __init__(self, now):
        self.now = now

    def time(self):
        return self.now


def sign_tencent(case):
    class Client(AbstractClient):
        _apiVersion = case["version"]
        _service = case["service"]

    http = HttpProfile(endpoint=case["host"], reqMethod=case["method"])
    profile = ClientProfile(httpProfile=http, language=case["language"] or "zh-CN")
    if not case["language"]:
        # The profile always has a language; None makes the client omit the header.
        profile.language = None
    profile.unsignedPayload = bool(case["unsigned"])
    cred = Credential(case["secret_id"], case["secret_key"], case["token"] or None)
    client = Client(cred, case["region"] or "", profile)

    abstract_client.time = _FixedClock(case["timestamp"])
    req = RequestInternal(client._get_endpoint(), case["method"], client._requestPath, header={})
    params = {k: v for k, v in case["params"]}
    client._build_req_inter(case["action"], params, req)
    data = req.data if isinstance(req.data, str) else req.data.decode("utf-8")
    return {"authorization": req.header["Authorization"], "headers": dict(req.header), "data": data}


def main():
    for line in sys.stdin:
        if not line.strip():
            continue
        case = json.loads(line)
        try:
            if case["scheme"] == "huawei":
                answer = sign_huawei(case)
            else:
                answer = sign_tencent(case)
        except Exception as exc:  # reported per case, so one bad case names itself
            answer = {"error": "%s: %s" % (type(exc).__name__, exc)}
        answer["id"] = case["id"]
        sys.stdout.write(json.dumps(answer) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
