"""Who may read the shop's billing: staff whose dashboard token carries `MANAGE_ORDERS`, or an API key with
the `read` scope.

Subscriptions, invoices and credit notes are the shop's orders seen from the billing side, which Saleor guards
with `MANAGE_ORDERS`; discount codes are read with `MANAGE_ORDERS` or `MANAGE_DISCOUNTS` (Saleor's own
permission for vouchers and promotions).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from saleor_subscriptions.api.auth import Principal, Scope, Staff
from saleor_subscriptions.api.context import context_of
from saleor_subscriptions.api.errors import ApiErrorCode, api_error
from saleor_subscriptions.tenants.models import Installation

READ_BILLING = "MANAGE_ORDERS"
READ_DISCOUNTS = ("MANAGE_ORDERS", "MANAGE_DISCOUNTS")


def require_any(principal: Principal, permissions: Collection[str], scope: Scope = Scope.READ) -> Staff:
    """The staff user when their token carries at least one of `permissions`, or the caller of an API key with
    `scope`; a top-level AUTHENTICATION_REQUIRED (not staff) or PERMISSION_DENIED error otherwise."""
    wanted = sorted(permissions)
    if principal.api_key is not None:
        return principal.require_permissions(wanted, scope=scope)
    if principal.staff is None:
        raise api_error(
            ApiErrorCode.AUTHENTICATION_REQUIRED,
            "this needs the dashboard's token for the app (staff)",
            permissions=wanted,
        )
    if not principal.staff.permissions & set(wanted):
        raise api_error(
            ApiErrorCode.PERMISSION_DENIED,
            f"the token lacks the permission {' or '.join(wanted)}",
            permissions=wanted,
        )
    return principal.staff


def staff_shop(info: Any, permissions: Collection[str] = (READ_BILLING,)) -> Installation:
    """The installation of a staff request allowed to read its billing (see the module doc)."""
    principal = context_of(info).principal
    require_any(principal, permissions)
    return principal.shop()

