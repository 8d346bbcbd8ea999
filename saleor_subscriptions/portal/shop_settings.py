"""The shop's self-service rights in the portal (docs/portal.md): an action the shop keeps to its staff
(`tenants.self_service`, the Installation's `self_service_*` fields) is not offered on any page, and its POST
is refused with `forbidden_by_shop` (403) before the lifecycle, which enforces the same rights, is asked."""

from __future__ import annotations

from enum import StrEnum

from saleor_subscriptions.billing.errors import CodedError
from saleor_subscriptions.tenants.models import Installation
from saleor_subscriptions.tenants.self_service import ACTIONS, forbidden_actions


class SettingsErrorCode(StrEnum):
    FORBIDDEN_BY_SHOP = "forbidden_by_shop"


class ForbiddenByShop(CodedError):
    """An action the shop keeps to its staff."""


def forbidden(installation: Installation) -> frozenset[str]:
    return forbidden_actions(installation)


def check_allowed(installation: Installation, action: str) -> None:
    if action in forbidden_actions(installation):
        raise ForbiddenByShop(
            SettingsErrorCode.FORBIDDEN_BY_SHOP, f"the shop does not let customers {ACTIONS[action]} here"
        )
