"""Who is asking: a customer of a shop, the shop's staff through the dashboard, or an anonymous storefront.

`Authorization: Bearer <JWT>` carries a token Saleor issued:

- a customer access token (`type: access`): the customer (Saleor user id and email);
- the dashboard's token for this app (`type: thirdparty`): a staff user with the `permissions` Saleor gave the
  app for them; its `app` must be this installation's app.

The installation is the one whose Saleor API URL is the token's `iss`; the signature is checked against that
Saleor's JWKS (fetched again once on an unknown `kid`), and the expiry against the real time (30 s leeway).
`Authorization: Bearer sk_…` carries one of the shop's API keys (`tenants.api_keys`): the caller is the shop's
back-end, allowed what the key's scopes allow (see "Scopes" below). An unknown and a revoked key are refused
alike (401 INVALID_TOKEN), with no hint which.

Without a token a request is anonymous; it names its shop with the `Saleor-Api-Url` header (a storefront knows
its Saleor's URL) to read public queries or put subscription lines into a checkout. When both are sent they
must name the same Saleor. Every refusal is a `RequestRefused` with its `ApiErrorCode`.

Scopes. A staff operation says which API key scope lets a key call it, next to the Saleor permissions the
dashboard's token needs: `principal.require_permissions(("MANAGE_ORDERS",), scope=Scope.READ)` in a query's
resolver, `permissions = (...)` with `scope = Scope.WRITE` on an `ApiMutation`. READ is for staff queries,
WRITE for staff mutations, USAGE for usage recording. An operation that names no scope is refused to every
key (PERMISSION_DENIED): managing keys, Stripe keys and settings need a person's dashboard token. A key
without the scope asked is refused for that field alone (PERMISSION_DENIED with `scopes: [<the scope>]`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from django.http import HttpRequest
from django.utils import timezone

from saleor_subscriptions.api.errors import ApiErrorCode, RequestRefused, api_error
from saleor_subscriptions.saleor import jwks as saleor_jwks
from saleor_subscriptions.saleor.jwt import (
    AppToken,
    CustomerToken,
    ExpiredTokenError,
    MalformedTokenError,
    WrongAppError,
    WrongIssuerError,
    WrongTokenTypeError,
    unverified_claims,
    verify_app_token,
    verify_customer_token,
)
from saleor_subscriptions.saleor.models import SaleorApp
from saleor_subscriptions.saleor.signatures import (
    BadSignatureError,
    Jwks,
    MalformedSignatureError,
    SignatureError,
    UnknownKeyError,
    UnsupportedAlgorithmError,
)
from saleor_subscriptions.tenants.api_keys import key_for_secret, looks_like_api_key
from saleor_subscriptions.tenants.models import ApiKeyScope, Installation

T = TypeVar("T")

API_URL_HEADER = "Saleor-Api-Url"
STAFF_PERMISSION = "MANAGE_PRODUCTS"
"""What the dashboard's token must carry for the plan mutations."""
Scope = ApiKeyScope
"""What an API key may do: READ (staff queries), WRITE (staff mutations), USAGE (usage recording)."""
API_KEY_ACTOR = "api-key:"
"""The actor id of what a key does: `api-key:<the key's shown prefix>`."""
_SCHEMES = ("bearer", "jwt")
UNAUTHORIZED = 401


@dataclass(frozen=True)
class Customer:
    """A shop's customer, from a customer access token."""

    user_id: str
    email: str


@dataclass(frozen=True)
class Staff:
    """A staff user acting through the dashboard's token for this app."""

    user_id: str
    email: str
    app_id: str
    permissions: frozenset[str]


@dataclass(frozen=True)
class KeyCaller:
    """A shop's back-end calling with one of its API keys."""

    key_id: int
    prefix: str
    scopes: frozenset[str]

    def as_staff(self, permissions: Collection[str]) -> Staff:
        """The key as the staff caller of an operation it may call (its actor id names the key)."""
        return Staff(f"{API_KEY_ACTOR}{self.prefix}", "", "", frozenset(permissions))


@dataclass(frozen=True)
class Principal:
    """The shop a request is for (if any) and who asks: a customer, staff, or nobody (anonymous)."""

    installation: Installation | None = None
    customer: Customer | None = None
    staff: Staff | None = None
    api_key: KeyCaller | None = None

    def shop(self) -> Installation:
        """The installation the request is for; a top-level SHOP_REQUIRED error when none was named."""
        if self.installation is None:
            raise api_error(
                ApiErrorCode.SHOP_REQUIRED,
                f"name the shop: send a token, or the {API_URL_HEADER} header with the Saleor API URL",
            )
        return self.installation

    def require_customer(self) -> Customer:
        """The customer of a customer access token; a top-level AUTHENTICATION_REQUIRED error otherwise."""
        if self.customer is None:
            raise api_error(
                ApiErrorCode.AUTHENTICATION_REQUIRED, "this needs a customer's access token from Saleor"
            )
        return self.customer

    def require_permissions(self, permissions: Collection[str], scope: ApiKeyScope | None = None) -> Staff:
        """The staff user if their token carries every one of `permissions`, or an API key's caller when the
        key has `scope` (see "Scopes" in the module doc); a top-level error otherwise."""
        if self.api_key is not None:
            return self._require_scope(self.api_key, permissions, scope)
        if self.staff is None:
            raise api_error(
                ApiErrorCode.AUTHENTICATION_REQUIRED,
                "this needs the dashboard's token for the app (staff)",
                permissions=sorted(permissions),
            )
        missing = sorted(set(permissions) - self.staff.permissions)
        if missing:
            raise api_error(
                ApiErrorCode.PERMISSION_DENIED,
                f"the token lacks the permissions {', '.join(missing)}",
                permissions=missing,
            )
        return self.staff

    @staticmethod
    def _require_scope(key: KeyCaller, permissions: Collection[str], scope: ApiKeyScope | None) -> Staff:
        if scope is None:
            raise api_error(
                ApiErrorCode.PERMISSION_DENIED,
                "this needs the dashboard's token for the app: API keys cannot call it",
                permissions=sorted(permissions),
                scopes=[],
            )
        if scope.value not in key.scopes:
            raise api_error(
                ApiErrorCode.PERMISSION_DENIED,
                f"the API key lacks the scope {scope.value}",
                scopes=[scope.value],
            )
        return key.as_staff(permissions)


def _refused(code: ApiErrorCode, message: str, status: int = UNAUTHORIZED) -> RequestRefused:
    return RequestRefused(status, code, message)


def bearer_token(request: HttpRequest) -> str | None:
    """The token of `Authorization: Bearer <token>` (or `JWT <token>`), None without the header."""
    header = request.headers.get("Authorization", "").strip()
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() not in _SCHEMES or not token.strip():
        raise _refused(ApiErrorCode.INVALID_TOKEN, "the Authorization header is not 'Bearer <token>'")
    return token.strip()


def installation_for(api_url: str) -> Installation:
    """The active installation of the Saleor at `api_url`."""
    installation = Installation.objects.filter(saleor_api_url=api_url).first()
    if installation is None:
        raise _refused(ApiErrorCode.UNKNOWN_SHOP, f"the app is not installed in the Saleor at {api_url}")
    if installation.status != Installation.Status.ACTIVE:
        raise _refused(ApiErrorCode.SHOP_REMOVED, f"the app was removed from the Saleor at {api_url}")
    return installation


_SIGNATURE_REFUSALS: tuple[tuple[type[SignatureError], ApiErrorCode, str], ...] = (
    (ExpiredTokenError, ApiErrorCode.EXPIRED_TOKEN, "the token has expired"),
    (
        UnknownKeyError,
        ApiErrorCode.UNKNOWN_SIGNING_KEY,
        "the token is signed with a key the shop does not have",
    ),
    (BadSignatureError, ApiErrorCode.INVALID_SIGNATURE, "the token's signature does not verify"),
    (UnsupportedAlgorithmError, ApiErrorCode.INVALID_SIGNATURE, "the token is not signed with RS256"),
    (WrongTokenTypeError, ApiErrorCode.WRONG_TOKEN_TYPE, "not an access or dashboard token"),
    (WrongAppError, ApiErrorCode.WRONG_APP, "the dashboard token is for another app"),
    (WrongIssuerError, ApiErrorCode.ISSUER_MISMATCH, "the token was issued by another Saleor"),
    (MalformedSignatureError, ApiErrorCode.INVALID_TOKEN, "the token is not a valid JWT"),
)


def _verified(api_url: str, check: Callable[[Jwks], T]) -> T:
    try:
        return saleor_jwks.jwks_cache().with_key_refresh(api_url, check)
    except saleor_jwks.JwksUnavailable as exc:
        raise _refused(
            ApiErrorCode.JWKS_UNAVAILABLE, f"the shop's keys cannot be fetched: {exc}", 503
        ) from exc
    except SignatureError as exc:
        for kind, code, message in _SIGNATURE_REFUSALS:
            if isinstance(exc, kind):
                raise _refused(code, f"{message} ({exc})") from exc
        raise _refused(ApiErrorCode.INVALID_TOKEN, str(exc)) from exc


def _staff(installation: Installation, token: str, now: datetime) -> Staff:
    saleor_app = SaleorApp.objects.filter(installation=installation).first()
    if saleor_app is None or not saleor_app.app_id:
        raise _refused(ApiErrorCode.WRONG_APP, "this installation has no app id to check the token against")
    app_id, issuer = saleor_app.app_id, installation.saleor_api_url

    def check(jwks: Jwks) -> AppToken:
        return verify_app_token(token, jwks, issuer=issuer, app_id=app_id, now=now)

    verified = _verified(issuer, check)
    return Staff(verified.user_id, verified.email, verified.app_id, verified.permissions)


def _customer(installation: Installation, token: str, now: datetime) -> Customer:
    issuer = installation.saleor_api_url

    def check(jwks: Jwks) -> CustomerToken:
        return verify_customer_token(token, jwks, issuer=issuer, now=now)

    verified = _verified(issuer, check)
    return Customer(verified.user_id, verified.email)


def _key_principal(secret: str, named: str | None, now: datetime | None) -> Principal:
    key = key_for_secret(secret, now)
    if key is None:
        raise _refused(ApiErrorCode.INVALID_TOKEN, "the API key is not valid")
    installation = key.installation
    if named is not None and named != installation.saleor_api_url:
        raise _refused(ApiErrorCode.ISSUER_MISMATCH, f"the API key is for another Saleor, not {named}")
    if installation.status != Installation.Status.ACTIVE:
        raise _refused(ApiErrorCode.SHOP_REMOVED, "the app was removed from the API key's Saleor")
    return Principal(installation=installation, api_key=KeyCaller(key.pk, key.prefix, frozenset(key.scopes)))


def authenticate(request: HttpRequest, now: datetime | None = None) -> Principal:
    """The principal of a request (see the module doc); RequestRefused when its token or shop is refused."""
    token = bearer_token(request)
    named = request.headers.get(API_URL_HEADER, "").strip() or None
    if token is None:
        return Principal(installation=installation_for(named) if named else None)
    if looks_like_api_key(token):
        return _key_principal(token, named, now)
    try:
        claims = unverified_claims(token)
    except MalformedTokenError as exc:
        raise _refused(ApiErrorCode.INVALID_TOKEN, f"the token is not a valid JWT ({exc})") from exc
    issuer = claims.get("iss")
    if not isinstance(issuer, str) or not issuer:
        raise _refused(ApiErrorCode.INVALID_TOKEN, "the token names no issuer (iss)")
    if named is not None and named != issuer:
        raise _refused(ApiErrorCode.ISSUER_MISMATCH, f"the token was issued by {issuer}, not {named}")
    installation = installation_for(issuer)
    moment = now or timezone.now()
    kind = claims.get("type")
    if kind == "access":
        return Principal(installation=installation, customer=_customer(installation, token, moment))
    if kind == "thirdparty":
        return Principal(installation=installation, staff=_staff(installation, token, moment))
    raise _refused(
        ApiErrorCode.WRONG_TOKEN_TYPE, f"a token of type {kind!r} is neither an access nor a dashboard token"
    )
