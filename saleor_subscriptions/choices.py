"""Helpers shared by the models: check constraints that keep a text column to its choices."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from django.db import models


def in_choices(
    field: str, choices: type[models.TextChoices] | type[StrEnum], name: str
) -> models.CheckConstraint:
    """A database check that `field` holds one of `choices` (the database enforces what it can)."""
    values = sorted(str(member.value) for member in choices)
    return models.CheckConstraint(condition=models.Q(**{f"{field}__in": values}), name=name)


def enum_choices(members: Iterable[StrEnum]) -> list[tuple[str, str]]:
    """Django field choices for a domain enum: the value, and the value with spaces as its label."""
    return [(member.value, member.value.replace("_", " ")) for member in members]


def non_negative(field: str, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=models.Q(**{f"{field}__gte": 0}), name=name)
