"""Saleor's JWTs: customer access tokens and the dashboard's app tokens, verified against the shop's JWKS.

Both are RS256 JWTs signed with the key of `<saleor>/.well-known/jwks.json` (the one that signs webhooks),
with `iss` = the shop's GraphQL URL (the `Saleor-Api-Url` of its webhooks) and a 5-minute lifetime.

- customer access token: `type: "access"`, `user_id` (global id), `email`, `is_staff`; no permissions.
- dashboard app token (given by the dashboard to the app's pages): `type: "thirdparty"`, `app` (the app's
  global id), `permissions` (what the app may do for this staff user), `user_id`, `email`, `is_staff`.

`verify_*` take the JWKS (use `JwksCache.with_key_refresh` to refetch once on an unknown kid) and the time;
they raise a `TokenError` subclass (the signature ones come from `signatures`). PyJWT reads and verifies the
JWS (`jwt.decode` with the `PyJWK` of its kid, RS256 only); the claims are checked here against the time
given, so that a test (or a capture) can say when "now" is.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import jwt

from saleor_subscriptions.saleor.signatures import (
    ALGORITHM,
    Jwks,
    MalformedSignatureError,
    SignatureError,
    check_algorithm,
    compact_parts,
    public_key,
    refusal_of,
    unverified_header,
)

#: Seconds of clock difference tolerated between Saleor and the app.
LEEWAY = 30.0

TokenError = SignatureError
"""Base of every refusal (signature errors included)."""


class MalformedTokenError(MalformedSignatureError):
    """Not a compact JWS with a JSON object as payload, or a required claim missing or mistyped."""


class ExpiredTokenError(SignatureError):
    """`exp` has passed (or `iat`/`nbf` is in the future)."""


class WrongIssuerError(SignatureError):
    """`iss` is not the Saleor API URL of the installation."""


class WrongTokenTypeError(SignatureError):
    """`type` is not the one expected (a refresh token where an access token is needed, for instance)."""


class WrongAppError(SignatureError):
    """A dashboard token issued for another app."""


@dataclass(frozen=True)
class CustomerToken:
    user_id: str
    email: str
    is_staff: bool
    issuer: str
    expires_at: datetime
    claims: Mapping[str, Any]


@dataclass(frozen=True)
class AppToken:
    app_id: str
    permissions: frozenset[str]
    user_id: str
    email: str
    is_staff: bool
    issuer: str
    expires_at: datetime
    claims: Mapping[str, Any]


_NO_CLAIM_CHECKS: dict[str, Any] = {
    "verify_exp": False,
    "verify_nbf": False,
    "verify_iat": False,
    "verify_aud": False,
    "verify_iss": False,
    "require": [],
}
"""PyJWT checks the signature only: the claims are checked by `_check_common`, against the time given."""


def unverified_claims(token: str) -> dict[str, Any]:
    """The claims without any check: only for choosing the installation (`iss`) before verifying."""
    compact_parts(token, MalformedTokenError)
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as exc:
        raise MalformedTokenError(f"the JWT payload is not base64url JSON: {exc}") from exc
    if not isinstance(claims, dict):  # pragma: no cover - PyJWT refuses it first
        raise MalformedTokenError("the JWT payload is not a JSON object")
    return claims


def verify_jwt(token: str, jwks: Jwks) -> dict[str, Any]:
    """Checks the signature only (RS256, kid in `jwks`); returns the claims."""
    if not token or not token.strip():
        raise MalformedTokenError("no token")
    token = token.strip()
    if not compact_parts(token, MalformedTokenError)[1]:
        raise MalformedTokenError("a compact JWS has three parts and a payload")
    header = unverified_header(token, MalformedTokenError)
    kid = check_algorithm(header)
    if "crit" in header or header.get("b64", True) is not True:
        raise MalformedTokenError("unexpected crit/b64 in a JWT header")
    key = public_key(jwks, kid)
    try:
        claims = jwt.decode(token, key, algorithms=[ALGORITHM], options=_NO_CLAIM_CHECKS)  # type: ignore[arg-type]
    except jwt.PyJWTError as exc:
        raise refusal_of(exc, MalformedTokenError) from exc
    if not isinstance(claims, dict):  # pragma: no cover - PyJWT refuses it first
        raise MalformedTokenError("the JWT payload is not a JSON object")
    return claims


def _string(claims: Mapping[str, Any], name: str) -> str:
    value = claims.get(name)
    if not isinstance(value, str) or not value:
        raise MalformedTokenError(f"claim {name!r} is missing or not a string")
    return value


def _number(claims: Mapping[str, Any], name: str) -> float:
    value = claims.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise MalformedTokenError(f"claim {name!r} is missing or not a number")
    return float(value)


def _check_common(
    claims: Mapping[str, Any], *, issuer: str, token_type: str, now: datetime | None, leeway: float
) -> datetime:
    if claims.get("iss") != issuer:
        raise WrongIssuerError(f"iss {claims.get('iss')!r} is not {issuer!r}")
    if claims.get("type") != token_type:
        raise WrongTokenTypeError(f"type {claims.get('type')!r} is not {token_type!r}")
    exp = _number(claims, "exp")
    expires_at = datetime.fromtimestamp(exp, tz=UTC)
    if now is not None:
        if now.tzinfo is None:
            raise ValueError("now must be an aware datetime")
        moment = now.timestamp()
        if moment >= exp + leeway:
            raise ExpiredTokenError("the token has expired")
        for name in ("iat", "nbf"):
            if name in claims and _number(claims, name) > moment + leeway:
                raise ExpiredTokenError(f"{name} is in the future")
    return expires_at


def verify_customer_token(
    token: str, jwks: Jwks, *, issuer: str, now: datetime | None, leeway: float = LEEWAY
) -> CustomerToken:
    """A customer's (or staff user's) access token. `now=None` skips the time checks (captures only)."""
    claims = verify_jwt(token, jwks)
    expires_at = _check_common(claims, issuer=issuer, token_type="access", now=now, leeway=leeway)
    return CustomerToken(
        user_id=_string(claims, "user_id"),
        email=_string(claims, "email"),
        is_staff=claims.get("is_staff") is True,
        issuer=issuer,
        expires_at=expires_at,
        claims=claims,
    )


def verify_app_token(
    token: str,
    jwks: Jwks,
    *,
    issuer: str,
    app_id: str | None,
    now: datetime | None,
    required_permissions: Collection[str] = (),
    leeway: float = LEEWAY,
) -> AppToken:
    """A dashboard token for an app (`type: thirdparty`); `app_id`: this installation's app, if known."""
    claims = verify_jwt(token, jwks)
    expires_at = _check_common(claims, issuer=issuer, token_type="thirdparty", now=now, leeway=leeway)
    token_app = _string(claims, "app")
    if app_id is not None and token_app != app_id:
        raise WrongAppError(f"the token is for app {token_app!r}")
    permissions = claims.get("permissions")
    if not isinstance(permissions, list) or not all(isinstance(p, str) for p in permissions):
        raise MalformedTokenError("claim 'permissions' is not a list of strings")
    granted = frozenset(permissions)
    missing = set(required_permissions) - granted
    if missing:
        raise InsufficientPermissionsError(sorted(missing))
    return AppToken(
        app_id=token_app,
        permissions=granted,
        user_id=_string(claims, "user_id"),
        email=_string(claims, "email"),
        is_staff=claims.get("is_staff") is True,
        issuer=issuer,
        expires_at=expires_at,
        claims=claims,
    )


class InsufficientPermissionsError(SignatureError):
    """A valid dashboard token without the permissions the action needs."""

    def __init__(self, missing: list[str]) -> None:
        super().__init__(f"missing permissions: {', '.join(missing)}")
        self.missing = missing
