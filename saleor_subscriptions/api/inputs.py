"""What every string given to the API must be, whatever its field: at most `MAX_STRING` characters and no
control characters (NUL, the other C0 and C1 controls and DEL; tab, line feed and carriage return are text).

Checked for the strings of the document (literals) and of the variables before anything runs, so that no
resolver, database or remote call ever sees one: PostgreSQL refuses NUL in text, and a string of megabytes
costs every layer it passes. A refusal is 400 `BAD_USER_INPUT` with `extensions.field` (the argument, input
field or variable path) and `extensions.reason` (`CONTROL_CHARACTER` or `TOO_LONG`). Each field's own
narrower rules (a name of at most 200 characters, an id of a plan) are its mutation's to check.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from enum import StrEnum
from typing import Any

from graphql import ArgumentNode, DocumentNode, ObjectFieldNode, StringValueNode, Visitor, visit

from saleor_subscriptions.billing.errors import CodedError

MAX_STRING = 1_000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class InputErrorCode(StrEnum):
    """`extensions.reason` of a refused string."""

    TOO_LONG = "TOO_LONG"
    CONTROL_CHARACTER = "CONTROL_CHARACTER"


class InputRefused(CodedError):
    """A string argument or variable refused (`field` names it; `code` is the answer's `reason`)."""

    field: str

    def __init__(self, field: str, code: InputErrorCode, message: str) -> None:
        super().__init__(code, message, field)


def check_string(field: str, value: str) -> None:
    """InputRefused when `value` is too long or holds a control character."""
    if len(value) > MAX_STRING:
        message = f"{field}: at most {MAX_STRING:,} characters, not {len(value):,}"
        raise InputRefused(field, InputErrorCode.TOO_LONG, message)
    found = _CONTROL.search(value)
    if found is not None:
        message = f"{field}: control character U+{ord(found.group()):04X} at {found.start()}"
        raise InputRefused(field, InputErrorCode.CONTROL_CHARACTER, message)


class _Literals(Visitor):
    """Every string literal of a document with the argument or input field it is given for."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str]] = []
        self.names: list[str] = []

    def enter_argument(self, node: ArgumentNode, *_args: Any) -> None:
        self.names.append(node.name.value)

    def leave_argument(self, *_args: Any) -> None:
        self.names.pop()

    def enter_object_field(self, node: ObjectFieldNode, *_args: Any) -> None:
        self.names.append(node.name.value)

    def leave_object_field(self, *_args: Any) -> None:
        self.names.pop()

    def enter_string_value(self, node: StringValueNode, *_args: Any) -> None:
        self.found.append((".".join(self.names) or "query", node.value))


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}[{index}]")


def check_inputs(document: DocumentNode, variables: dict[str, Any] | None) -> None:
    """InputRefused for the first string of the document's literals or the variables that is refused."""
    literals = _Literals()
    visit(document, literals)
    for field, value in literals.found:
        check_string(field, value)
    for name, value in (variables or {}).items():
        for field, text in _strings(value, f"${name}"):
            check_string(field, text)
