"""Lines written before invoice lines had a target get theirs once, from their kind and, for discounts, from
the wording the engine used to decide by (`invoicing/0005_invoice_line_target`, BILLING_RULES §9)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import make_installation, make_plan_version, make_subscription

BEFORE = [("invoicing", "0004_invoice_order_problem")]
AFTER = [("invoicing", "0005_invoice_line_target")]


def _migrate(targets: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


@pytest.mark.django_db(transaction=True)
def test_old_lines_get_their_targets_from_kind_and_old_discount_wording():
    # Made with today's factories before going back: going back to invoicing 0004 also takes back the later
    # migrations of other apps that depend on it (columns today's models write).
    subscription = make_subscription(make_plan_version(make_installation()), status="active")
    old = _migrate(BEFORE).loader.project_state(BEFORE).apps
    try:
        _check_fill(old, subscription)
    finally:
        _migrate(_latest())


def _latest() -> list[tuple[str, str]]:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    return executor.loader.graph.leaf_nodes()


def _check_fill(old, subscription) -> None:
    invoice = old.get_model("invoicing", "Invoice").objects.create(
        installation_id=subscription.installation_id,
        subscription_id=subscription.pk,
        billing_reason="renewal",
        number="INV-OLD",
        status="paid",
        currency="EUR",
        period_index=0,
        period_start=date(2026, 11, 1),
        period_end=date(2026, 12, 1),
        due_at=datetime(2026, 11, 1, tzinfo=UTC),
    )
    Line = old.get_model("invoicing", "InvoiceLine")
    rows = [
        ("plan", "Monthly plan, 1 Nov 2026 \u2013 1 Dec 2026", "30.00"),
        ("setup_fee", "Setup fee", "10.00"),
        ("usage", "Calls \u00d7 4, 1 Oct 2026 \u2013 1 Nov 2026", "1.00"),
        ("discount", "Discount HALF: 50% off Monthly plan", "-15.00"),
        ("discount", "Discount HALF: 50% off setup fee", "-5.00"),
        ("credit", "Credit balance applied", "-1.00"),
    ]
    for position, (kind, description, amount) in enumerate(rows, start=1):
        Line.objects.create(
            installation_id=subscription.installation_id,
            invoice=invoice,
            position=position,
            kind=kind,
            description=description,
            unit_amount=Decimal(amount),
            amount=Decimal(amount),
        )

    new = _migrate(AFTER).loader.project_state(AFTER).apps
    targets = list(
        new.get_model("invoicing", "InvoiceLine")
        .objects.filter(invoice_id=invoice.pk)
        .order_by("position")
        .values_list("target", flat=True)
    )

    assert targets == ["recurring", "setup_fee", "usage", "recurring", "setup_fee", ""]
