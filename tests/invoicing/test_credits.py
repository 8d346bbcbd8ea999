"""Credit notes and the customer's credit balance (§8)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from saleor_subscriptions.invoicing.credits import credit_balance, issue_credit_note
from saleor_subscriptions.invoicing.models import CreditLedgerEntry
from tests.factories import make_installation, make_plan_version, make_subscription

pytestmark = pytest.mark.django_db


def test_a_credit_note_is_numbered_and_adds_its_amount_to_the_balance():
    sub = make_subscription(make_plan_version(make_installation()))
    first = issue_credit_note(sub, Decimal("14.30"), reason="Unused part of November")
    second = issue_credit_note(sub, Decimal("0.705"), reason="Rounding half up")
    assert (first.number, first.amount, first.customer_key) == (
        "CN-000001",
        Decimal("14.30"),
        sub.customer_key,
    )
    assert (second.number, second.amount) == ("CN-000002", Decimal("0.71"))
    assert CreditLedgerEntry.objects.filter(kind="credit_note").count() == 2
    assert credit_balance(sub.installation, sub.customer_key, "EUR") == Decimal("15.01")


def test_the_balance_is_per_installation_customer_and_currency():
    shop = make_installation()
    sub = make_subscription(make_plan_version(shop))
    dollars = make_subscription(make_plan_version(shop, currency="USD", variant_id="v2"))
    other_customer = make_subscription(
        make_plan_version(shop, variant_id="v3"), customer_email="jan@example.com"
    )
    issue_credit_note(sub, Decimal("10.00"), reason="credit")
    issue_credit_note(dollars, Decimal("3.00"), reason="credit")
    issue_credit_note(other_customer, Decimal("1.00"), reason="credit")
    assert credit_balance(shop, sub.customer_key, "EUR") == Decimal("10.00")
    assert credit_balance(shop, sub.customer_key, "USD") == Decimal("3.00")
    assert credit_balance(shop, other_customer.customer_key, "EUR") == Decimal("1.00")
    other_shop = make_installation("https://other.example.com/graphql/")
    assert credit_balance(other_shop, sub.customer_key, "EUR") == Decimal("0.00")


@pytest.mark.parametrize("amount", [Decimal(0), Decimal("-1.00"), Decimal("0.004")])
def test_a_credit_note_of_nothing_or_less_is_refused(amount):
    sub = make_subscription(make_plan_version(make_installation()))
    with pytest.raises(ValueError, match="positive amount"):
        issue_credit_note(sub, amount, reason="nothing")
    assert not CreditLedgerEntry.objects.exists()


def test_the_same_credit_asked_twice_with_its_idempotency_key_is_issued_once():
    sub = make_subscription(make_plan_version(make_installation()))
    first = issue_credit_note(sub, Decimal("5.00"), reason="downgrade", idempotency_key="downgrade:1")
    again = issue_credit_note(sub, Decimal("5.00"), reason="downgrade", idempotency_key="downgrade:1")
    assert again.pk == first.pk
    assert credit_balance(sub.installation, sub.customer_key, "EUR") == Decimal("5.00")
