"""Helpers shared by the models: check constraints that keep a text column to its choices."""

from __future__ import annotations

from django.db import models


def in_choices(field: str, choices: type[models.TextChoices], name: str) -> models.CheckConstraint:
    """A database check that `field` holds one of `choices` (BILLING_RULES: the database enforces what it can)."""
    return models.CheckConstraint(condition=models.Q(**{f"{field}__in": choices.values}), name=name)


def non_negative(field: str, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=models.Q(**{f"{field}__gte": 0}), name=name)
