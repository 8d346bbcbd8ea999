"""Staff reads of one subscription (the timeline, invoices with their payments, Saleor orders, credit,
pending changes, dunning), of invoices, credit notes, a customer's billing and discount codes; and what a
customer may not read of them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from saleor_subscriptions.api.ids import global_id, subscription_global_id
from saleor_subscriptions.discounts.models import DiscountCode, DiscountRedemption
from saleor_subscriptions.invoicing.models import CreditLedgerEntry, CreditNote, InvoiceLine
from saleor_subscriptions.payments.stripe_webhooks.models import StripeFollowUp
from saleor_subscriptions.subscriptions.models import SubscriptionEvent
from tests.api.staff_world import StaffWorld, build, invoice

pytestmark = pytest.mark.django_db

DETAIL = """
query One($id: ID!) { subscription(id: $id) {
  id number status customerEmail creditBalance { currency amount }
  events { at actorType actorId kind fromStatus toStatus reason data }
  invoiceDetails { number status total lines { kind description formula amount }
                   payments { number status stripeReference declineCode }
                   refunds { amount stripePaymentIntent }
                   creditNotes { number amount } documentUrl }
  saleorOrders { id invoiceNumber billingReason }
  pendingChanges { plan { name } planFrom quantity cancelAt skippedPeriods }
  dunning { pastDueSince daysDone nextStep { day action } nextStepAt steps { day action } }
} }
"""


@pytest.fixture
def world(shop: Any) -> StaffWorld:
    return build(shop)


def post(api: Any, world: StaffWorld, query: str, variables: dict[str, Any], **auth: Any) -> dict[str, Any]:
    status, body = api.post(query, variables, **(auth or {"token": world.token()}))
    assert status == 200 and "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


def test_staff_see_a_subscriptions_timeline_payments_orders_credit_and_dunning(api, world):
    bob = world.subs["bob"]
    bob.saleor_order_id = "T3JkZXI6MQ=="
    bob.dunning_days_done = 1
    bob.next_dunning_at = datetime(2026, 11, 13, 9, tzinfo=UTC)
    bob.pending_quantity = 1
    bob.save()
    SubscriptionEvent.objects.create(
        installation=bob.installation,
        subscription=bob,
        at=datetime(2026, 11, 10, tzinfo=UTC),
        actor_type="system",
        kind="payment_failed",
        from_status="active",
        to_status="past_due",
        reason="card_declined",
        data={"invoice": "INV-0003"},
    )
    owed = bob.invoices.get(number="INV-0003")
    owed.saleor_order_id = "T3JkZXI6Mg=="
    owed.save()
    InvoiceLine.objects.create(
        installation=bob.installation,
        invoice=owed,
        position=1,
        kind="plan",
        description="Coffee monthly",
        reason="30.00 × 2",
        quantity=2,
        unit_amount=Decimal("15.00"),
        amount=Decimal("30.00"),
    )
    owed.attempts.create(
        installation=bob.installation,
        number=1,
        idempotency_key="k-bob",
        amount=Decimal("30.00"),
        currency="USD",
        status="declined",
        reference="pi_bob",
        decline_code="insufficient_funds",
    )
    StripeFollowUp.objects.create(
        installation=bob.installation,
        invoice=owed,
        kind="refund",
        key="refund-bob",
        intent_id="pi_twice",
        amount=Decimal("30.00"),
    )
    note = CreditNote.objects.create(
        installation=bob.installation,
        number="CN-0001",
        subscription=bob,
        invoice=owed,
        customer_key=bob.customer_key,
        currency="USD",
        amount=Decimal("5.00"),
        reason="goodwill",
    )
    CreditLedgerEntry.objects.create(
        installation=bob.installation,
        customer_key=bob.customer_key,
        currency="USD",
        amount=Decimal("5.00"),
        kind="credit_note",
        credit_note=note,
    )

    found = post(api, world, DETAIL, {"id": subscription_global_id(bob.pk)})["subscription"]

    assert found["number"] == bob.pk and found["customerEmail"] == "bob@example.com"
    assert found["creditBalance"] == [{"currency": "USD", "amount": "5.00"}]
    assert found["events"] == [
        {
            "at": "2026-11-10T00:00:00+00:00",
            "actorType": "system",
            "actorId": "",
            "kind": "payment_failed",
            "fromStatus": "active",
            "toStatus": "past_due",
            "reason": "card_declined",
            "data": '{"invoice": "INV-0003"}',
        }
    ]
    latest = found["invoiceDetails"][0]
    assert latest["number"] == "INV-0003"
    assert latest["lines"] == [
        {"kind": "plan", "description": "Coffee monthly", "formula": "30.00 × 2", "amount": "30.00"}
    ]
    assert latest["payments"] == [
        {"number": 1, "status": "declined", "stripeReference": "pi_bob", "declineCode": "insufficient_funds"}
    ]
    assert latest["refunds"] == [{"amount": "30.00", "stripePaymentIntent": "pi_twice"}]
    assert latest["creditNotes"] == [{"number": "CN-0001", "amount": "5.00"}]
    assert latest["documentUrl"].endswith(".pdf")
    assert found["saleorOrders"] == [
        {"id": "T3JkZXI6MQ==", "invoiceNumber": None, "billingReason": "signup"},
        {"id": "T3JkZXI6Mg==", "invoiceNumber": "INV-0003", "billingReason": "renewal"},
    ]
    assert found["pendingChanges"] == {
        "plan": None,
        "planFrom": None,
        "quantity": 1,
        "cancelAt": None,
        "skippedPeriods": [],
    }
    assert found["dunning"]["pastDueSince"] == "2026-11-10"
    assert found["dunning"]["nextStep"] == {"day": 3, "action": "retry"}
    assert found["dunning"]["nextStepAt"] == "2026-11-13T09:00:00+00:00"
    assert found["dunning"]["steps"][0] == {"day": 0, "action": "remind"}


def test_no_dunning_when_nothing_is_failing(api, world):
    found = post(api, world, DETAIL, {"id": subscription_global_id(world.subs["ann"].pk)})["subscription"]

    assert found["dunning"] is None and found["events"] == []


def test_staff_read_any_subscription_of_their_shop_only(api, world, shop):
    from tests.factories import make_installation, make_plan_version, make_subscription

    foreign = make_subscription(make_plan_version(make_installation("https://o.example.com/graphql/")))

    data = post(api, world, DETAIL, {"id": subscription_global_id(foreign.pk)})

    assert data["subscription"] is None


def test_a_customer_may_not_read_the_staff_fields_of_their_own_subscription(api, world, shop):
    mine = world.subs["ann"]
    mine.customer_user_id = shop.saleor.customer.id
    mine.save()
    query = "query One($id: ID!) { subscription(id: $id) { id status events { kind } } }"

    status, body = api.post(query, {"id": subscription_global_id(mine.pk)}, token=shop.customer_token())

    assert status == 200
    assert body["data"]["subscription"] == {
        "id": subscription_global_id(mine.pk),
        "status": "ACTIVE",
        "events": None,
    }
    assert body["errors"][0]["extensions"]["code"] == "AUTHENTICATION_REQUIRED"
    assert body["errors"][0]["path"] == ["subscription", "events"]


def test_a_bad_subscription_id_is_refused_naming_it(api, world):
    _, body = api.post(DETAIL, {"id": "nope"}, token=world.token())

    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "id"}


INVOICES = """
query List($filter: InvoiceFilterInput, $sortBy: InvoiceSortingInput, $first: Int, $after: String) {
  invoices(filter: $filter, sortBy: $sortBy, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id number status customerEmail total lines { formula } payments { stripeReference } } }
  }
}
"""


def numbers(data: dict[str, Any]) -> list[str]:
    return [edge["node"]["number"] for edge in data["invoices"]["edges"]]


@pytest.mark.parametrize(
    ("filter_", "expected"),
    [
        ({}, ["INV-0003", "INV-0004", "INV-0005", "INV-0001", "INV-0002"]),
        ({"status": ["OPEN"]}, ["INV-0003", "INV-0004", "INV-0005"]),
        ({"customer": "bob@example.com"}, ["INV-0003", "INV-0002"]),
        ({"number": "inv-0004"}, ["INV-0004"]),
        ({"due": {"lte": "2026-01-01T00:00:00+00:00"}}, ["INV-0001", "INV-0002"]),
    ],
)
def test_invoices_filtered(api, world, filter_, expected):
    data = post(api, world, INVOICES, {"filter": filter_})

    assert sorted(numbers(data)) == sorted(expected)
    assert data["invoices"]["totalCount"] == len(expected)


def test_invoices_of_a_subscription_sorted_by_number_in_pages(api, world):
    sub = subscription_global_id(world.subs["bob"].pk)
    sort = {"field": "NUMBER", "direction": "DESC"}

    first = post(api, world, INVOICES, {"filter": {"subscription": sub}, "sortBy": sort, "first": 1})
    after = first["invoices"]["pageInfo"]["endCursor"]
    second = post(
        api, world, INVOICES, {"filter": {"subscription": sub}, "sortBy": sort, "first": 1, "after": after}
    )

    assert numbers(first) == ["INV-0003"] and numbers(second) == ["INV-0002"]
    assert second["invoices"]["pageInfo"]["hasNextPage"] is False


def test_invoice_by_id_and_an_inverted_range_refused(api, world):
    owed = world.subs["eve"].invoices.get()

    data = post(
        api,
        world,
        "query I($id: ID!) { invoice(id: $id) { number payments { stripeReference } } }",
        {"id": global_id("Invoice", owed.pk)},
    )
    _, body = api.post(
        INVOICES,
        {"filter": {"paid": {"gte": "2026-02-01T00:00:00+00:00", "lte": "2026-01-01T00:00:00+00:00"}}},
        token=world.token(),
    )

    assert data["invoice"] == {"number": "INV-0004", "payments": [{"stripeReference": "pi_eve"}]}
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "filter.paid"}


def test_the_invoice_list_takes_the_same_queries_for_1_and_many(api, world):
    for n in range(30):
        invoice(world.subs["ann"], f"INV-2{n:03}", n + 2)

    counts = []
    for first in (1, 30):
        with CaptureQueriesContext(connection) as captured:
            post(api, world, INVOICES, {"first": first})
        counts.append(len(captured.captured_queries))

    assert counts[0] == counts[1]


def test_credit_notes_and_customer_billing(api, world):
    bob = world.subs["bob"]
    CreditNote.objects.create(
        installation=bob.installation,
        number="CN-0001",
        subscription=bob,
        customer_key=bob.customer_key,
        currency="USD",
        amount=Decimal("7.50"),
        reason="late delivery",
    )
    CreditLedgerEntry.objects.create(
        installation=bob.installation,
        customer_key=bob.customer_key,
        currency="USD",
        amount=Decimal("7.50"),
        kind="adjustment",
    )
    notes = post(
        api,
        world,
        "query N($c: String) { creditNotes(customer: $c) { totalCount edges { node { "
        "number amount reason subscriptionId } } } }",
        {"c": "bob@example.com"},
    )
    billing = post(
        api,
        world,
        "query B($c: String!) { customerBilling(customer: $c) { subscriptions { status } "
        "invoices { number } creditBalance { currency amount } paymentMethods { type } } }",
        {"c": "BOB@example.com"},
    )

    assert notes["creditNotes"]["edges"] == [
        {
            "node": {
                "number": "CN-0001",
                "amount": "7.50",
                "reason": "late delivery",
                "subscriptionId": subscription_global_id(bob.pk),
            }
        }
    ]
    assert billing["customerBilling"] == {
        "subscriptions": [{"status": "PAST_DUE"}],
        "invoices": [{"number": "INV-0003"}, {"number": "INV-0002"}],
        "creditBalance": [{"currency": "USD", "amount": "7.50"}],
        "paymentMethods": [{"type": "sepa_debit"}],
    }


def test_discount_codes_with_their_redemption_counts(api, world, shop):
    welcome = DiscountCode.objects.create(
        installation=shop.installation, code="WELCOME", kind="percentage", percent=Decimal("10")
    )
    DiscountCode.objects.create(
        installation=shop.installation,
        code="SPRING",
        kind="fixed",
        amount_off=Decimal("5"),
        currency="USD",
        active=False,
    )
    for name in ("ann", "bob"):
        DiscountRedemption.objects.create(
            installation=shop.installation,
            code=welcome,
            subscription=world.subs[name],
            customer_key=world.subs[name].customer_key,
        )
    query = (
        "query D($s: String, $a: Boolean) { discountCodes(search: $s, active: $a) { totalCount "
        "edges { node { code percent amountOff active redemptionCount } } } }"
    )

    every = post(api, world, query, {}, token=shop.staff_token(("MANAGE_DISCOUNTS",)))
    active = post(api, world, query, {"s": "wel", "a": True})

    assert [e["node"] for e in every["discountCodes"]["edges"]] == [
        {"code": "SPRING", "percent": None, "amountOff": "5.00", "active": False, "redemptionCount": 0},
        {"code": "WELCOME", "percent": "10", "amountOff": None, "active": True, "redemptionCount": 2},
    ]
    assert [e["node"]["code"] for e in active["discountCodes"]["edges"]] == ["WELCOME"]


def test_the_period_dates_are_dates(world):
    assert world.subs["bob"].invoices.order_by("period_index").first().period_start == date(2026, 1, 1)


SEARCHED = """
query List($filter: InvoiceFilterInput, $search: String) {
  invoices(filter: $filter, search: $search) {
    totalCount edges { node { number channel customerName subscriptionNumber refundable } }
  }
}
"""


@pytest.mark.parametrize(
    ("filter_", "search", "expected"),
    [
        ({"attention": True}, None, ["INV-0003", "INV-0004", "INV-0005"]),
        ({"attention": False}, None, ["INV-0001", "INV-0002", "INV-0006"]),
        ({"channel": "eu-channel"}, None, ["INV-0006"]),
        ({"currency": "eur"}, None, ["INV-0006"]),
        ({"currency": "USD", "status": ["PAID"]}, None, ["INV-0001", "INV-0002"]),
        ({}, "BOBSON", ["INV-0002", "INV-0003"]),
        ({}, "eve@exa", ["INV-0004"]),
        ({}, "inv-000", ["INV-0001", "INV-0002", "INV-0003", "INV-0004", "INV-0005", "INV-0006"]),
        ({"status": ["OPEN"]}, "bob", ["INV-0003"]),
    ],
)
def test_invoices_needing_attention_by_channel_currency_and_searched(api, world, filter_, search, expected):
    """Attention: owed with a failed or waiting charge (bob's declined, eve's 3-D Secure) or a failed order
    (fay's); cat's paid EUR invoice is in eu-channel."""
    bob_owed = world.subs["bob"].invoices.get(number="INV-0003")
    bob_owed.attempts.create(
        installation=bob_owed.installation,
        number=1,
        idempotency_key="k-bob-declined",
        amount=Decimal("30.00"),
        currency="USD",
        status="declined",
        decline_code="insufficient_funds",
    )
    invoice(world.subs["cat"], "INV-0006", 0, total=Decimal("300.00"))

    data = post(api, world, SEARCHED, {"filter": filter_, "search": search})

    assert sorted(numbers(data)) == expected
    assert data["invoices"]["totalCount"] == len(expected)


def test_an_invoices_channel_customer_subscription_and_what_is_left_to_refund(api, world):
    bob = world.subs["bob"]
    paid = bob.invoices.get(number="INV-0002")
    CreditNote.objects.create(
        installation=bob.installation,
        number="CN-0009",
        subscription=bob,
        invoice=paid,
        customer_key=bob.customer_key,
        currency="USD",
        amount=Decimal("12.50"),
        reason="part refund",
    )

    data = post(api, world, SEARCHED, {"search": "bob"})

    rows = {edge["node"]["number"]: edge["node"] for edge in data["invoices"]["edges"]}
    assert rows["INV-0002"] == {
        "number": "INV-0002",
        "channel": "default-channel",
        "customerName": "Bob Bobson",
        "subscriptionNumber": bob.pk,
        "refundable": "17.50",
    }
    assert rows["INV-0003"]["refundable"] == "0.00"


def test_a_search_longer_than_200_characters_is_refused_naming_it(api, world):
    _, body = api.post(SEARCHED, {"search": "x" * 201}, token=world.token())

    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "search"}
