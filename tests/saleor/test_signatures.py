"""Saleor-Signature: the captures of a real Saleor verify; changed, forged, unknown-key and wrong-alg ones do
not; the JWKS cache refetches once on an unknown kid."""

from __future__ import annotations

import base64
import json

import pytest

from saleor_subscriptions.saleor.signatures import (
    BadSignatureError,
    JwksCache,
    MalformedSignatureError,
    MissingSignatureError,
    UnknownKeyError,
    UnsupportedAlgorithmError,
    jwks_url,
    verify_detached_jws,
)
from tests.saleor.helpers import (
    CAPTURES,
    SHARED_SALEOR,
    SKIP_NO_SHARED,
    SigningKey,
    b64url_encode,
    header,
    load_capture,
)

SIGNED_CAPTURES = (
    sorted(
        p.name
        for p in CAPTURES.glob("*.json")
        if header(json.loads(p.read_text()).get("request") or {"headers": {}}, "Saleor-Signature")
    )
    if CAPTURES.is_dir()
    else []
)
needs_shared = pytest.mark.skipif(not SHARED_SALEOR.is_dir(), reason=SKIP_NO_SHARED)

BODY = b'{"issuedAt": "2026-11-22T04:50:44+00:00", "order": {"id": "T3JkZXI6MQ==", "number": "40"}}'


@pytest.fixture(scope="module")
def key() -> SigningKey:
    return SigningKey(kid="kid-1")


@pytest.fixture(scope="module")
def other_key() -> SigningKey:
    return SigningKey(kid="kid-1")


# --- self-contained: a key made here -----------------------------------------------------------------------


def test_a_signature_made_like_saleor_verifies(key):
    verified = verify_detached_jws(key.webhook_signature(BODY), BODY, key.jwks())
    assert verified.kid == "kid-1"
    assert verified.header["b64"] is False


def test_one_flipped_byte_fails(key):
    signature = key.webhook_signature(BODY)
    for position in (0, len(BODY) // 2, len(BODY) - 1):
        changed = bytearray(BODY)
        changed[position] ^= 0x01
        with pytest.raises(BadSignatureError):
            verify_detached_jws(signature, bytes(changed), key.jwks())


def test_a_forged_signature_with_the_same_kid_fails(key, other_key):
    with pytest.raises(BadSignatureError):
        verify_detached_jws(other_key.webhook_signature(BODY), BODY, key.jwks())


@pytest.mark.parametrize("signature", [None, "", "   "])
def test_missing(signature, key):
    with pytest.raises(MissingSignatureError):
        verify_detached_jws(signature, BODY, key.jwks())


def _header(value: dict) -> str:
    return b64url_encode(json.dumps(value).encode())


@pytest.mark.parametrize(
    "make",
    [
        lambda k: "not-a-jws",
        lambda k: "a.b",
        lambda k: "a.b.c.d",
        lambda k: "!!!..abc",
        lambda k: f"{b64url_encode(b'[1]')}..abc",
        lambda k: f"{b64url_encode(b'not json')}..abc",
        # attached payload: Saleor's signature is detached
        lambda k: k.webhook_signature(BODY).replace("..", f".{b64url_encode(BODY)}."),
        # b64/crit missing or wrong: the body would be signed base64url-encoded
        lambda k: f"{_header({'alg': 'RS256', 'kid': k.kid})}..{k.sign(b'x')}",
        lambda k: f"{_header({'alg': 'RS256', 'kid': k.kid, 'b64': False})}..{k.sign(b'x')}",
        lambda k: f"{_header({'alg': 'RS256', 'kid': k.kid, 'b64': False, 'crit': ['b64', 'exp']})}..abc",
        lambda k: f"{_header({'alg': 'RS256', 'b64': False, 'crit': ['b64']})}..abc",  # no kid
        lambda k: k.webhook_signature(BODY).split("..")[0] + "..",  # empty signature
        lambda k: k.webhook_signature(BODY) + "=",  # padded / not base64url
    ],
)
def test_malformed(make, key):
    with pytest.raises(MalformedSignatureError):
        verify_detached_jws(make(key), BODY, key.jwks())


def test_standard_base64_is_not_base64url(key):
    signature = key.webhook_signature(BODY)
    encoded_header, _, encoded_signature = signature.split(".")
    standard = base64.b64encode(base64.urlsafe_b64decode(encoded_signature + "==")).decode().rstrip("=")
    if standard != encoded_signature:
        with pytest.raises(MalformedSignatureError):
            verify_detached_jws(f"{encoded_header}..{standard}", BODY, key.jwks())


@pytest.mark.parametrize("alg", ["none", "HS256", "RS512", "ES256", None])
def test_other_algorithms_are_refused(alg, key):
    header = {"alg": alg, "b64": False, "crit": ["b64"], "kid": key.kid}
    encoded = _header(header)
    # HS256 "signed" with the public key as secret: the classic confusion attack
    with pytest.raises(UnsupportedAlgorithmError):
        verify_detached_jws(f"{encoded}..{b64url_encode(b'sig')}", BODY, key.jwks())
    with pytest.raises(UnsupportedAlgorithmError):
        verify_detached_jws(f"{encoded}..", BODY, key.jwks())


def test_a_key_for_another_algorithm_is_refused(key):
    jwk = key.jwk() | {"alg": "RS512"}
    with pytest.raises(UnsupportedAlgorithmError):
        verify_detached_jws(key.webhook_signature(BODY), BODY, {"keys": [jwk]})


def test_unknown_kid(key):
    with pytest.raises(UnknownKeyError) as caught:
        verify_detached_jws(key.webhook_signature(BODY, kid="rotated"), BODY, key.jwks())
    assert caught.value.kid == "rotated"
    for jwks in (
        {},
        {"keys": "x"},
        {"keys": [{"kid": "kid-1", "kty": "EC"}]},
        {"keys": [key.jwk() | {"n": "!"}]},
    ):
        with pytest.raises(UnknownKeyError):
            verify_detached_jws(key.webhook_signature(BODY), BODY, jwks)


def test_a_weak_key_is_not_used():
    weak = SigningKey(kid="weak", bits=1024)
    with pytest.raises(UnknownKeyError):
        verify_detached_jws(weak.webhook_signature(BODY), BODY, weak.jwks())


def test_jwks_url():
    assert jwks_url("https://shop.saleor.cloud/graphql/") == "https://shop.saleor.cloud/.well-known/jwks.json"
    assert jwks_url("http://127.0.0.1:8000/graphql/") == "http://127.0.0.1:8000/.well-known/jwks.json"
    with pytest.raises(ValueError):
        jwks_url("/graphql/")


# --- the cache ---------------------------------------------------------------------------------------------

API = "https://shop.example.com/graphql/"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Fetcher:
    def __init__(self, *answers: dict) -> None:
        self.answers = list(answers)
        self.calls: list[str] = []

    def __call__(self, api_url: str) -> dict:
        self.calls.append(api_url)
        return self.answers[min(len(self.calls), len(self.answers)) - 1]


def test_cache_fetches_once_and_keeps_per_url(key):
    fetch, clock = Fetcher(key.jwks()), Clock()
    cache = JwksCache(fetch, ttl=60, clock=clock)
    for _ in range(3):
        cache.verify(API, key.webhook_signature(BODY), BODY)
    assert fetch.calls == [API]
    cache.verify("https://other.example.com/graphql/", key.webhook_signature(BODY), BODY)
    assert fetch.calls == [API, "https://other.example.com/graphql/"]
    clock.now += 61
    cache.verify(API, key.webhook_signature(BODY), BODY)
    assert len(fetch.calls) == 3, "the TTL expired"


def test_unknown_kid_refetches_once_then_passes(key):
    rotated = SigningKey(kid="kid-2")
    fetch, clock = Fetcher(key.jwks(), {"keys": [key.jwk(), rotated.jwk()]}), Clock()
    cache = JwksCache(fetch, ttl=3600, refetch_after=10, clock=clock)
    cache.get(API)
    clock.now += 11
    assert cache.verify(API, rotated.webhook_signature(BODY), BODY).kid == "kid-2"
    assert len(fetch.calls) == 2
    cache.verify(API, rotated.webhook_signature(BODY), BODY)
    assert len(fetch.calls) == 2, "the new JWKS is cached"


def test_unknown_kid_refetches_once_then_fails(key):
    stranger = SigningKey(kid="kid-x")
    fetch, clock = Fetcher(key.jwks()), Clock()
    cache = JwksCache(fetch, refetch_after=10, clock=clock)
    cache.get(API)
    clock.now += 11
    with pytest.raises(UnknownKeyError):
        cache.verify(API, stranger.webhook_signature(BODY), BODY)
    assert len(fetch.calls) == 2, "exactly one refetch"
    with pytest.raises(UnknownKeyError):
        cache.verify(API, stranger.webhook_signature(BODY), BODY)
    assert len(fetch.calls) == 2, "no refetch again right after one"


def test_first_fetch_is_not_repeated_for_an_unknown_kid(key):
    fetch = Fetcher(key.jwks())
    cache = JwksCache(fetch, clock=Clock())
    with pytest.raises(UnknownKeyError):
        cache.verify(API, SigningKey(kid="kid-x").webhook_signature(BODY), BODY)
    assert len(fetch.calls) == 1


def test_bad_signature_does_not_refetch(key, other_key):
    fetch, clock = Fetcher(key.jwks()), Clock()
    cache = JwksCache(fetch, refetch_after=0, clock=clock)
    cache.get(API)
    with pytest.raises(BadSignatureError):
        cache.verify(API, other_key.webhook_signature(BODY), BODY)
    assert len(fetch.calls) == 1


def test_put_and_forget(key):
    fetch = Fetcher(key.jwks())
    cache = JwksCache(fetch, clock=Clock())
    cache.put(API, key.jwks())
    cache.verify(API, key.webhook_signature(BODY), BODY)
    assert fetch.calls == []
    cache.forget(API)
    cache.get(API)
    assert fetch.calls == [API]


# --- what a real Saleor 3.21 sent ------------------------------------------------------------------------


@needs_shared
def test_the_captures_are_there():
    assert len(SIGNED_CAPTURES) >= 10


@needs_shared
@pytest.mark.parametrize("name", SIGNED_CAPTURES)
def test_capture_verifies(name):
    capture = load_capture(name)
    request = capture["request"]
    body = request["body"].encode("utf-8")
    assert len(body) == request["body_length"]
    signature = header(request, "Saleor-Signature")
    verified = verify_detached_jws(signature, body, capture["jwks"])
    assert verified.kid == capture["jwks"]["keys"][0]["kid"]
    assert header(request, "X-Saleor-Signature") in (None, signature)


@needs_shared
@pytest.mark.parametrize("name", SIGNED_CAPTURES)
def test_capture_with_a_flipped_byte_fails(name):
    capture = load_capture(name)
    request = capture["request"]
    body = bytearray(request["body"].encode("utf-8"))
    body[len(body) // 2] ^= 0x01
    with pytest.raises(BadSignatureError):
        verify_detached_jws(header(request, "Saleor-Signature"), bytes(body), capture["jwks"])


@needs_shared
@pytest.mark.parametrize("name", SIGNED_CAPTURES)
def test_capture_forged_with_the_same_kid_fails(name):
    capture = load_capture(name)
    request = capture["request"]
    body = request["body"].encode("utf-8")
    forger = SigningKey(kid=capture["jwks"]["keys"][0]["kid"])
    with pytest.raises(BadSignatureError):
        verify_detached_jws(forger.webhook_signature(body), body, capture["jwks"])


@needs_shared
def test_capture_unknown_kid_refetches_once():
    capture = load_capture("webhook_order_created.json")
    request = capture["request"]
    body = request["body"].encode("utf-8")
    fetch, clock = Fetcher({"keys": []}, capture["jwks"]), Clock()
    cache = JwksCache(fetch, refetch_after=10, clock=clock)
    cache.get(header(request, "Saleor-Api-Url") or "")
    clock.now += 11
    api_url = header(request, "Saleor-Api-Url") or ""
    assert cache.verify(api_url, header(request, "Saleor-Signature"), body).kid
    assert fetch.calls == [api_url, api_url]


@needs_shared
def test_unsigned_captures_have_no_signature():
    for name in ("install_manifest_get.json", "install_register_post.json"):
        request = load_capture(name)["request"]
        with pytest.raises(MissingSignatureError):
            verify_detached_jws(header(request, "Saleor-Signature"), request["body"].encode(), {"keys": []})
