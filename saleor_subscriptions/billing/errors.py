"""The one shape of a refusal: a stable code for programs, a message for people, and the field to blame."""

from __future__ import annotations

from enum import StrEnum


class CodedError(Exception):
    """A refused request or action. `code` never changes once released (the API maps it to its error enum),
    `message` says why in words a person reads, and `field` names the argument at fault, where one is."""

    def __init__(self, code: StrEnum, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message
