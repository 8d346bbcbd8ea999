"""Saleor's addresses in one shape: `AddressInput`, as subscriptions store them and renewal orders send
them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

ADDRESS_FIELDS = (
    "firstName",
    "lastName",
    "companyName",
    "streetAddress1",
    "streetAddress2",
    "city",
    "cityArea",
    "postalCode",
    "country",
    "countryArea",
    "phone",
)
"""The fields of Saleor's AddressInput the app copies (anything else is dropped)."""


def address_input(address: Any) -> dict[str, str] | None:
    """An address as Saleor's `AddressInput`: from a Saleor `Address` (its `country` an object, whose code is
    taken) or from one already in that shape (a subscription's stored address). The fields that are filled
    in, as text; None when none is (or `address` is not an object)."""
    if not isinstance(address, Mapping):
        return None
    shaped: dict[str, str] = {}
    for name in ADDRESS_FIELDS:
        value = address.get(name)
        if name == "country" and isinstance(value, Mapping):
            value = value.get("code")
        if value not in (None, ""):
            shaped[name] = str(value)
    return shaped or None
