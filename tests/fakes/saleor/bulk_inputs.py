"""The inputs of one `orderBulkCreate` order: lookups by id, email or SKU the way Saleor 3.21 does them,
and the order being built with its errors (see resolvers_bulk.py for the rules)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from .addresses import address_from_input
from .auth import MutationError
from .ids import parse_global_id
from .state import Address, Node, Order, OrderLine, Store, Variant, Warehouse


class SaleorCrash(ValueError):
    """What Saleor 3.21 raises for an input it does not handle; reported as Saleor reports it."""

    def __init__(self, message: str, code: str = "ValueError") -> None:
        super().__init__(message)
        self.saleor_code = code


@dataclass
class Draft:
    errors: list[dict[str, Any]] = field(default_factory=list)
    critical: bool = False
    order: Order | None = None
    lines: list[tuple[OrderLine, Warehouse]] = field(default_factory=list)
    transactions: list[Mapping[str, Any]] = field(default_factory=list)
    invoices: list[Mapping[str, Any]] = field(default_factory=list)

    def error(self, message: str, code: str, path: str | None = None, critical: bool = False) -> None:
        self.errors.append({"message": message, "code": code, "path": path})
        self.critical = self.critical or critical


def is_future(moment: datetime) -> bool:
    return moment.tzinfo is not None and moment >= datetime.now(UTC) + timedelta(minutes=5)


def lookup(
    store: Store, draft: Draft, data: Mapping[str, Any], keys: dict[str, str], cls: type[Node], *, path: str
) -> Any:
    """The object named by exactly one of `keys` (input key -> how it is found), as Saleor's get_instance."""
    given = [key for key in keys if data.get(key) is not None]
    names = ", ".join(keys)
    if len(keys) > 1 and len(given) > 1:
        draft.error(
            f"Only one of [{names}] arguments can be provided to resolve {cls.TYPE} instance.",
            "TOO_MANY_IDENTIFIERS",
            path,
        )
        return None
    if not given:
        if len(keys) > 1:
            draft.error(
                f"One of [{names}] arguments must be provided to resolve {cls.TYPE} instance.",
                "REQUIRED",
                path,
            )
            return None
        raise SaleorCrash(f"Can't return {cls.TYPE} instance.")
    key = given[0]
    value = str(data[key])
    where = f"{path}.{snake(key)}" if path else snake(key)
    found: Any = None
    if keys[key] == "id":
        parsed = parse_global_id(value)
        if parsed is None or parsed[0] != cls.TYPE:
            draft.error(f"Couldn't resolve id: {value}.", "INVALID", where)
            return None
        found = store.get(cls, parsed[1])
    elif keys[key] == "email":
        found = store.user_by_email(value)
    elif keys[key] == "sku":
        found = next((v for v in store.all(Variant) if v.sku == value and not v.deleted), None)
    if found is None or getattr(found, "deleted", False):
        draft.error(f"{cls.TYPE} instance with {keys[key]}={value} doesn't exist.", "NOT_FOUND", where)
        return None
    return found


def snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


def metadata_of(draft: Draft, entries: list[Mapping[str, Any]] | None, path: str) -> dict[str, str]:
    result: dict[str, str] = {}
    for entry in entries or []:
        key = str(entry["key"]).strip()
        if not key:
            draft.error("Metadata key cannot be empty.", "METADATA_KEY_REQUIRED", path)
            continue
        result[key] = str(entry["value"])
    return result


def address_of(
    store: Store, draft: Draft, data: Mapping[str, Any] | None, path: str, critical: bool
) -> Address | None:
    if not data:
        return None
    try:
        return address_from_input(store, data)
    except MutationError:
        label = path.replace("_", " ")
        draft.error(f"Invalid {label}.", "INVALID", path, critical=critical)
        return None
