"""Staff grant a subscription's customer credit through /graphql/ (MANAGE_ORDERS; BILLING_RULES §8): a credit
note on their balance, the event naming the staff user; refusals name the amount and change nothing (the
balance used by renewals: tests/subscriptions/test_staff_grants.py)."""

from __future__ import annotations

from decimal import Decimal

from saleor_subscriptions.invoicing.models import CreditNote
from tests.api.staff_support import (
    snapshot,
    staff_events,
    staff_token,
    staff_user_id,
    sub_id,
    subscription,
)

GRANT = """
mutation Credit($id: ID!, $amount: Decimal!, $reason: String) {
  staffSubscriptionCreditGrant(id: $id, amount: $amount, reason: $reason) {
    subscription { status } creditNote creditAmount errors { field code message }
  }
}
"""


def test_staff_grant_credit(api, shop):
    sub = subscription(shop)

    answer = api.data(
        GRANT, {"id": sub_id(sub), "amount": "12.50", "reason": "late"}, token=staff_token(shop)
    )

    assert answer["errors"] == []
    [note] = CreditNote.objects.filter(subscription=sub)
    assert (answer["creditNote"], answer["creditAmount"]) == (note.number, "12.50")
    assert (note.amount, note.reason) == (Decimal("12.50"), "late")
    assert staff_events(sub) == [("credit_granted", "staff", staff_user_id(shop), "late")]


def _refused(api, shop, variables, sub):
    before = snapshot(sub)
    answer = api.data(GRANT, variables, token=staff_token(shop))
    assert answer["subscription"] is None and answer["creditNote"] is None
    assert snapshot(sub) == before
    [error] = answer["errors"]
    assert error["message"]
    return error["field"], error["code"]


def test_refusals(api, shop):
    sub = subscription(shop)
    unpaid = subscription(shop, status="incomplete")

    for amount in ("0", "-1", "0.001", "1000000000"):
        assert _refused(api, shop, {"id": sub_id(sub), "amount": amount}, sub) == (
            "amount",
            "INVALID_CREDIT_AMOUNT",
        )
    assert _refused(api, shop, {"id": sub_id(unpaid), "amount": "5"}, unpaid) == (
        None,
        "NOT_ALLOWED_IN_STATE",
    )


def test_only_staff_with_manage_orders_may(api, shop):
    sub = subscription(shop)
    before = snapshot(sub)
    variables = {"id": sub_id(sub), "amount": "5"}

    assert api.refused(GRANT, variables, token=shop.customer_token()) == (200, "AUTHENTICATION_REQUIRED")
    assert api.refused(GRANT, variables, api_url=shop.fake.api_url) == (200, "AUTHENTICATION_REQUIRED")
    assert api.refused(GRANT, variables, token=staff_token(shop, ("MANAGE_PRODUCTS",))) == (
        200,
        "PERMISSION_DENIED",
    )
    assert snapshot(sub) == before
