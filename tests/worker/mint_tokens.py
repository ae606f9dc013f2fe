"""Mints capture tokens the way a Python backend would, with PyJWT, for
tests/worker/state.test.mjs: prints {"keys": <public JWK Set>, "tokens": {...}}.
Usage: mint_tokens.py <hs256-secret> <audience>"""

import json
import sys
import time
import uuid

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from jwt.algorithms import ECAlgorithm, OKPAlgorithm

secret, audience = sys.argv[1], sys.argv[2]
now = int(time.time())
ed_key = ed25519.Ed25519PrivateKey.generate()
es_key = ec.generate_private_key(ec.SECP256R1())


def public_jwk(to_jwk, key, kid, alg):
    jwk = json.loads(to_jwk(key.public_key()))
    jwk.update(kid=kid, alg=alg)
    return jwk


keys = {
    "keys": [
        public_jwk(OKPAlgorithm.to_jwk, ed_key, "ed-1", "EdDSA"),
        public_jwk(ECAlgorithm.to_jwk, es_key, "es-1", "ES256"),
    ]
}


def claims(**over):
    c = {
        "scope": "huawei.quotaInvoice",
        "aud": audience,
        "iat": now,
        "exp": now + 300,
        "jti": uuid.uuid4().hex,
    }
    c.update(over)
    return {k: v for k, v in c.items() if v is not None}


def hs(kid="default", **over):
    return jwt.encode(claims(**over), secret, algorithm="HS256", headers={"kid": kid})


tokens = {
    "hs256": hs(),
    "eddsa": jwt.encode(claims(), ed_key, algorithm="EdDSA", headers={"kid": "ed-1"}),
    "es256": jwt.encode(claims(), es_key, algorithm="ES256", headers={"kid": "es-1"}),
    # The Ed25519 key's public x used as an HS256 secret under its kid.
    "swapped": jwt.encode(
        claims(), keys["keys"][0]["x"], algorithm="HS256", headers={"kid": "ed-1"}
    ),
    "none": jwt.encode(claims(), None, algorithm="none", headers={"kid": "default"}),
    "wrong_aud": hs(aud="someone-else"),
    "future_nbf": hs(nbf=now + 600),
    "no_kid": jwt.encode(claims(), secret, algorithm="HS256"),
    "unknown_kid": hs(kid="retired"),
    "too_long": hs(exp=now + 3600),
    "expired": hs(iat=now - 600, exp=now - 300),
    "other_origin": hs(origin="https://evil.example.com"),
    "own_origin": hs(origin="https://capture.example.com"),
}
print(json.dumps({"keys": keys, "tokens": tokens}))
