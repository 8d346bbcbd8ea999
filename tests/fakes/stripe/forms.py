"""Stripe's form encoding (`a[b][c]=1`, `expand[]=x`, `items[0][price]=…`) decoded into dicts and lists,
and typed reads of the decoded parameters that answer a bad value the way Stripe does (400 with `param`)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl

from . import errors

_SEGMENT = re.compile(r"\[([^\]]*)\]")


def decode(query: str) -> dict[str, Any]:
    """The nested parameters of a form body or query string; a dict whose keys are all indexes is a list."""
    root: dict[str, Any] = {}
    for raw_key, value in parse_qsl(query, keep_blank_values=True):
        head, _, rest = raw_key.partition("[")
        path = [head] + (_SEGMENT.findall("[" + rest) if rest else [])
        node = root
        for depth, segment in enumerate(path):
            last = depth == len(path) - 1
            key = str(len(node)) if segment == "" else segment
            if last:
                node[key] = value
            else:
                child = node.setdefault(key, {})
                if not isinstance(child, dict):
                    raise errors.invalid_request(f"Invalid nesting of parameter {raw_key}", param=raw_key)
                node = child
    return _listify(root)


def _listify(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    converted = {key: _listify(item) for key, item in value.items()}
    if converted and all(key.isdigit() for key in converted):
        return [converted[key] for key in sorted(converted, key=int)]
    return converted


def name(*path: str) -> str:
    """A nested parameter's name as Stripe reports it: `invoice_settings[default_payment_method]`."""
    return path[0] + "".join(f"[{part}]" for part in path[1:])


class Params:
    """Typed access to decoded parameters; every bad value raises the StripeError Stripe would answer."""

    def __init__(self, data: dict[str, Any], prefix: tuple[str, ...] = ()) -> None:
        self.data = data
        self.prefix = prefix

    def _name(self, key: str) -> str:
        return name(*self.prefix, key)

    def __contains__(self, key: str) -> bool:
        return key in self.data

    def only(self, allowed: Iterable[str]) -> None:
        """Refuse parameters the endpoint does not take (Stripe answers `parameter_unknown`)."""
        known = set(allowed) | {"expand"}
        for key in self.data:
            if key not in known:
                raise errors.parameter_unknown(self._name(key))

    def raw(self, key: str) -> Any:
        return self.data.get(key)

    def string(self, key: str, *, required: bool = False, choices: Iterable[str] | None = None) -> str | None:
        value = self.data.get(key)
        if value is None or value == "":
            if required:
                raise errors.parameter_missing(self._name(key))
            return None
        if not isinstance(value, str):
            raise errors.parameter_invalid(self._name(key), f"Invalid string: {self._name(key)}")
        if choices is not None and value not in set(choices):
            options = ", ".join(sorted(choices))
            raise errors.parameter_invalid(
                self._name(key),
                f"Invalid {self._name(key)}: must be one of {options}",
                code="parameter_invalid",
            )
        return value

    def integer(self, key: str, *, required: bool = False, minimum: int | None = None) -> int | None:
        value = self.data.get(key)
        if value is None or value == "":
            if required:
                raise errors.parameter_missing(self._name(key))
            return None
        if not isinstance(value, str) or not re.fullmatch(r"-?\d+", value):
            raise errors.parameter_invalid(
                self._name(key), f"Invalid integer: {value}", code="parameter_invalid_integer"
            )
        number = int(value)
        if minimum is not None and number < minimum:
            raise errors.parameter_invalid(
                self._name(key),
                f"This value must be greater than or equal to {minimum}.",
                code="parameter_invalid_integer",
            )
        return number

    def boolean(self, key: str, default: bool = False) -> bool:
        value = self.data.get(key)
        if value is None or value == "":
            return default
        if value not in ("true", "false"):
            raise errors.parameter_invalid(
                self._name(key), f"Invalid boolean: {value}", code="parameter_invalid"
            )
        return value == "true"

    def nested(self, key: str) -> Params | None:
        value = self.data.get(key)
        if value is None or value == "":
            return None
        if not isinstance(value, dict):
            raise errors.parameter_invalid(
                self._name(key), f"Invalid object: {self._name(key)}", "parameter_invalid"
            )
        return Params(value, (*self.prefix, key))

    def array(self, key: str) -> list[str]:
        value = self.data.get(key)
        if value is None or value == "":
            return []
        if isinstance(value, str):
            raise errors.parameter_invalid(
                self._name(key), f"Invalid array: {self._name(key)}", "parameter_invalid"
            )
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise errors.parameter_invalid(
                self._name(key), f"Invalid array: {self._name(key)}", "parameter_invalid"
            )
        return value


def apply_metadata(current: dict[str, str], params: Params) -> dict[str, str]:
    """Stripe's metadata rules: keys merge, an empty value removes its key, `metadata=""` clears them all."""
    raw = params.raw("metadata")
    if raw is None:
        return current
    if raw == "":
        return {}
    if not isinstance(raw, dict):
        raise errors.parameter_invalid("metadata", "Invalid object: metadata", "parameter_invalid")
    merged = dict(current)
    for key, value in raw.items():
        if not isinstance(value, str):
            raise errors.parameter_invalid(f"metadata[{key}]", "Metadata values must be strings.")
        if len(key) > 40:
            raise errors.parameter_invalid(
                f"metadata[{key}]", "Metadata keys can be at most 40 characters long."
            )
        if len(value) > 500:
            raise errors.parameter_invalid(
                f"metadata[{key}]", "Metadata values can be at most 500 characters."
            )
        if value == "":
            merged.pop(key, None)
        else:
            merged[key] = value
    if len(merged) > 50:
        raise errors.parameter_invalid("metadata", "An object can have at most 50 metadata keys.")
    return merged
