"""`stripeSettingsUpdate` and `stripeSettings`: a channel's Stripe keys, checked with Stripe before they are
stored (encrypted). Saving needs HANDLE_PAYMENTS on a dashboard token of this installation's app (`api.auth`
checks the stored app id); reading, HANDLE_PAYMENTS or MANAGE_ORDERS. The secrets are write-only."""

from __future__ import annotations

import re
from typing import Any

import graphene

from saleor_subscriptions.api.auth import Principal
from saleor_subscriptions.api.context import ApiContext, context_of
from saleor_subscriptions.api.errors import ApiErrorCode, api_error
from saleor_subscriptions.api.mutations.base import ApiMutation
from saleor_subscriptions.api.types.stripe_settings import StripeSettings, StripeSettingsError
from saleor_subscriptions.payments.accounts import (
    StripeKeys,
    StripeSettingsErrorCode,
    account_for,
    connect_stripe,
)
from saleor_subscriptions.payments.accounts import StripeSettingsError as SettingsRefused
from saleor_subscriptions.payments.models import StripeAccount

PAYMENT_PERMISSIONS = ("HANDLE_PAYMENTS", "MANAGE_ORDERS")
"""Either one of these on the dashboard's token allows reading the Stripe settings."""
SAVE_PERMISSION = "HANDLE_PAYMENTS"
"""What the dashboard's token must carry to save Stripe keys (they decide where the shop's money goes)."""
_CHANNEL = re.compile(r"^[A-Za-z0-9_-]{0,100}$")


def require_payment_staff(principal: Principal) -> None:
    """Staff whose token carries HANDLE_PAYMENTS or MANAGE_ORDERS; a top-level error otherwise."""
    staff = principal.staff
    if staff is None:
        raise api_error(
            ApiErrorCode.AUTHENTICATION_REQUIRED,
            "this needs the dashboard's token for the app (staff)",
            permissions=list(PAYMENT_PERMISSIONS),
        )
    if not staff.permissions & set(PAYMENT_PERMISSIONS):
        raise api_error(
            ApiErrorCode.PERMISSION_DENIED,
            "the token lacks HANDLE_PAYMENTS or MANAGE_ORDERS (one of them is needed)",
            permissions=list(PAYMENT_PERMISSIONS),
        )


def _channel(value: str | None) -> str:
    channel = (value or "").strip()
    if not _CHANNEL.match(channel):
        raise SettingsRefused("channel", StripeSettingsErrorCode.INVALID, "this is not a channel slug")
    return channel


class StripeSettingsUpdate(ApiMutation):
    """Connects Stripe for a channel (or, with no channel, for every channel without its own keys). The keys
    are checked for shape and mode, then with Stripe; refused keys are not stored. Saving again replaces
    them; an empty webhook secret removes the stored one."""

    class Arguments:
        channel = graphene.String(description='The channel slug; "" or null: every channel without its own.')
        secret_key = graphene.String(
            required=True, description="sk_test_…/sk_live_… or a restricted rk_… key."
        )
        publishable_key = graphene.String(
            required=True, description="pk_test_… or pk_live_…, of the same mode."
        )
        webhook_secret = graphene.String(
            description="The signing secret (whsec_…) of the webhook endpoint at `webhookUrl`."
        )

    stripe_settings = graphene.Field(StripeSettings)
    errors = graphene.NonNull(graphene.List(graphene.NonNull(StripeSettingsError)))

    @classmethod
    def perform_mutation(cls, context: ApiContext, **data: Any) -> StripeSettingsUpdate:
        context.principal.require_permissions((SAVE_PERMISSION,))
        installation = context.principal.shop()
        keys = StripeKeys(
            secret_key=(data["secret_key"] or "").strip(),
            publishable_key=(data["publishable_key"] or "").strip(),
            webhook_secret=(data.get("webhook_secret") or "").strip(),
        )
        try:
            account = connect_stripe(installation, _channel(data.get("channel")), keys)
        except SettingsRefused as refused:
            error = StripeSettingsError(field=refused.field, code=refused.code, message=refused.message)
            return cls(stripe_settings=None, errors=[error])
        return cls(stripe_settings=account, errors=[])


class StripeSettingsQueries(graphene.ObjectType):
    stripe_settings = graphene.Field(
        StripeSettings,
        channel=graphene.String(description='A channel slug; "" or null: the default for every channel.'),
        description=(
            "The Stripe account a channel uses (its own, else the installation's default); null when none is "
            "connected. Staff with HANDLE_PAYMENTS or MANAGE_ORDERS."
        ),
    )

    @staticmethod
    def resolve_stripe_settings(_root: Any, info: Any, channel: str | None = None) -> StripeAccount | None:
        principal = context_of(info).principal
        require_payment_staff(principal)
        installation = principal.shop()
        try:
            return account_for(installation.pk, (channel or "").strip())
        except SettingsRefused:
            return None
