"""Saleor's webhook signatures: a detached JWS over the raw body, checked against the shop's JWKS.

Saleor signs every webhook with its RSA key and sends `Saleor-Signature`: a JWS in compact form with an empty
payload part (detached), header `{"alg": "RS256", "b64": false, "crit": ["b64"], "kid": …, "typ": "JWT"}`
(RFC 7797: the signing input is `BASE64URL(header) || "." || body`, the body bytes as received). The public
keys are served at `<saleor origin>/.well-known/jwks.json`; a new `kid` means Saleor rotated its key, so the
JWKS is fetched again once (`JwksCache.verify`).

Pure Python and `cryptography`; no HTTP: the cache is given a `fetch(api_url) -> jwks` callable.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey, RSAPublicNumbers

ALGORITHM = "RS256"
MIN_RSA_KEY_BITS = 2048

T = TypeVar("T")

Jwks = Mapping[str, Any]
"""A JSON Web Key Set as parsed JSON: `{"keys": [{"kty": "RSA", "kid": …, "n": …, "e": …}, …]}`."""


class SignatureError(Exception):
    """The request is not signed by the shop: refuse it."""


class MissingSignatureError(SignatureError):
    """No `Saleor-Signature` (or an empty one)."""


class MalformedSignatureError(SignatureError):
    """Not a detached JWS of the expected form (parts, base64url, JSON header, b64/crit, kid)."""


class UnsupportedAlgorithmError(SignatureError):
    """`alg` is not RS256 (for instance `none` or HS256), or the key is for another algorithm."""


class UnknownKeyError(SignatureError):
    """No usable key with this `kid` in the JWKS: fetch the JWKS again once, then refuse."""

    def __init__(self, kid: str) -> None:
        super().__init__(f"no key with kid {kid!r} in the JWKS")
        self.kid = kid


class BadSignatureError(SignatureError):
    """The signature does not verify with the key named by `kid`."""


@dataclass(frozen=True)
class VerifiedSignature:
    kid: str
    header: Mapping[str, Any]


_B64URL = re.compile(r"[A-Za-z0-9_-]*")


def b64url_decode(text: str) -> bytes:
    """Strict unpadded base64url (RFC 7515 §2); raises ValueError."""
    if not _B64URL.fullmatch(text) or len(text) % 4 == 1:
        raise ValueError("not base64url")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except binascii.Error as exc:  # pragma: no cover - the regex leaves nothing for it
        raise ValueError("not base64url") from exc


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def decode_header(encoded: str) -> dict[str, Any]:
    try:
        header = json.loads(b64url_decode(encoded))
    except (ValueError, UnicodeDecodeError) as exc:
        raise MalformedSignatureError("the JWS header is not base64url JSON") from exc
    if not isinstance(header, dict):
        raise MalformedSignatureError("the JWS header is not a JSON object")
    return header


def check_algorithm(header: Mapping[str, Any]) -> str:
    """Checks `alg` (RS256 only) and `kid` (a string); returns the kid."""
    alg = header.get("alg")
    if alg != ALGORITHM:
        raise UnsupportedAlgorithmError(f"alg {alg!r} is not {ALGORITHM}")
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise MalformedSignatureError("the JWS header has no kid")
    return kid


def public_key(jwks: Jwks, kid: str) -> RSAPublicKey:
    """The RSA verification key named `kid` in `jwks`; UnknownKeyError when there is none usable."""
    keys = jwks.get("keys") if isinstance(jwks, Mapping) else None
    for jwk in keys if isinstance(keys, list) else ():
        if not isinstance(jwk, Mapping) or jwk.get("kid") != kid:
            continue
        if jwk.get("kty") != "RSA" or jwk.get("use", "sig") != "sig":
            continue
        key_ops = jwk.get("key_ops")
        if key_ops is not None and "verify" not in key_ops:
            continue
        if jwk.get("alg", ALGORITHM) != ALGORITHM:
            raise UnsupportedAlgorithmError(f"key {kid!r} is for {jwk.get('alg')!r}")
        try:
            n = int.from_bytes(b64url_decode(jwk["n"]), "big")
            e = int.from_bytes(b64url_decode(jwk["e"]), "big")
            key = RSAPublicNumbers(e, n).public_key()
        except (KeyError, TypeError, ValueError):
            continue
        if key.key_size < MIN_RSA_KEY_BITS:
            continue
        return key
    raise UnknownKeyError(kid)


def verify_rs256(key: RSAPublicKey, signing_input: bytes, signature: bytes) -> None:
    try:
        key.verify(signature, signing_input, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature as exc:
        raise BadSignatureError("the signature does not match") from exc


def verify_detached_jws(signature: str | None, body: bytes, jwks: Jwks) -> VerifiedSignature:
    """Verifies `Saleor-Signature` over the raw request body; raises a SignatureError subclass."""
    if signature is None or not signature.strip():
        raise MissingSignatureError("no Saleor-Signature")
    parts = signature.strip().split(".")
    if len(parts) != 3:
        raise MalformedSignatureError("a compact JWS has three parts")
    encoded_header, payload, encoded_signature = parts
    if payload:
        raise MalformedSignatureError("the JWS is not detached (its payload part is not empty)")
    header = decode_header(encoded_header)
    kid = check_algorithm(header)
    crit = header.get("crit")
    if header.get("b64") is not False or not isinstance(crit, list) or crit != ["b64"]:
        raise MalformedSignatureError('the JWS header is not {"b64": false, "crit": ["b64"]}')
    try:
        raw_signature = b64url_decode(encoded_signature)
    except ValueError as exc:
        raise MalformedSignatureError("the JWS signature is not base64url") from exc
    if not raw_signature:
        raise MalformedSignatureError("the JWS signature is empty")
    key = public_key(jwks, kid)
    verify_rs256(key, encoded_header.encode("ascii") + b"." + body, raw_signature)
    return VerifiedSignature(kid=kid, header=header)


def jwks_url(api_url: str) -> str:
    """Where Saleor serves its JWKS: `<origin of the Saleor API URL>/.well-known/jwks.json`."""
    parts = urlsplit(api_url)
    if not parts.scheme or not parts.netloc:
        raise ValueError(f"not an absolute URL: {api_url!r}")
    return f"{parts.scheme}://{parts.netloc}/.well-known/jwks.json"


@dataclass
class _Entry:
    jwks: Jwks
    fetched_at: float


class JwksCache:
    """The JWKS of each Saleor installation, by Saleor API URL.

    `fetch(api_url)` returns the parsed JWKS (use `jwks_url(api_url)`; its errors propagate). An entry is kept
    `ttl` seconds. On an unknown `kid` the JWKS is fetched again once, unless it was fetched less than
    `refetch_after` seconds ago (so a stream of forged kids cannot make the app hammer Saleor).
    """

    def __init__(
        self,
        fetch: Callable[[str], Jwks],
        *,
        ttl: float = 3600.0,
        refetch_after: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._fetch = fetch
        self._ttl = ttl
        self._refetch_after = refetch_after
        self._clock = clock
        self._entries: dict[str, _Entry] = {}
        self._lock = threading.Lock()

    def _load(self, api_url: str) -> _Entry:
        entry = _Entry(jwks=self._fetch(api_url), fetched_at=self._clock())
        with self._lock:
            self._entries[api_url] = entry
        return entry

    def get(self, api_url: str) -> Jwks:
        with self._lock:
            entry = self._entries.get(api_url)
        if entry is None or self._clock() - entry.fetched_at >= self._ttl:
            entry = self._load(api_url)
        return entry.jwks

    def put(self, api_url: str, jwks: Jwks) -> None:
        """Seeds the cache (with the JWKS stored at install time, for instance)."""
        with self._lock:
            self._entries[api_url] = _Entry(jwks=jwks, fetched_at=self._clock())

    def forget(self, api_url: str) -> None:
        with self._lock:
            self._entries.pop(api_url, None)

    def verify(self, api_url: str, signature: str | None, body: bytes) -> VerifiedSignature:
        """`verify_detached_jws` against this installation's JWKS, refetched once on an unknown kid."""
        return self.with_key_refresh(api_url, lambda jwks: verify_detached_jws(signature, body, jwks))

    def with_key_refresh(self, api_url: str, check: Callable[[Jwks], T]) -> T:
        """Runs `check(jwks)`; on UnknownKeyError fetches the JWKS again (at most once) and runs it again."""
        with self._lock:
            entry = self._entries.get(api_url)
        fresh = entry is None or self._clock() - entry.fetched_at >= self._ttl
        if fresh:
            entry = self._load(api_url)
        assert entry is not None
        try:
            return check(entry.jwks)
        except UnknownKeyError:
            if fresh or self._clock() - entry.fetched_at < self._refetch_after:
                raise
        return check(self._load(api_url).jwks)
