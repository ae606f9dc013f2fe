#!/usr/bin/env python3
"""Writes the seed corpus of every fuzz target from the test fixtures.

Run from anywhere: `python3 fuzz/seed.py`. It writes fuzz/corpus/<target>/
(replacing the seed files it owns, named `seed-*`, and leaving files the
fuzzer added). Inputs follow the layouts documented in fuzz/src/checks.rs:
selector bytes first, then lines of text, then a raw tail.
"""

import base64
import hashlib
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIX = os.path.join(ROOT, "tests", "fixtures")
CORPUS = os.path.join(ROOT, "fuzz", "corpus")

# Image seeds larger than this are cut: the probe reads headers only, and
# big seeds slow every execution of the fuzzer.
MAX_IMAGE_SEED = 24 * 1024

# Operation order of `responses` (byte 0 modulo 7) and its status table.
OPS = ["RecognizeQuotaInvoice", "ListResourceInstances", "DeleteSecretTag",
       "CreateApp", "VerifyBasicBizLicense", "VerifyBizLicense"]
STATUSES = [200, 201, 204, 400, 401, 403, 404, 408, 429, 500, 502, 503, 504, 0, 302, 999]


def write(target, data, label):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    name = "seed-%s-%s" % (label, hashlib.sha1(data).hexdigest()[:10])
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def clean(target):
    d = os.path.join(CORPUS, target)
    if os.path.isdir(d):
        for n in os.listdir(d):
            if n.startswith("seed-"):
                os.remove(os.path.join(d, n))


def images():
    d = os.path.join(FIX, "images")
    out = []
    for n in sorted(os.listdir(d)):
        if n.endswith((".tsv", ".rs", ".py")):
            continue
        with open(os.path.join(d, n), "rb") as f:
            out.append((n, f.read()))
    return out


def seed_images():
    for n, data in images():
        label = n.rsplit(".", 1)[0][:40]
        write("image_probe", data[:MAX_IMAGE_SEED], label)


def seed_body():
    small = [d for n, d in images() if len(d) <= 2048][:6]
    write("body", b"\x00" + b"\x89PNG", "plain")
    write("body", b"\x05key\nvalue\n" + small[0], "field")
    write("body", b"\x0bRegNum\n9111\nName\n\xe5\x90\x8d\n" + small[1], "fields")
    write("body", b"\x03weird\"key\n", "emptyimg")
    for i, d in enumerate(small):
        write("body", bytes([i % 4]) + d, "img%d" % i)


def seed_base64():
    for i, (n, d) in enumerate(x for x in images() if len(x[1]) <= 4096):
        b = base64.b64encode(d)
        write("base64_input", b, "b64-" + n[:30])
        if i % 4 == 0:
            write("base64_input", b"data:image/png;base64," + b, "dataurl-" + n[:30])
    write("base64_input", b"iVBORw0KGgo=", "short")
    write("base64_input", b"iVBORw0K-_Go", "urlsafe")


def seed_responses():
    manifest = os.path.join(FIX, "responses", "errors", "manifest.tsv")
    with open(manifest) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            cols = line.rstrip("\n").split("\t")
            path, status, op = cols[0], int(cols[1]), cols[2]
            with open(os.path.join(FIX, "responses", path), "rb") as g:
                body = g.read()
            head = bytes([OPS.index(op), STATUSES.index(status) if status in STATUSES else 0, 1])
            write("responses", head + body, os.path.basename(path)[:40])
            # The same body through the bare error parser (selector 6).
            write("responses", bytes([6 + 7 * OPS.index(op), 3, 0]) + body, "err-" + os.path.basename(path)[:36])
    ok = {"apig": 3, "csms": 1, "quota": 0, "tencent-basic": 4, "tencent": 5}
    d = os.path.join(FIX, "responses", "ok")
    for n in sorted(os.listdir(d)):
        with open(os.path.join(d, n), "rb") as g:
            body = g.read()
        op = next(v for k, v in ok.items() if n.startswith(k))
        write("responses", bytes([op, 0, 1]) + body, "ok-" + n[:36])
    write("responses", bytes([2, 2, 0]), "delete-204")


def vectors():
    d = os.path.join(ROOT, "tests", "vectors")
    for n in sorted(os.listdir(d)):
        if n.endswith(".json"):
            with open(os.path.join(d, n)) as f:
                yield n, json.load(f)


def request_lines(req):
    query = "&".join("%s=%s" % (k, v) for k, v in req.get("query", []))
    headers = "\t".join("%s:%s" % (k, v) for k, v in req.get("headers", []))
    lines = [req.get("method", "GET"), req.get("host", "example.com"), req.get("path", "/"), query, headers]
    return "\n".join(lines).encode() + b"\n" + req.get("body", "").encode()


def seed_sign():
    for n, v in vectors():
        body = request_lines(v["request"])
        if v["scheme"].startswith("huawei"):
            for flags in (0, 1, 4 | 8, 16):
                write("sign_huawei", bytes([flags, 0]) + body, "%s-%d" % (n[:-5], flags))
        else:
            action = v.get("action", "DescribeInstances").encode()
            for flags in (0, 1, 8 | 16, 32):
                write("sign_tencent", bytes([flags, 0]) + action + b"\n" + body, "%s-%d" % (n[:-5], flags))
    # Odd but legal pieces: encoded slashes, spaces, repeated keys, a Host header.
    odd = b"get\nh.example.com:8443\n/v1/a%2Fb/c d/%E4%B8%AD\nb=2&a=1&a=0&=&k\nHost:h.example.com\tX-A:  v  \n"
    write("sign_huawei", b"\x10\x00" + odd, "odd")
    write("sign_tencent", b"\x00\x00Act\n" + odd, "odd")


def seed_canonical():
    for n, v in vectors():
        req = v["request"]
        write("canonical", req.get("path", "/").encode(), "path-" + n[:-5])
        write("canonical", "&".join("%s=%s" % (k, x) for k, x in req.get("query", [])).encode(), "q-" + n[:-5])
    write("canonical", b"SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date, Signature=00ff", "hw-auth")
    write("canonical", b"TC3-HMAC-SHA256 Credential=AKID/2022-01-01/cvm/tc3_request, SignedHeaders=content-type;host, Signature=ab", "tc-auth")
    write("canonical", b"20200608T023900Z", "date")
    write("canonical", b"a+b=%zz&%41=%&&==", "query-odd")
    write("canonical", b"ocr.tencentcloudapi.com", "host")


def seed_builders():
    seeds = {
        "list": b"\x00\n" + json.dumps({"action": "filter", "limit": 10, "offset": 0,
                                          "tags": [{"key": "k", "values": ["v"]}],
                                          "matches": [{"key": "resource_name", "value": "n"}]}).encode(),
        "count": b"\x00cn-north-4\n" + json.dumps({"action": "count"}).encode(),
        "app": b"\x01" + json.dumps({"name": "app_1", "remark": "r", "appKey": "abcdefgh12",
                                     "appSecret": "secret-secret"}).encode(),
        "delete": b"\x02\n0123456789abcdef0123456789abcdef\nsecret-1\nkey",
        "url": b"\x03https://example.com/a b/\xe4\xb8\xad?x=%20#f",
        "regnum": b"\x04911101085636549482",
        "regnum15": b"\x04110000000000001",
        "tc-text": b"\x05911101085636549482\nName Co\nAddr\n\n\n\x00",
        "tc-url": b"\x06\n\n\nap-guangzhou\nhttps://example.com/x.jpg\n\x07",
        "quota-url": b"\x07\n0123456789abcdef0123456789abcdef\nhttps://example.com/i.png\nep-1\n",
    }
    for label, data in seeds.items():
        write("builders", data, label)
    for n, d in images():
        if len(d) <= 1024:
            write("builders", b"\x07\n" + b"0123456789abcdef0123456789abcdef\n\n\n" + d, "quota-" + n[:30])


def main():
    targets = ["image_probe", "body", "base64_input", "responses", "sign_huawei",
               "sign_tencent", "canonical", "builders"]
    for t in targets:
        clean(t)
    seed_images()
    seed_body()
    seed_base64()
    seed_responses()
    seed_sign()
    seed_canonical()
    seed_builders()
    total = 0
    for t in targets:
        d = os.path.join(CORPUS, t)
        files = os.listdir(d)
        size = sum(os.path.getsize(os.path.join(d, f)) for f in files)
        total += size
        print("%-14s %4d files %8d bytes" % (t, len(files), size))
    print("total %d bytes" % total)
    return 0


if __name__ == "__main__":
    sys.exit(main())
