"""What a shop lets its customers do themselves (portal, storefront), on top of what each plan's terms allow,
as the Installation's `self_service_*` fields hold it, read and written as a set of forbidden actions (the
`saleor-subscriptions portal-settings --forbid` command, the portal's hiding of what is forbidden).

The domain enforces each right for every caller: `subscriptions.rules.rules_for` (cancel, pause, switch,
quantity), `lifecycle.addresses` (address) and `subscriptions.contacts` (contacts).
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from saleor_subscriptions.billing.errors import CodedError
from saleor_subscriptions.tenants.models import Installation, SelfServiceCancel

ACTIONS = {
    "cancel": "cancel a subscription",
    "pause": "pause, skip a period or resume",
    "quantity": "change the quantity",
    "switch": "change plan",
    "address": "change the shipping address",
    "contacts": "name billing contacts",
}
"""The actions a shop may keep to its staff, and what each lets a customer do."""

FLAGS = {
    "pause": "self_service_pause",
    "quantity": "self_service_quantity",
    "switch": "self_service_switch",
    "address": "self_service_address",
    "contacts": "self_service_contacts",
}
"""The Installation's boolean field of each action but cancel (`self_service_cancel`, a mode)."""


class SelfServiceErrorCode(StrEnum):
    INVALID = "invalid"


def forbidden_actions(installation: Installation) -> frozenset[str]:
    """The actions the shop keeps to its staff (cancel: when `self_service_cancel` is disabled)."""
    kept = {action for action, field in FLAGS.items() if not getattr(installation, field)}
    if installation.self_service_cancel == SelfServiceCancel.DISABLED:
        kept.add("cancel")
    return frozenset(kept)


def forbid_actions(installation: Installation, names: Iterable[str]) -> frozenset[str]:
    """The shop's forbidden actions become `names` (each one of ACTIONS, else refused naming `forbid`); the
    others are allowed. A cancel mode other than disabled stays as it is when cancel is allowed."""
    chosen = {name.strip() for name in names if name.strip()}
    unknown = sorted(chosen - ACTIONS.keys())
    if unknown:
        raise CodedError(
            SelfServiceErrorCode.INVALID,
            f"{', '.join(unknown)}: not an action (one of {', '.join(ACTIONS)})",
            "forbid",
        )
    changes: dict[str, object] = {field: action not in chosen for action, field in FLAGS.items()}
    if "cancel" in chosen:
        changes["self_service_cancel"] = SelfServiceCancel.DISABLED
    elif installation.self_service_cancel == SelfServiceCancel.DISABLED:
        changes["self_service_cancel"] = SelfServiceCancel.PLAN
    Installation.objects.filter(pk=installation.pk).update(**changes)
    for field, value in changes.items():
        setattr(installation, field, value)
    return frozenset(chosen)
