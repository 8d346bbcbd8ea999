"""`installationSettingsUpdate`: staff (MANAGE_SETTINGS) change the shop's settings. What is given changes,
what is null stays; every value is checked first and a refusal names its argument, nothing written then. The
invoice prefix applies from the next invoice (the numbers go on counting); making a shop a sandbox is refused
while it holds live Stripe keys, and making it live drops its test clock."""

from __future__ import annotations

from typing import Any

import graphene
from django.db import transaction

from saleor_subscriptions.api.context import ApiContext
from saleor_subscriptions.api.enums import enum_value
from saleor_subscriptions.api.mutations.base import ApiMutation, input_name
from saleor_subscriptions.api.types.installation_settings import (
    SETTINGS_PERMISSION,
    DunningPolicyInput,
    InstallationSettings,
    InstallationSettingsError,
    SelfServiceCancelEnum,
    SellerDetailsInput,
    ShopLanguageEnum,
)
from saleor_subscriptions.invoicing.numbering import set_invoice_prefix
from saleor_subscriptions.payments.accounts import StripeSettingsError
from saleor_subscriptions.payments.modes import set_sandbox
from saleor_subscriptions.tenants.models import Installation
from saleor_subscriptions.tenants.settings import (
    SettingsErrorCode,
    SettingsRefused,
    checked_invoice_prefix,
    checked_seller,
    checked_settings,
    save_settings,
)


def _given(data: dict[str, Any]) -> dict[str, Any]:
    given = dict(data)
    for name in ("language", "self_service_cancel"):
        given[name] = enum_value(given.get(name))
    policy = given.get("dunning_policy")
    if policy is not None:
        given["dunning_policy"] = {key: enum_value(value) for key, value in dict(policy).items()}
    return given


class InstallationSettingsUpdate(ApiMutation):
    """Changes the shop's settings (staff with MANAGE_SETTINGS)."""

    class Arguments:
        shop_name = graphene.String(description='At most 200 characters; "": the Saleor host name.')
        email_sender = graphene.String(description='An email address; "": the app\'s default sender.')
        time_zone = graphene.String(description="An IANA time zone, e.g. Europe/Amsterdam.")
        language = graphene.Argument(ShopLanguageEnum)
        due_hour = graphene.Int(description="0 to 23.")
        dunning_policy = graphene.Argument(
            DunningPolicyInput, description="The whole policy: what is left out takes §6's default."
        )
        self_service_cancel = graphene.Argument(SelfServiceCancelEnum)
        self_service_pause = graphene.Boolean()
        self_service_switch = graphene.Boolean()
        self_service_quantity = graphene.Boolean()
        self_service_address = graphene.Boolean(
            description="Customers may change the shipping address of future renewal orders."
        )
        self_service_contacts = graphene.Boolean(description="Customers may name billing contacts.")
        invoice_prefix = graphene.String(
            description="1 to 20 characters, letters, digits and . _ / -, beginning with a letter or digit."
        )
        sandbox = graphene.Boolean(description="True: a sandbox (test keys only); false: live.")
        seller = graphene.Argument(
            SellerDetailsInput, description="The seller's details on invoices issued from now on."
        )
        accent_colour = graphene.String(description='#rrggbb; "": the default.')

    installation_settings = graphene.Field(InstallationSettings)
    errors = graphene.NonNull(graphene.List(graphene.NonNull(InstallationSettingsError)))

    permissions = (SETTINGS_PERMISSION,)

    @classmethod
    def perform_mutation(cls, context: ApiContext, **data: Any) -> InstallationSettingsUpdate:
        installation = context.principal.shop()
        given = _given(data)
        try:
            changes = checked_settings(given)
            seller = None
            if given.get("seller") is not None:
                seller = checked_seller(installation, given["seller"])
            prefix = given.get("invoice_prefix")
            if prefix is not None:
                prefix = checked_invoice_prefix(prefix)
            with transaction.atomic():
                save_settings(installation, changes, seller=seller)
                if prefix is not None and prefix != installation.invoice_prefix:
                    set_invoice_prefix(installation, prefix)
                if given.get("sandbox") is not None:
                    set_sandbox(installation.pk, sandbox=given["sandbox"])
        except SettingsRefused as refused:
            return cls.refused(refused.field, refused.code.value, refused.message)
        except StripeSettingsError as refused:
            return cls.refused("sandbox", SettingsErrorCode.LIVE_KEYS_IN_SANDBOX.value, refused.message)
        return cls(installation_settings=Installation.objects.get(pk=installation.pk), errors=[])

    @classmethod
    def refused(cls, field: str | None, code: str, message: str) -> InstallationSettingsUpdate:
        error = InstallationSettingsError(field=input_name(field), code=code, message=message)
        return cls(installation_settings=None, errors=[error])
