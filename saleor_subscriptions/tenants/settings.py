"""The shop's settings as its staff edit them: each value checked, a refusal naming its field.

`checked_settings` turns the values given into the Installation's fields, or refuses the first that is wrong
(nothing is written then); `checked_seller` does the same for the seller's details on invoices
(`tenants.seller`). The logo has an endpoint of its own (`api.logo_upload`). The invoice number prefix and
the sandbox switch have rules of their own, applied by their owners (`invoicing.numbering.set_invoice_prefix`,
`payments.modes.set_sandbox`).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from enum import StrEnum
from typing import Any
from zoneinfo import available_timezones

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from saleor_subscriptions.billing.dunning import DunningPolicy, DunningPolicyError
from saleor_subscriptions.billing.errors import CodedError
from saleor_subscriptions.tenants import branding
from saleor_subscriptions.tenants.models import (
    Installation,
    InstallationLanguage,
    SelfServiceCancel,
    invoice_prefix_problem,
)
from saleor_subscriptions.tenants.seller import (
    SELLER_FIELDS,
    SellerDetails,
    SellerDetailsError,
    check_seller_details,
)

SHOP_NAME_MAX = 200
TIME_ZONE_MAX = 64

MODEL_FIELDS = {
    "shop_name": "name",
    "email_sender": "email_sender",
    "time_zone": "time_zone",
    "language": "language",
    "due_hour": "due_hour",
    "dunning_policy": "dunning_policy",
    "self_service_cancel": "self_service_cancel",
    "self_service_pause": "self_service_pause",
    "self_service_switch": "self_service_switch",
    "self_service_quantity": "self_service_quantity",
    "self_service_address": "self_service_address",
    "self_service_contacts": "self_service_contacts",
    "accent_colour": "accent_colour",
}
"""A setting's name (as the API's arguments, in snake case) and the Installation field that holds it."""


class SettingsErrorCode(StrEnum):
    INVALID = "invalid"
    TOO_LONG = "too_long"
    TOO_LARGE = "too_large"
    LIVE_KEYS_IN_SANDBOX = "live_keys_in_sandbox"


class SettingsRefused(CodedError):
    """A setting that cannot be saved; `field` is its name (`dunning_policy.retry_days` inside the policy)."""


def _invalid(field: str, message: str) -> SettingsRefused:
    return SettingsRefused(SettingsErrorCode.INVALID, message, field)


def _shop_name(value: Any) -> str:
    name = str(value).strip()
    if len(name) > SHOP_NAME_MAX:
        raise _invalid("shop_name", f"at most {SHOP_NAME_MAX} characters, not {len(name)}")
    return name


def _email_sender(value: Any) -> str:
    address = str(value).strip()
    if address:
        try:
            validate_email(address)
        except ValidationError:
            raise _invalid("email_sender", f"{address!r} is not an email address") from None
    return address


@functools.cache
def iana_time_zones() -> frozenset[str]:
    """The IANA time zone names this Python knows (the system's zoneinfo, else the tzdata package)."""
    return frozenset(available_timezones())


def _time_zone(value: Any) -> str:
    name = str(value).strip()
    if len(name) > TIME_ZONE_MAX or name not in iana_time_zones():
        raise _invalid(
            "time_zone", f"{name[:TIME_ZONE_MAX]!r} is not an IANA time zone (e.g. Europe/Amsterdam)"
        )
    return name


def _language(value: Any) -> str:
    if value not in InstallationLanguage.values:
        raise _invalid("language", f"one of {', '.join(InstallationLanguage.values)}, not {value!r}")
    return str(value)


def _due_hour(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 23:
        raise _invalid("due_hour", f"an hour from 0 to 23, not {value!r}")
    return int(value)


def _dunning_policy(value: Any) -> dict[str, object]:
    if not isinstance(value, Mapping):
        raise _invalid("dunning_policy", "a dunning policy")
    given = {key: item for key, item in value.items() if item is not None}
    try:
        return DunningPolicy.from_mapping(given).to_mapping()
    except DunningPolicyError as refused:
        raise _invalid(f"dunning_policy.{refused.field}", refused.reason) from None
    except (TypeError, ValueError) as exc:
        raise _invalid("dunning_policy", str(exc)) from None


def _cancel_mode(value: Any) -> str:
    if value not in SelfServiceCancel.values:
        raise _invalid("self_service_cancel", f"one of {', '.join(SelfServiceCancel.values)}, not {value!r}")
    return str(value)


def _accent_colour(value: Any) -> str:
    try:
        return branding.check_accent_colour(str(value))
    except branding.BrandingRefused as refused:
        raise SettingsRefused(SettingsErrorCode(refused.code.value), refused.message, refused.field) from None


def checked_seller(installation: Installation, given: Mapping[str, Any]) -> SellerDetails:
    """The seller's details with `given` applied (None keeps one, "" clears it), checked; a SettingsRefused
    names `seller.<detail>`."""
    changes = {field: given.get(field) for field in SELLER_FIELDS if given.get(field) is not None}
    try:
        return check_seller_details(installation.seller, **changes)
    except SellerDetailsError as refused:
        raise SettingsRefused(
            SettingsErrorCode(refused.code.value), refused.message, f"seller.{refused.field}"
        ) from None


def _flag(field: str) -> Any:
    def check(value: Any) -> bool:
        if not isinstance(value, bool):
            raise _invalid(field, f"true or false, not {value!r}")
        return value

    return check


CHECKS = {
    "shop_name": _shop_name,
    "email_sender": _email_sender,
    "time_zone": _time_zone,
    "language": _language,
    "due_hour": _due_hour,
    "dunning_policy": _dunning_policy,
    "self_service_cancel": _cancel_mode,
    "self_service_pause": _flag("self_service_pause"),
    "self_service_switch": _flag("self_service_switch"),
    "self_service_quantity": _flag("self_service_quantity"),
    "self_service_address": _flag("self_service_address"),
    "self_service_contacts": _flag("self_service_contacts"),
    "accent_colour": _accent_colour,
}


def checked_settings(given: Mapping[str, Any]) -> dict[str, Any]:
    """The Installation fields and values of the settings `given` (None: unchanged), each checked; the first
    one that is wrong is a SettingsRefused naming it."""
    changes: dict[str, Any] = {}
    for name, check in CHECKS.items():
        if given.get(name) is not None:
            changes[MODEL_FIELDS[name]] = check(given[name])
    return changes


def checked_invoice_prefix(prefix: str) -> str:
    problem = invoice_prefix_problem(prefix)
    if problem is not None:
        raise _invalid("invoice_prefix", problem)
    return prefix


def save_settings(
    installation: Installation,
    changes: Mapping[str, Any],
    *,
    seller: SellerDetails | None = None,
) -> None:
    """Writes checked `changes` (from `checked_settings`) and the seller's details (from `checked_seller`)
    onto the installation, in the caller's transaction."""
    if seller is not None:
        changes = {
            **changes,
            "seller_name": seller.name,
            "seller_address": seller.address,
            "seller_vat_number": seller.vat_number,
            "seller_registration_number": seller.registration_number,
        }
    if changes:
        Installation.objects.filter(pk=installation.pk).update(**changes)
        for field, value in changes.items():
            setattr(installation, field, value)
