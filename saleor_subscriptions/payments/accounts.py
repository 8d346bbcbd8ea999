"""Connecting a shop's Stripe account: keys checked for shape and mode, then by Stripe, then stored encrypted.

Test and live keys never mix: the secret and publishable keys must be of one mode, and a sandbox installation
(with a test clock) takes test keys only. The secret key is checked by asking Stripe for one customer; a key
Stripe refuses is not stored. The id of the Stripe account behind the key (acct_…) is read then too: a shop's
Stripe customers belong to that account (`customers`) and are never sent with another account's key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

import stripe
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from saleor_subscriptions.billing.errors import CodedError
from saleor_subscriptions.payments.models import StripeAccount
from saleor_subscriptions.tenants.models import Installation

_SECRET = re.compile(r"^(sk|rk)_(test|live)_[A-Za-z0-9]{8,}$")
_PUBLISHABLE = re.compile(r"^pk_(test|live)_[A-Za-z0-9]{8,}$")
_WEBHOOK_SECRET = re.compile(r"^whsec_[A-Za-z0-9+/=_-]{8,}$")


class StripeSettingsErrorCode(StrEnum):
    INVALID = "invalid"
    MODE_MISMATCH = "mode_mismatch"
    LIVE_KEY_IN_SANDBOX = "live_key_in_sandbox"
    REFUSED_BY_STRIPE = "refused_by_stripe"
    STRIPE_UNREACHABLE = "stripe_unreachable"
    NOT_CONFIGURED = "not_configured"


class StripeSettingsError(CodedError):
    """Stripe settings refused, or missing where they are needed: `field` names the setting."""

    field: str

    def __init__(self, field: str, code: StripeSettingsErrorCode, message: str) -> None:
        super().__init__(code, message, field)

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


@dataclass(frozen=True)
class StripeKeys:
    secret_key: str
    publishable_key: str
    webhook_secret: str = ""


def stripe_client(secret_key: str) -> stripe.StripeClient:
    """A Stripe client on STRIPE_API_BASE, retrying network failures with the same idempotency key."""
    return stripe.StripeClient(
        secret_key,
        base_addresses={"api": settings.STRIPE_API_BASE},
        max_network_retries=settings.STRIPE_NETWORK_RETRIES,
    )


def _mode(pattern: re.Pattern[str], value: str, field: str, what: str) -> bool:
    match = pattern.match(value)
    if match is None:
        raise StripeSettingsError(field, StripeSettingsErrorCode.INVALID, f"this is not a Stripe {what}")
    return match.group(match.lastindex or 0) == "live"


def check_keys(installation: Installation, keys: StripeKeys) -> bool:
    """The keys' mode (True = live) when their shapes are right and their modes agree (else an error)."""
    live = _mode(_SECRET, keys.secret_key, "secretKey", "secret key (sk_… or rk_…)")
    if _mode(_PUBLISHABLE, keys.publishable_key, "publishableKey", "publishable key (pk_…)") != live:
        raise StripeSettingsError(
            "publishableKey",
            StripeSettingsErrorCode.MODE_MISMATCH,
            "the publishable key is of another mode (test/live) than the secret key",
        )
    if keys.webhook_secret and not _WEBHOOK_SECRET.match(keys.webhook_secret):
        raise StripeSettingsError(
            "webhookSecret", StripeSettingsErrorCode.INVALID, "this is not a webhook signing secret (whsec_…)"
        )
    if live and installation.sandbox:
        raise StripeSettingsError(
            "secretKey",
            StripeSettingsErrorCode.LIVE_KEY_IN_SANDBOX,
            "a sandbox installation (with a test clock) takes Stripe test keys only",
        )
    return live


def verify_with_stripe(secret_key: str) -> str:
    """Asks Stripe for one customer with the key, then for the account behind it: its id (acct_…). Refused
    keys raise StripeSettingsError."""
    client = stripe_client(secret_key)
    try:
        client.v1.customers.list(params={"limit": 1})
        return read_account_id(client)
    except (stripe.AuthenticationError, stripe.PermissionError) as exc:
        raise StripeSettingsError(
            "secretKey",
            StripeSettingsErrorCode.REFUSED_BY_STRIPE,
            f"Stripe refused the key: {exc.user_message}",
        ) from exc
    except stripe.APIConnectionError as exc:
        raise StripeSettingsError(
            "secretKey", StripeSettingsErrorCode.STRIPE_UNREACHABLE, f"Stripe could not be reached: {exc}"
        ) from exc


_ACCOUNT_ID = re.compile(r"\bacct_[A-Za-z0-9]+\b")


def read_account_id(client: stripe.StripeClient) -> str:
    """The id (acct_…) of the Stripe account the client's key belongs to (`GET /v1/account`). A restricted
    key without access to the account's details is refused by Stripe with a 403 that names the account: that
    id is used then; any other error is raised."""
    try:
        return str(client.v1.accounts.retrieve_current()["id"])
    except stripe.PermissionError as exc:
        named = _ACCOUNT_ID.search(str(exc.user_message or ""))
        if named is None:
            raise
        return named.group(0)


def stripe_account_id_of(account: StripeAccount, client: stripe.StripeClient | None = None) -> str:
    """The acct_… of the account's keys: as read when they were saved, else read from Stripe now (keys saved
    before it was recorded) and stored. Stripe errors are raised to the caller."""
    if account.stripe_account_id:
        return account.stripe_account_id
    account_id = read_account_id(client or stripe_client(account.secret_key))
    StripeAccount.objects.filter(pk=account.pk, stripe_account_id="").update(stripe_account_id=account_id)
    account.stripe_account_id = account_id
    return account_id


def connect_stripe(installation: Installation, channel_slug: str, keys: StripeKeys) -> StripeAccount:
    """Stores (or replaces) the Stripe keys of an installation's channel after checking them with Stripe."""
    live = check_keys(installation, keys)
    account_id = verify_with_stripe(keys.secret_key)
    with transaction.atomic():
        account, _ = StripeAccount.objects.select_for_update().get_or_create(
            installation=installation,
            channel_slug=channel_slug,
            defaults={"livemode": live, "verified_at": timezone.now()},
        )
        account.livemode = live
        account.stripe_account_id = account_id  # another Stripe account: its customers are its own
        account.secret_key = keys.secret_key
        account.publishable_key = keys.publishable_key
        account.webhook_secret = keys.webhook_secret
        account.verified_at = timezone.now()
        account.save()
    return account


def account_for(installation_id: int, channel_slug: str) -> StripeAccount:
    """The channel's own Stripe account, else the installation's default one ("" channel)."""
    accounts = {
        account.channel_slug: account
        for account in StripeAccount.objects.filter(
            installation_id=installation_id, channel_slug__in=[channel_slug, ""]
        )
    }
    account = accounts.get(channel_slug) or accounts.get("")
    if account is None:
        raise StripeSettingsError(
            "channel",
            StripeSettingsErrorCode.NOT_CONFIGURED,
            f"no Stripe account is connected for channel {channel_slug!r}",
        )
    return account
