"""Saleor's webhook signatures: a detached JWS over the raw body, checked against the shop's JWKS with PyJWT.

Saleor signs every webhook with its RSA key and sends `Saleor-Signature`: a JWS in compact form with an empty
payload part (detached), header `{"alg": "RS256", "b64": false, "crit": ["b64"], "kid": …, "typ": "JWT"}`
(RFC 7797: the signing input is `BASE64URL(header) || "." || body`, the body bytes as received). PyJWT
verifies it (`PyJWS.decode_complete(…, detached_payload=body)`, which supports `b64: false`); the keys are
`PyJWK`s made from the JWKS served at `<saleor origin>/.well-known/jwks.json`. A new `kid` means Saleor
rotated its key, so the JWKS is fetched again once (`JwksCache.verify`). PyJWT's own `PyJWKClient` is not
used: it follows redirects and knows no allow-list (`jwks.fetch_jwks` fetches, `allowed_urls` decides).

Every refusal is a typed `SignatureError` (docs/saleor.md names their codes). No HTTP here: the cache is given
a `fetch(api_url) -> jwks` callable.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

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


_COMPACT = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*")
"""Three base64url parts (no padding, no standard-base64 characters): PyJWT's decoder would accept more."""


def compact_parts(token: str, what: type[SignatureError] = MalformedSignatureError) -> list[str]:
    """The three parts of a compact JWS written in base64url, or `what` (a subclass of MalformedSignatureError
    for tokens) when it is not one."""
    if not _COMPACT.fullmatch(token):
        raise what("not a compact JWS: three base64url parts separated by dots")
    return token.split(".")


def unverified_header(token: str, what: type[SignatureError] = MalformedSignatureError) -> dict[str, Any]:
    """The JWS header (PyJWT's reading of it), or `what` when it cannot be read."""
    compact_parts(token, what)
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise what(f"the JWS header cannot be read: {exc}") from exc
    if not isinstance(header, dict):  # pragma: no cover - PyJWT refuses it first
        raise what("the JWS header is not a JSON object")
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


def public_key(jwks: Jwks, kid: str) -> jwt.PyJWK:
    """The RSA verification key named `kid` in `jwks` (RS256, at least MIN_RSA_KEY_BITS); UnknownKeyError
    when there is none usable."""
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
            key = jwt.PyJWK(dict(jwk), algorithm=ALGORITHM)
        except (jwt.PyJWTError, KeyError, TypeError, ValueError):
            continue
        if not isinstance(key.key, RSAPublicKey) or key.key.key_size < MIN_RSA_KEY_BITS:
            continue
        return key
    raise UnknownKeyError(kid)


def refusal_of(
    exc: jwt.PyJWTError, malformed: type[SignatureError] = MalformedSignatureError
) -> SignatureError:
    """PyJWT's exception as the typed refusal (a bad signature, an algorithm not allowed, else malformed)."""
    if isinstance(exc, jwt.InvalidSignatureError):
        return BadSignatureError("the signature does not match")
    if isinstance(exc, jwt.InvalidAlgorithmError):
        return UnsupportedAlgorithmError(str(exc))
    return malformed(str(exc))


def verify_detached_jws(signature: str | None, body: bytes, jwks: Jwks) -> VerifiedSignature:
    """Verifies `Saleor-Signature` over the raw request body; raises a SignatureError subclass."""
    if signature is None or not signature.strip():
        raise MissingSignatureError("no Saleor-Signature")
    token = signature.strip()
    _, payload, encoded_signature = compact_parts(token)
    if payload:
        raise MalformedSignatureError("the JWS is not detached (its payload part is not empty)")
    header = unverified_header(token)
    kid = check_algorithm(header)
    if header.get("b64") is not False or header.get("crit") != ["b64"]:
        raise MalformedSignatureError('the JWS header is not {"b64": false, "crit": ["b64"]}')
    if not encoded_signature:
        raise MalformedSignatureError("the JWS signature is empty")
    key = public_key(jwks, kid)
    try:
        jwt.PyJWS().decode_complete(token, key, algorithms=[ALGORITHM], detached_payload=body)
    except jwt.PyJWTError as exc:
        raise refusal_of(exc) from exc
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
