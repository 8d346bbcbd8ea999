"""The fake Saleor's RSA keys: its JWKS, webhook signatures and JWTs, made as Saleor 3.21 makes them.

Signing reuses `tests.saleor.helpers.SigningKey` (compact JSON headers `{alg, kid, typ}` for JWTs and
`{alg, b64: false, crit: ["b64"], kid, typ}` for the detached JWS of webhooks). The `kid` is the key's
RFC 7638 thumbprint, like Saleor's.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from collections.abc import Iterable
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from tests.saleor.helpers import SigningKey, b64url_decode, b64url_encode

from .state import App, User


class TokenProblem(Exception):
    """A JWT Saleor refuses: `code` is the PyJWT exception Saleor names in `extensions.exception.code`."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def thumbprint(jwk: dict[str, Any]) -> str:
    canonical = json.dumps({k: jwk[k] for k in ("e", "kty", "n")}, separators=(",", ":"), sort_keys=True)
    return b64url_encode(hashlib.sha256(canonical.encode()).digest())


def _new_key() -> SigningKey:
    key = SigningKey()
    key.kid = thumbprint(key.jwk())
    return key


def _decode_part(part: str) -> dict[str, Any]:
    value = json.loads(b64url_decode(part))
    if not isinstance(value, dict):
        raise ValueError("not a JSON object")
    return value


class KeyRing:
    """The keys the fake signs with (the newest) and serves in its JWKS (all of them)."""

    def __init__(self) -> None:
        self.keys: list[SigningKey] = [_new_key()]

    @property
    def current(self) -> SigningKey:
        return self.keys[-1]

    def rotate(self, keep_old: bool = True) -> str:
        """A new key signs from now on; the old ones stay in the JWKS unless `keep_old` is False."""
        key = _new_key()
        self.keys = [*self.keys, key] if keep_old else [key]
        return key.kid

    def jwks(self) -> dict[str, Any]:
        return {"keys": [key.jwk() for key in self.keys]}

    def sign_body(self, body: bytes) -> str:
        return self.current.webhook_signature(body)

    def issue(self, claims: dict[str, Any]) -> str:
        return self.current.token(claims)

    def unverified_claims(self, token: str) -> dict[str, Any] | None:
        parts = token.split(".")
        if len(parts) != 3:
            return None
        try:
            return _decode_part(parts[1])
        except (ValueError, UnicodeDecodeError):
            return None

    def is_saleor_token(self, token: str) -> bool:
        claims = self.unverified_claims(token)
        return claims is not None and claims.get("owner") == "saleor"

    def decode(self, token: str, *, verify_exp: bool = True) -> dict[str, Any]:
        """The claims of a JWT signed by one of these keys; raises TokenProblem like PyJWT would."""
        parts = token.split(".")
        if len(parts) != 3:
            raise TokenProblem("DecodeError", "Not enough segments")
        try:
            header, claims = _decode_part(parts[0]), _decode_part(parts[1])
            signature = b64url_decode(parts[2])
        except (ValueError, UnicodeDecodeError):
            raise TokenProblem("DecodeError", "Invalid token") from None
        key = next((k for k in self.keys if k.kid == header.get("kid")), None)
        if header.get("alg") != "RS256" or key is None:
            raise TokenProblem("InvalidSignatureError", "Signature verification failed")
        try:
            key.private.public_key().verify(
                signature, f"{parts[0]}.{parts[1]}".encode(), padding.PKCS1v15(), hashes.SHA256()
            )
        except InvalidSignature:
            raise TokenProblem("InvalidSignatureError", "Signature verification failed") from None
        if verify_exp and float(claims.get("exp", 0)) <= time.time():
            raise TokenProblem("ExpiredSignatureError", "Signature has expired")
        return claims


def new_app_token() -> str:
    """Saleor's app tokens are 30 characters (it tells them from JWTs by that length)."""
    return secrets.token_urlsafe(30)[:30]


def new_token_key() -> str:
    return secrets.token_urlsafe(9)[:12]


def access_claims(issuer: str, user: User, expires_in: int) -> dict[str, Any]:
    """A customer's (or staff user's) access token claims, in Saleor's order."""
    issued = int(time.time())
    return {
        "iat": issued,
        "owner": "saleor",
        "iss": issuer,
        "exp": issued + expires_in,
        "token": user.jwt_token_key,
        "email": user.email,
        "type": "access",
        "user_id": user.id,
        "is_staff": user.is_staff,
    }


def thirdparty_claims(
    issuer: str, user: User, app: App, permissions: Iterable[str], expires_in: int
) -> dict[str, Any]:
    """The dashboard's token for an app's pages (`app(id) { accessToken }`), in Saleor's order."""
    claims = access_claims(issuer, user, expires_in)
    claims.update(
        type="thirdparty",
        is_staff=True,
        app=app.id,
        permissions=list(permissions),
        user_permissions=sorted(user.permissions),
    )
    return claims
