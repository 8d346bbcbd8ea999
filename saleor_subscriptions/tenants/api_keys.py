"""API keys: a shop's back-end calls the API as staff limited to the key's scopes (docs/api.md "API keys").

A key is `sk_` followed by 43 random URL-safe characters (256 bits), shown once when it is made. Only
its SHA-256 is stored: a secret this long needs no slow hash, and the lookup by hash is an index hit. The
hash found is compared again in constant time. A key is revoked, never deleted, so its history stays
readable. Its last use is written at most once a minute: a busy key costs one UPDATE a minute, not one a
request.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from django.db.models import Q
from django.utils import timezone

from saleor_subscriptions.billing.errors import CodedError
from saleor_subscriptions.tenants.models import ApiKey, ApiKeyScope, Installation

KEY_PREFIX = "sk_"
SHOWN_PREFIX = 10
"""How many first characters of a key are kept and shown (`sk_` and 7 random ones)."""
NAME_MAX = 100
LAST_USED_EVERY = timedelta(minutes=1)


class ApiKeyErrorCode(StrEnum):
    INVALID = "invalid"
    REQUIRED = "required"
    NOT_FOUND = "not_found"
    ALREADY_REVOKED = "already_revoked"


class ApiKeyRefused(CodedError):
    """A key that cannot be made or revoked as asked; `field` names the argument."""


@dataclass(frozen=True)
class NewApiKey:
    key: ApiKey
    secret: str
    """The whole key, shown this once."""


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def looks_like_api_key(token: str) -> bool:
    """Whether a bearer token is meant as an API key (a JWT never starts with `sk_`)."""
    return token.startswith(KEY_PREFIX)


def _scopes(scopes: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(str(scope) for scope in scopes))
    if not chosen:
        raise ApiKeyRefused(ApiKeyErrorCode.REQUIRED, "give the key at least one scope", "scopes")
    unknown = [scope for scope in chosen if scope not in ApiKeyScope.values]
    if unknown:
        raise ApiKeyRefused(ApiKeyErrorCode.INVALID, f"unknown scopes: {', '.join(unknown)}", "scopes")
    return sorted(chosen)


def create_api_key(
    installation: Installation, name: str, scopes: Iterable[str], created_by: str
) -> NewApiKey:
    """A new key of the shop with `scopes`; ApiKeyRefused naming `name` or `scopes`."""
    name = name.strip()
    if not name:
        raise ApiKeyRefused(ApiKeyErrorCode.REQUIRED, "name the key (what it is for)", "name")
    if len(name) > NAME_MAX:
        raise ApiKeyRefused(
            ApiKeyErrorCode.INVALID, f"at most {NAME_MAX} characters, not {len(name)}", "name"
        )
    chosen = _scopes(scopes)
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey.objects.create(
        installation=installation,
        name=name,
        prefix=secret[:SHOWN_PREFIX],
        secret_hash=secret_hash(secret),
        scopes=chosen,
        created_by=created_by,
        created_at=timezone.now(),
    )
    return NewApiKey(key, secret)


def revoke_api_key(installation: Installation, key_id: int | None, revoked_by: str) -> ApiKey:
    """Revokes one of the shop's keys; ApiKeyRefused naming `id` when it has none such or it is revoked."""
    key = ApiKey.objects.filter(installation=installation, pk=key_id).first() if key_id else None
    if key is None:
        raise ApiKeyRefused(ApiKeyErrorCode.NOT_FOUND, "this shop has no API key with this id", "id")
    if key.revoked_at is not None:
        raise ApiKeyRefused(ApiKeyErrorCode.ALREADY_REVOKED, "this key is revoked already", "id")
    key.revoked_at, key.revoked_by = timezone.now(), revoked_by
    key.save(update_fields=["revoked_at", "revoked_by"])
    return key


def key_for_secret(secret: str, now: datetime | None = None) -> ApiKey | None:
    """The live key whose secret this is (its installation loaded), its last use noted; None otherwise."""
    digest = secret_hash(secret)
    key = ApiKey.objects.select_related("installation").filter(secret_hash=digest).first()
    if key is None or not hmac.compare_digest(key.secret_hash, digest) or key.revoked_at is not None:
        return None
    moment = now or timezone.now()
    if key.last_used_at is None or moment - key.last_used_at >= LAST_USED_EVERY:
        stale = Q(last_used_at__isnull=True) | Q(last_used_at__lte=moment - LAST_USED_EVERY)
        ApiKey.objects.filter(stale, pk=key.pk).update(last_used_at=moment)
        key.last_used_at = moment
    return key
