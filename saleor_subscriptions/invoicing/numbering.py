"""Gap-free document numbers per installation and kind (BILLING_RULES §4, §8).

A number is taken under a row lock on the installation's sequence, inside the caller's transaction: if that
transaction rolls back, so does the number, so the numbers that exist run 1, 2, 3 … without a gap. One
`UPDATE … RETURNING` both locks the row and moves it on.

Invoice numbers start with the installation's own prefix (`Installation.invoice_prefix`, random per
installation unless the shop sets one: "INV-7KQ2XM-000001"), because an invoice number is the external
reference of its Saleor order, and a second app database on the same Saleor must never make the same number.
Credit notes keep "CN-".
"""

from __future__ import annotations

from django.db import IntegrityError, connection, transaction

from saleor_subscriptions.invoicing.models import NumberSequence
from saleor_subscriptions.tenants.models import Installation, invoice_prefix_problem

PREFIXES: dict[str, str] = {
    NumberSequence.Kind.INVOICE: "INV-",
    NumberSequence.Kind.CREDIT_NOTE: "CN-",
}
WIDTH = 6
"""Digits of a number, zero padded, so that document numbers sort as text too."""


def format_number(prefix: str, number: int) -> str:
    """A document number as printed: "INV-000042"."""
    return f"{prefix}{number:0{WIDTH}d}"


def _advance(installation_id: int, kind: str, count: int) -> tuple[str, int] | None:
    """Move the sequence on by `count` in one statement, which locks its row until the transaction ends;
    (prefix, first number taken), or None when the installation has no such sequence yet."""
    meta = NumberSequence._meta
    quote = connection.ops.quote_name
    column = {field.name: quote(field.column) for field in meta.concrete_fields}
    installation, kind_, prefix, next_number = (
        column[name] for name in ("installation", "kind", "prefix", "next_number")
    )
    where = f"WHERE {installation} = %s AND {kind_} = %s"
    # PostgreSQL, and SQLite from 3.35 (what `can_return_columns_from_insert` says), return the row updated.
    returning = connection.features.can_return_columns_from_insert
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(meta.db_table)} SET {next_number} = {next_number} + %s {where}"
            + (f" RETURNING {prefix}, {next_number}" if returning else ""),
            [count, installation_id, kind],
        )
        if not returning:
            cursor.execute(
                f"SELECT {prefix}, {next_number} FROM {quote(meta.db_table)} {where}", [installation_id, kind]
            )
        row = cursor.fetchone()
    return None if row is None else (row[0], row[1] - count)


def prefix_of(installation: Installation, kind: str) -> str:
    """What a number of `kind` starts with: the installation's invoice prefix, or "CN-"."""
    if kind == NumberSequence.Kind.INVOICE:
        return installation.invoice_prefix or PREFIXES[kind]
    return PREFIXES[kind]


def _create(installation: Installation, kind: str) -> None:
    """The sequence's first use: two transactions may race to create the row; the loser's insert waits for
    the winner's and then finds it there."""
    try:
        with transaction.atomic():
            NumberSequence.objects.create(
                installation=installation, kind=kind, prefix=prefix_of(installation, kind)
            )
    except IntegrityError:
        pass


def take_number(installation: Installation, kind: str) -> str:
    """The next number of `kind` ("invoice" or "credit_note") for `installation`, e.g. "INV-000001" (§4).

    Call it inside the transaction that saves the document: the row lock is held until that commits.
    """
    return take_numbers(installation, kind, 1)[0]


def take_numbers(installation: Installation, kind: str, count: int) -> list[str]:
    """The next `count` numbers of `kind` at once (a batch of renewals), under the same row lock (§4)."""
    if kind not in PREFIXES:
        raise ValueError(f"unknown number sequence kind {kind!r}")
    if count < 1:
        return []
    # No savepoint: inside the caller's transaction the numbers are its own, and roll back with it.
    with transaction.atomic(savepoint=False):
        taken = _advance(installation.pk, kind, count)
        if taken is None:
            _create(installation, kind)
            taken = _advance(installation.pk, kind, count)
            assert taken is not None
    _stored_prefix, first = taken
    prefix = prefix_of(installation, kind)
    return [format_number(prefix, n) for n in range(first, first + count)]


def set_invoice_prefix(installation: Installation, prefix: str) -> None:
    """The shop's own invoice number prefix from the next invoice on (the numbers go on counting, §4).
    ValueError names what is wrong with a prefix that cannot be used."""
    problem = invoice_prefix_problem(prefix)
    if problem is not None:
        raise ValueError(problem)
    with transaction.atomic():
        Installation.objects.filter(pk=installation.pk).update(invoice_prefix=prefix)
        NumberSequence.objects.filter(installation=installation, kind=NumberSequence.Kind.INVOICE).update(
            prefix=prefix
        )
    installation.invoice_prefix = prefix
