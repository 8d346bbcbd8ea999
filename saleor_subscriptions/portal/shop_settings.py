"""A shop's self-service settings for the portal (docs/portal.md): actions the shop keeps to its staff, on
top of what each plan's terms allow. A forbidden action is not offered on any page, and its POST is refused
with `forbidden_by_shop` (403) before the lifecycle is asked."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from saleor_subscriptions.billing.errors import CodedError
from saleor_subscriptions.portal.models import PortalSettings
from saleor_subscriptions.tenants.models import Installation

ACTIONS = {
    "cancel": "cancel a subscription",
    "pause": "pause, skip a period or resume",
    "quantity": "change the quantity",
    "switch": "change plan",
    "address": "change the shipping address",
    "contacts": "name billing contacts",
}


class SettingsErrorCode(StrEnum):
    FORBIDDEN_BY_SHOP = "forbidden_by_shop"
    INVALID = "invalid"


class ForbiddenByShop(CodedError):
    """An action the shop keeps to its staff."""


def forbidden(installation_id: int) -> frozenset[str]:
    row = PortalSettings.objects.filter(installation_id=installation_id).first()
    return frozenset(row.forbidden) if row is not None else frozenset()


def check_allowed(installation_id: int, action: str) -> None:
    if action in forbidden(installation_id):
        raise ForbiddenByShop(
            SettingsErrorCode.FORBIDDEN_BY_SHOP, f"the shop does not let customers {ACTIONS[action]} here"
        )


def set_forbidden(installation: Installation, names: Iterable[str]) -> frozenset[str]:
    """The shop's forbidden actions become `names` (each one of ACTIONS, else refused naming it)."""
    chosen = {name.strip() for name in names if name.strip()}
    unknown = sorted(chosen - ACTIONS.keys())
    if unknown:
        raise CodedError(
            SettingsErrorCode.INVALID,
            f"{', '.join(unknown)}: not an action (one of {', '.join(ACTIONS)})",
            "forbid",
        )
    PortalSettings.objects.update_or_create(installation=installation, defaults={"forbidden": sorted(chosen)})
    return frozenset(chosen)
