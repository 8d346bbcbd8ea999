"""The StripeSettings type (a channel's Stripe account, never its secrets) and its errors."""

from __future__ import annotations

from typing import Any

import graphene
from django.conf import settings

from saleor_subscriptions.payments.accounts import StripeSettingsErrorCode
from saleor_subscriptions.payments.models import StripeAccount
from saleor_subscriptions.payments.stripe_webhooks.handlers import HANDLERS

StripeSettingsErrorCodeEnum = graphene.Enum.from_enum(StripeSettingsErrorCode, name="StripeSettingsErrorCode")
StripeModeEnum = graphene.Enum("StripeMode", [("TEST", "test"), ("LIVE", "live")])


def webhook_url(installation_id: int) -> str:
    """Where the shop owner points a Stripe webhook endpoint for this installation."""
    return f"{settings.APP_URL}/webhooks/stripe/{installation_id}/"


class StripeSettingsError(graphene.ObjectType):
    field = graphene.String(description="The argument that was refused; null for the whole request.")
    code = StripeSettingsErrorCodeEnum(required=True)
    message = graphene.String(required=True, description="What is wrong, for people.")


class StripeSettings(graphene.ObjectType):
    """The Stripe account a channel uses. The secret key and the webhook signing secret are never shown."""

    channel = graphene.String(
        required=True, description='The channel the keys are for; "" for every channel without its own.'
    )
    mode = StripeModeEnum(required=True, description="Test or live keys (they never mix).")
    publishable_key = graphene.String(required=True, description="For Stripe.js on the storefront.")
    has_webhook_secret = graphene.Boolean(
        required=True, description="Whether a webhook signing secret is stored (events are refused without)."
    )
    webhook_url = graphene.String(
        required=True, description="The URL to give Stripe for a webhook endpoint (Developers → Webhooks)."
    )
    webhook_events = graphene.List(
        graphene.NonNull(graphene.String), required=True, description="The events to enable on that endpoint."
    )
    verified_at = graphene.DateTime(required=True, description="When Stripe last accepted the secret key.")

    @staticmethod
    def resolve_channel(account: StripeAccount, _info: Any) -> str:
        return account.channel_slug

    @staticmethod
    def resolve_mode(account: StripeAccount, _info: Any) -> str:
        return "live" if account.livemode else "test"

    @staticmethod
    def resolve_has_webhook_secret(account: StripeAccount, _info: Any) -> bool:
        return bool(account.webhook_secret_ciphertext)

    @staticmethod
    def resolve_webhook_url(account: StripeAccount, _info: Any) -> str:
        return webhook_url(account.installation_id)

    @staticmethod
    def resolve_webhook_events(_account: StripeAccount, _info: Any) -> list[str]:
        return sorted(HANDLERS)
