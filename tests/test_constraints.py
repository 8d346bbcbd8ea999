"""The database itself refuses what must never be stored (foreign keys, uniqueness, checks)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from saleor_subscriptions.catalog.models import PlanVersion
from saleor_subscriptions.discounts.models import DiscountCode
from saleor_subscriptions.invoicing.models import AppendOnlyError, CreditLedgerEntry, Invoice
from saleor_subscriptions.subscriptions.models import Subscription
from saleor_subscriptions.tenants.models import Installation
from tests.factories import make_installation, make_plan_version, make_subscription

pytestmark = pytest.mark.django_db

DUE = datetime(2026, 12, 16, 5, 0, tzinfo=UTC)


def _invoice(subscription: Subscription, **fields) -> Invoice:
    fields.setdefault("billing_reason", Invoice.Reason.RENEWAL)
    fields.setdefault("period_index", 1)
    return Invoice.objects.create(
        installation=subscription.installation,
        subscription=subscription,
        currency="EUR",
        period_start=date(2026, 12, 16),
        period_end=date(2027, 1, 16),
        due_at=DUE,
        **fields,
    )


def _refused(make) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_one_renewal_invoice_per_subscription_and_period():
    subscription = make_subscription(make_plan_version(make_installation()))
    _invoice(subscription)
    _refused(lambda: _invoice(subscription))
    # A mid-period change invoice for the same period is a different document and is allowed.
    _invoice(subscription, billing_reason=Invoice.Reason.CHANGE)


def test_invoice_amounts_are_never_negative_and_credit_stays_within_the_total():
    subscription = make_subscription(make_plan_version(make_installation()))
    _refused(lambda: _invoice(subscription, total=Decimal("-1.00")))
    _refused(lambda: _invoice(subscription, amount_due=Decimal("-0.01")))
    _refused(lambda: _invoice(subscription, total=Decimal("10.00"), credit_applied=Decimal("10.01")))


def test_an_invoice_status_outside_the_list_is_refused():
    subscription = make_subscription(make_plan_version(make_installation()))
    _refused(lambda: _invoice(subscription, status="lost"))


def test_an_open_invoice_has_a_number():
    subscription = make_subscription(make_plan_version(make_installation()))
    _refused(lambda: _invoice(subscription, status=Invoice.Status.OPEN))
    _invoice(subscription, status=Invoice.Status.OPEN, number="INV-1")


def test_a_subscription_needs_a_positive_quantity_and_a_known_status():
    version = make_plan_version(make_installation())
    _refused(lambda: make_subscription(version, quantity=0))
    _refused(lambda: make_subscription(version, status="zombie"))


def test_a_subscription_period_cannot_be_empty():
    version = make_plan_version(make_installation())
    _refused(lambda: make_subscription(version, current_period_end=date(2026, 11, 16)))


def test_a_subscription_must_point_at_an_existing_plan_version():
    version = make_plan_version(make_installation())
    subscription = make_subscription(version)
    with pytest.raises(IntegrityError), transaction.atomic():
        # Django makes foreign keys deferrable on PostgreSQL; check this one now rather than at commit.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        Subscription.objects.filter(pk=subscription.pk).update(plan_version_id=version.pk + 1000)


@pytest.mark.parametrize(
    "terms",
    [
        {"anchor_mode": "day_of_month", "anchor_day": 29},
        {"anchor_mode": "day_of_month", "anchor_day": None},
        {"anchor_mode": "purchase", "anchor_day": 1},
        {"interval": "quarter"},
        {"interval_count": 0},
        {"price": Decimal("-1")},
        {"setup_fee": Decimal("-5")},
        {"billing_cycles": 0},
        {"trial_days": 14, "trial_intervals": 1},
    ],
)
def test_plan_version_terms_the_database_refuses(terms):
    installation = make_installation()
    _refused(lambda: make_plan_version(installation, **terms))


def test_two_versions_of_a_plan_cannot_share_a_number():
    version = make_plan_version(make_installation())
    _refused(
        lambda: PlanVersion.objects.create(
            installation=version.installation, plan=version.plan, version=1, interval="month"
        )
    )


@pytest.mark.parametrize(
    "fields",
    [
        {"kind": "percentage", "percent": Decimal("0")},
        {"kind": "percentage", "percent": Decimal("100.01")},
        {"kind": "fixed", "amount_off": Decimal("5.00")},  # a fixed amount needs a currency
        {"kind": "percentage", "percent": Decimal("10"), "duration": "repeating"},
        {"kind": "percentage", "percent": Decimal("10"), "duration": "once", "duration_periods": 3},
    ],
)
def test_discount_codes_the_database_refuses(fields):
    installation = make_installation()
    _refused(lambda: DiscountCode.objects.create(installation=installation, code="WELKOM", **fields))


def test_discount_codes_are_unique_per_installation():
    first, second = make_installation(), make_installation("https://other.example.com/graphql/")
    DiscountCode.objects.create(installation=first, code="WELKOM", kind="percentage", percent=Decimal(10))
    DiscountCode.objects.create(installation=second, code="WELKOM", kind="percentage", percent=Decimal(10))
    _refused(
        lambda: DiscountCode.objects.create(
            installation=first, code="WELKOM", kind="percentage", percent=Decimal(20)
        )
    )


def test_credit_ledger_entries_are_added_never_edited_or_deleted():
    installation = make_installation()
    entry = CreditLedgerEntry.objects.create(
        installation=installation,
        customer_key="email:piet@example.com",
        currency="EUR",
        amount=Decimal("12.50"),
        kind=CreditLedgerEntry.Kind.ADJUSTMENT,
    )
    entry.amount = Decimal("100.00")
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    _refused(
        lambda: CreditLedgerEntry.objects.create(
            installation=installation,
            customer_key="email:piet@example.com",
            currency="EUR",
            amount=Decimal("0"),
            kind=CreditLedgerEntry.Kind.ADJUSTMENT,
        )
    )


def test_only_a_sandbox_installation_may_have_a_test_clock():
    _refused(lambda: make_installation(clock=DUE))
    sandbox = make_installation(sandbox=True, clock=DUE)
    assert sandbox.now() == DUE
    assert Installation.objects.get(pk=sandbox.pk).clock == DUE
