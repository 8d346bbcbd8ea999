"""The shop's settings as staff see and edit them (`installationSettings`, `installationSettingsUpdate`)."""

from __future__ import annotations

from typing import Any

import graphene
from graphene.utils.str_converters import to_camel_case

from saleor_subscriptions.billing.dunning import DunningPolicy, FirstFailure
from saleor_subscriptions.tenants.models import Installation, InstallationLanguage, SelfServiceCancel
from saleor_subscriptions.tenants.seller import SellerDetails
from saleor_subscriptions.tenants.settings import SettingsErrorCode

SETTINGS_PERMISSION = "MANAGE_SETTINGS"
"""What the dashboard's token must carry to see or change the shop's settings (a key with `read` may see)."""

ShopLanguageEnum = graphene.Enum(
    "ShopLanguage",
    [(language.value.upper(), language.value) for language in InstallationLanguage],
    description="The language of documents and emails.",
)
SelfServiceCancelEnum = graphene.Enum.from_enum(
    SelfServiceCancel,
    name="SelfServiceCancel",
    description="How customers may cancel themselves: as each plan says, only at period end, or not.",
)
DunningFirstFailureEnum = graphene.Enum.from_enum(
    FirstFailure, name="DunningFirstFailure", description="What the first failed renewal charge does."
)
InstallationSettingsErrorCodeEnum = graphene.Enum.from_enum(
    SettingsErrorCode, name="InstallationSettingsErrorCode", description="Why a setting was refused."
)


class DunningPolicyType(graphene.ObjectType):
    """What happens after a renewal payment fails, in days from its due date (BILLING_RULES §6)."""

    class Meta:
        name = "DunningPolicy"

    on_first_failure = graphene.Field(DunningFirstFailureEnum, required=True)
    retry_days = graphene.NonNull(graphene.List(graphene.NonNull(graphene.Int)))
    suspend_day = graphene.Int(required=True)
    termination_warning_day = graphene.Int(required=True)
    cancel_day = graphene.Int(required=True)
    reactivation_window_days = graphene.Int(required=True)

    @staticmethod
    def resolve_on_first_failure(root: DunningPolicy, _info: Any) -> str:
        return root.on_first_failure.value

    @staticmethod
    def resolve_retry_days(root: DunningPolicy, _info: Any) -> list[int]:
        return list(root.retry_days)


class DunningPolicyInput(graphene.InputObjectType):
    """A dunning policy: what is left out keeps BILLING_RULES §6's default (remind; retries on days 1, 3, 5;
    suspended on day 7; warned on day 14; cancelled on day 21; 30 days to reactivate)."""

    on_first_failure = graphene.Field(DunningFirstFailureEnum)
    retry_days = graphene.List(graphene.NonNull(graphene.Int), description="Strictly increasing, from 1.")
    suspend_day = graphene.Int(description="After the last retry.")
    termination_warning_day = graphene.Int(description="After suspension.")
    cancel_day = graphene.Int(description="After the warning.")
    reactivation_window_days = graphene.Int(description="0 or more.")


class SelfServiceType(graphene.ObjectType):
    """What the shop's customers may do themselves (portal, storefront); plans may allow less, never more."""

    cancel = graphene.Field(SelfServiceCancelEnum, required=True)
    pause = graphene.Boolean(required=True, description="Pause, resume and skip, where a plan allows it.")
    switch = graphene.Boolean(required=True, description="Switch plans.")
    quantity = graphene.Boolean(required=True, description="Change quantities.")
    address = graphene.Boolean(
        required=True, description="Change the shipping address of future renewal orders."
    )
    contacts = graphene.Boolean(required=True, description="Name billing contacts.")


class SellerDetailsType(graphene.ObjectType):
    """The seller on the shop's invoices (EU VAT directive art. 226); "" is a detail not set yet."""

    class Meta:
        name = "SellerDetails"

    name = graphene.String(required=True, description="The legal name.")
    address = graphene.String(required=True, description="One line per line.")
    vat_number = graphene.String(required=True, description="e.g. NL123456789B01.")
    registration_number = graphene.String(required=True, description="e.g. the Dutch KvK number.")
    missing = graphene.NonNull(
        graphene.List(graphene.NonNull(graphene.String)),
        description="The details an invoice needs that are not set (`name`, `address`, `vatNumber`, "
        "`registrationNumber`): invoices issued meanwhile are marked `missingSellerDetails`.",
    )

    @staticmethod
    def resolve_missing(root: SellerDetails, _info: Any) -> list[str]:
        return [to_camel_case(field) for field in root.missing()]


class SellerDetailsInput(graphene.InputObjectType):
    """The seller's details for invoices issued from now on: null keeps a detail, "" clears it."""

    name = graphene.String(description="At most 200 characters, one line.")
    address = graphene.String(description="At most 500 characters, one line per line.")
    vat_number = graphene.String(description="Two letters of the country then 2 to 13 letters and digits.")
    registration_number = graphene.String(description="1 to 40 letters, digits, spaces and . / -.")


class InstallationSettings(graphene.ObjectType):
    """The shop's settings."""

    shop_name = graphene.String(
        required=True, description='On documents and emails; "" shows the Saleor host name.'
    )
    email_sender = graphene.String(required=True, description='The sender of emails; "": the app\'s default.')
    time_zone = graphene.String(required=True, description="IANA time zone of renewals and documents.")
    language = graphene.Field(ShopLanguageEnum, required=True)
    due_hour = graphene.Int(required=True, description="The local hour renewals are due, 0 to 23.")
    dunning_policy = graphene.Field(DunningPolicyType, required=True)
    self_service = graphene.Field(SelfServiceType, required=True)
    invoice_prefix = graphene.String(required=True, description="What invoice numbers start with.")
    sandbox = graphene.Boolean(
        required=True, description="A sandbox has a test clock and takes test keys only."
    )
    seller = graphene.Field(SellerDetailsType, required=True)
    logo_url = graphene.String(
        description="The shop's logo on documents, emails and billing pages (set with `PUT /api/shop/logo`, "
        "docs/api.md); null: none."
    )
    accent_colour = graphene.String(
        required=True, description='#rrggbb on documents, emails and billing pages; "": the default.'
    )

    @staticmethod
    def resolve_seller(root: Installation, _info: Any) -> SellerDetails:
        return root.seller

    @staticmethod
    def resolve_logo_url(root: Installation, _info: Any) -> str | None:
        return root.logo_url()

    @staticmethod
    def resolve_shop_name(root: Installation, _info: Any) -> str:
        return root.name

    @staticmethod
    def resolve_dunning_policy(root: Installation, _info: Any) -> DunningPolicy:
        return root.default_dunning()

    @staticmethod
    def resolve_self_service(root: Installation, _info: Any) -> SelfServiceType:
        return SelfServiceType(
            cancel=root.self_service_cancel,
            pause=root.self_service_pause,
            switch=root.self_service_switch,
            quantity=root.self_service_quantity,
            address=root.self_service_address,
            contacts=root.self_service_contacts,
        )


class InstallationSettingsError(graphene.ObjectType):
    field = graphene.String(description="The argument refused (`dunningPolicy.retryDays` inside the policy).")
    code = InstallationSettingsErrorCodeEnum(required=True)
    message = graphene.String(required=True, description="What is wrong, for people.")
