"""Gap-free document numbers per installation and kind (BILLING_RULES §4, §8).

A number is taken under a row lock on the installation's sequence, inside the caller's transaction: if that
transaction rolls back, so does the number, so the numbers that exist run 1, 2, 3 … without a gap.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from saleor_subscriptions.invoicing.models import NumberSequence
from saleor_subscriptions.tenants.models import Installation

PREFIXES: dict[str, str] = {
    NumberSequence.Kind.INVOICE: "INV-",
    NumberSequence.Kind.CREDIT_NOTE: "CN-",
}
WIDTH = 6
"""Digits of a number, zero padded, so that document numbers sort as text too."""


def format_number(prefix: str, number: int) -> str:
    """A document number as printed: "INV-000042"."""
    return f"{prefix}{number:0{WIDTH}d}"


def _locked_sequence(installation: Installation, kind: str) -> NumberSequence:
    sequence = NumberSequence.objects.select_for_update().filter(installation=installation, kind=kind).first()
    if sequence is not None:
        return sequence
    # First use: two transactions may race to create the row; the loser re-reads the winner's, locked.
    try:
        with transaction.atomic():
            NumberSequence.objects.create(installation=installation, kind=kind, prefix=PREFIXES[kind])
    except IntegrityError:
        pass
    return NumberSequence.objects.select_for_update().get(installation=installation, kind=kind)


def take_number(installation: Installation, kind: str) -> str:
    """The next number of `kind` ("invoice" or "credit_note") for `installation`, e.g. "INV-000001" (§4).

    Call it inside the transaction that saves the document: the row lock is held until that commits.
    """
    if kind not in PREFIXES:
        raise ValueError(f"unknown number sequence kind {kind!r}")
    with transaction.atomic():
        sequence = _locked_sequence(installation, kind)
        number = sequence.next_number
        sequence.next_number = number + 1
        sequence.save(update_fields=["next_number"])
    return format_number(sequence.prefix, number)


def take_numbers(installation: Installation, kind: str, count: int) -> list[str]:
    """The next `count` numbers of `kind` at once (a batch of renewals), under the same row lock (§4)."""
    if kind not in PREFIXES:
        raise ValueError(f"unknown number sequence kind {kind!r}")
    if count < 1:
        return []
    with transaction.atomic():
        sequence = _locked_sequence(installation, kind)
        first = sequence.next_number
        sequence.next_number = first + count
        sequence.save(update_fields=["next_number"])
    return [format_number(sequence.prefix, n) for n in range(first, first + count)]
