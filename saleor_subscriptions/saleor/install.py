"""Installing the app into a Saleor shop, and noticing that it was removed.

Saleor POSTs the app token to `/api/register` with `Saleor-Api-Url`. `register_installation` checks the URL
(absolute http(s), the GraphQL path, on the allow-list `SALEOR_ALLOWED_API_URLS` when one is set), that
Saleor's JWKS answers, and that the token works (the `app` query), then creates the `Installation` and its
`SaleorApp` (token encrypted), or replaces both when the same Saleor installs the app again. The shop's name
in Saleor (`shop { name }`) becomes the installation's name when it has none yet (staff may change it in the
settings); a Saleor that does not answer that leaves the name empty and installs all the same.

Saleor does not tell an app that it was deleted (APP_DELETED goes to the other apps only): the app learns it
when Saleor refuses its token. `mark_removed` then marks the installation `removed`, which stops its renewals
(`renewals.batch.due_filter`) and makes the intake refuse its webhooks; wrap calls to Saleor in
`on_token_rejected(installation)` so that every refusal leads there. A re-install makes it active again.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from saleor_subscriptions.billing.errors import CodedError
from saleor_subscriptions.saleor import allowed_urls
from saleor_subscriptions.saleor import jwks as saleor_jwks
from saleor_subscriptions.saleor.client import (
    SaleorClient,
    SaleorError,
    SaleorRequestError,
    SaleorUnavailable,
    TokenRejectedError,
)
from saleor_subscriptions.saleor.models import SaleorApp
from saleor_subscriptions.tenants.models import Installation
from saleor_subscriptions.tenants.settings import SHOP_NAME_MAX

logger = logging.getLogger(__name__)

#: What the app asks for in its manifest (docs/saleor.md says why each one).
REQUIRED_PERMISSIONS = (
    "MANAGE_PRODUCTS",
    "MANAGE_CHECKOUTS",
    "HANDLE_CHECKOUTS",
    "MANAGE_ORDERS",
    "MANAGE_ORDERS_IMPORT",
    "HANDLE_PAYMENTS",
    "MANAGE_USERS",
)
APP_ID = "saleor.app.subscriptions"
"""The manifest's `id`: Saleor gives it to the installed app as its `identifier`."""
FIELD_API_URL = allowed_urls.FIELD
PERMISSION_DENIED = "PermissionDenied"
"""Saleor treats an unknown or revoked app token as no token: what needs an app is refused with this code."""
MAX_TOKEN_LENGTH = 1000


class RegistrationErrorCode(StrEnum):
    REQUIRED = "required"
    INVALID = "invalid"
    NOT_ALLOWED = "not_allowed"
    JWKS_UNAVAILABLE = "jwks_unavailable"
    TOKEN_REJECTED = "token_rejected"
    SALEOR_UNAVAILABLE = "saleor_unavailable"
    APP_QUERY_FAILED = "app_query_failed"
    NOT_AN_APP_TOKEN = "not_an_app_token"
    WRONG_APP = "wrong_app"
    MISSING_PERMISSIONS = "missing_permissions"


class RegistrationRefused(CodedError):
    """The token POST cannot be accepted: `status` is the HTTP answer, `field` the header or body field."""

    field: str

    def __init__(self, status: int, field: str, code: RegistrationErrorCode, message: str) -> None:
        super().__init__(code, message, field)
        self.status = status

    def as_json(self) -> dict[str, Any]:
        return {
            "success": False,
            "error": {"field": self.field, "code": self.code, "message": self.message},
        }


@dataclass(frozen=True)
class Registration:
    """What Saleor sent to `/api/register`."""

    api_url: str | None
    domain: str
    schema_version: str
    auth_token: Any


def check_api_url(api_url: str | None, allowed: Sequence[str] | None = None) -> str:
    """The `Saleor-Api-Url` if the app may be installed from that Saleor (`allowed_urls.check_api_url`: an
    http(s) GraphQL URL, on the allow-list or public); else RegistrationRefused."""
    try:
        return allowed_urls.check_api_url(api_url, allowed)
    except allowed_urls.UrlRefused as refused:
        code = RegistrationErrorCode(refused.code)
        raise RegistrationRefused(refused.status, FIELD_API_URL, code, refused.message) from None


def check_token(token: Any) -> str:
    """The `auth_token` of the body if it is a plausible token; else RegistrationRefused."""
    if not isinstance(token, str) or not token.strip():
        raise RegistrationRefused(
            400, "auth_token", RegistrationErrorCode.REQUIRED, "the body has no auth_token"
        )
    if len(token) > MAX_TOKEN_LENGTH or any(c.isspace() for c in token):
        raise RegistrationRefused(
            400, "auth_token", RegistrationErrorCode.INVALID, "auth_token is not a token"
        )
    return token


def _check_with_saleor(api_url: str, token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Saleor's JWKS, and the `app` the token belongs to: refused when either does not answer as it should.
    What the network answered goes to the log only: the refusal says no more than "could not be fetched"."""
    try:
        keys = dict(saleor_jwks.fetch_jwks(api_url))
    except saleor_jwks.JwksUnavailable as exc:
        raise RegistrationRefused(
            400, FIELD_API_URL, RegistrationErrorCode.JWKS_UNAVAILABLE, str(exc)
        ) from exc
    try:
        with SaleorClient(
            api_url, token, timeout=settings.SALEOR_TIMEOUT_S, retries=settings.SALEOR_RETRIES
        ) as client:
            app = client.execute("app").get("app")
    except TokenRejectedError as exc:
        raise RegistrationRefused(
            400, "auth_token", RegistrationErrorCode.TOKEN_REJECTED, "Saleor refused the token"
        ) from exc
    except SaleorUnavailable as exc:
        logger.warning("install from %s: Saleor did not answer the app query: %s", api_url, exc)
        message = "Saleor did not answer the app query"
        raise RegistrationRefused(
            502, FIELD_API_URL, RegistrationErrorCode.SALEOR_UNAVAILABLE, message
        ) from exc
    except SaleorRequestError as exc:
        if PERMISSION_DENIED in exc.codes:
            message = "Saleor does not know the token as an app's"
            raise RegistrationRefused(
                400, "auth_token", RegistrationErrorCode.TOKEN_REJECTED, message
            ) from exc
        raise RegistrationRefused(
            400, "auth_token", RegistrationErrorCode.APP_QUERY_FAILED, str(exc)
        ) from exc
    except SaleorError as exc:
        raise RegistrationRefused(
            400, "auth_token", RegistrationErrorCode.APP_QUERY_FAILED, str(exc)
        ) from exc
    if not isinstance(app, dict) or not app.get("id"):
        message = "the token does not belong to an app"
        raise RegistrationRefused(400, "auth_token", RegistrationErrorCode.NOT_AN_APP_TOKEN, message)
    return keys, app


def _shop_name(api_url: str, token: str) -> str:
    """The shop's name in Saleor (`shop { name }`), trimmed to what an installation keeps; "" when Saleor
    does not answer it as it should. Only a nicety of the install (documents and emails are signed with it
    until staff set another): one try, and a failure is logged, never a refusal of the install."""
    try:
        with SaleorClient(api_url, token, timeout=settings.SALEOR_TIMEOUT_S, retries=0) as client:
            shop = client.execute("shop_name").get("shop")
    except SaleorError as exc:
        logger.warning("install from %s: Saleor did not answer the shop's name: %s", api_url, exc)
        return ""
    name = shop.get("name") if isinstance(shop, dict) else None
    return name.strip()[:SHOP_NAME_MAX] if isinstance(name, str) else ""


def _check_this_app(app: dict[str, Any]) -> list[str]:
    """The permission codes of the token's app, when it is this app (`identifier` = the manifest's id) with
    every permission the manifest asks; else RegistrationRefused (another app installed in the same Saleor
    must not replace this app's token, app id and permissions)."""
    if app.get("identifier") != APP_ID:
        message = f"the token belongs to another app, not {APP_ID}"
        raise RegistrationRefused(403, "auth_token", RegistrationErrorCode.WRONG_APP, message)
    permissions = sorted(
        str(p["code"]) for p in app.get("permissions") or [] if isinstance(p, dict) and p.get("code")
    )
    missing = sorted(set(REQUIRED_PERMISSIONS) - set(permissions))
    if missing:
        message = f"the app lacks the permissions the manifest asks: {', '.join(missing)}"
        raise RegistrationRefused(403, "auth_token", RegistrationErrorCode.MISSING_PERMISSIONS, message)
    return permissions


def register_installation(
    registration: Registration, *, allowed: Sequence[str] | None = None
) -> Installation:
    """Install (or install again) the app for the Saleor at `registration.api_url` (see the module doc):
    the same Saleor API URL keeps its Installation row, active again, with the new token, app id,
    permissions and keys."""
    api_url = check_api_url(registration.api_url, allowed)
    token = check_token(registration.auth_token)
    keys, app = _check_with_saleor(api_url, token)
    permissions = _check_this_app(app)
    shop_name = _shop_name(api_url, token)
    now = timezone.now()
    with transaction.atomic():
        installation, created = Installation.objects.select_for_update().get_or_create(saleor_api_url=api_url)
        installation.status = Installation.Status.ACTIVE
        installation.removed_at = None
        if not installation.name:  # a name staff gave the installation stays
            installation.name = shop_name
        installation.save(update_fields=["status", "removed_at", "name"])
        saleor_app = SaleorApp.objects.filter(installation=installation).first() or SaleorApp(
            installation=installation
        )
        saleor_app.saleor_domain = registration.domain[:255]
        saleor_app.app_id = str(app["id"])
        saleor_app.token = token
        saleor_app.schema_version = registration.schema_version[:16]
        saleor_app.permissions = permissions
        saleor_app.jwks = keys
        saleor_app.installed_at = now
        saleor_app.token_rejected_at = None
        saleor_app.save()
    saleor_jwks.jwks_cache().put(api_url, keys)
    logger.info(
        "%s the app in %s (app %s, installation %s)",
        "installed" if created else "re-installed",
        api_url,
        saleor_app.app_id,
        installation.pk,
    )
    return installation


def mark_removed(installation: Installation, reason: str) -> bool:
    """The shop removed the app (Saleor refuses its token): the installation becomes `removed`, which stops
    its renewals and its webhooks, loudly. Returns whether it changed (a second call only logs again at a
    lower level). Call it outside the transaction of the work that failed, or it is undone with it."""
    now = timezone.now()
    with transaction.atomic():
        changed = bool(
            Installation.objects.filter(pk=installation.pk, status=Installation.Status.ACTIVE).update(
                status=Installation.Status.REMOVED, removed_at=now
            )
        )
        SaleorApp.objects.filter(installation_id=installation.pk, token_rejected_at__isnull=True).update(
            token_rejected_at=now
        )
    installation.refresh_from_db(fields=["status", "removed_at"])
    saleor_jwks.jwks_cache().forget(installation.saleor_api_url)
    if changed:
        logger.error(
            "INSTALLATION REMOVED: installation %s (%s) is marked removed and its renewals stop: %s",
            installation.pk,
            installation.saleor_api_url,
            reason,
        )
    else:
        logger.warning("installation %s was already removed: %s", installation.pk, reason)
    return changed


@contextmanager
def on_token_rejected(installation: Installation) -> Iterator[None]:
    """Around calls to this installation's Saleor: when Saleor refuses the app's token, the installation is
    marked removed (`mark_removed`) and the error goes on to the caller. A `PermissionDenied` is what Saleor
    answers a revoked app token too (it reads it as no token), or a permission the app lacks: the `app` query
    (`check_installation`) tells which."""
    try:
        yield
    except TokenRejectedError as exc:
        mark_removed(installation, f"Saleor refused the app token ({exc.operation}): {exc}")
        raise
    except SaleorRequestError as exc:
        if PERMISSION_DENIED in exc.codes:
            with suppress(SaleorError):
                check_installation(installation)
        raise


def check_installation(installation: Installation) -> bool:
    """Asks Saleor whether the app is still installed (the `app` query with its token); a refused token marks
    the installation removed. Returns whether the installation is active afterwards. Saleor being
    unreachable proves nothing: it raises `SaleorUnavailable` and changes nothing. A token Saleor refuses, or
    treats as no token (`PermissionDenied` for the app's own `app` query), marks it removed."""
    if installation.status != Installation.Status.ACTIVE:
        return False
    saleor_app = SaleorApp.objects.filter(installation=installation).first()
    if saleor_app is None:
        return True  # never registered through /api/register (made by hand): nothing to ask with
    try:
        with saleor_app.client() as client:
            app = client.execute("app").get("app")
    except TokenRejectedError as exc:
        mark_removed(installation, f"Saleor refused the app token: {exc}")
        return False
    except SaleorRequestError as exc:
        if PERMISSION_DENIED not in exc.codes:
            raise
        mark_removed(installation, f"Saleor does not know the app token any more: {exc}")
        return False
    if not isinstance(app, dict) or not app.get("id"):
        mark_removed(installation, "Saleor answered the app query with no app for the token")
        return False
    return True
