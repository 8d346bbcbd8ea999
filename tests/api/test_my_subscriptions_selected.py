"""`mySubscriptions` reads a subscription's invoices only when the request selects them (bench/README.md): the
open invoices and the issued ones are prefetched when asked for, directly or through fragments, and not read
at all otherwise; and a query text sent again is answered from its parsed and validated document."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from saleor_subscriptions.api import views
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.subscriptions.models import Subscription
from tests.factories import make_plan_version, make_subscription

pytestmark = pytest.mark.django_db

BARE = "query { mySubscriptions { id status } }"
FRAGMENTS = """
query { mySubscriptions { id ...Owed ... on Subscription { invoices { number } } } }
fragment Owed on Subscription { openInvoices { number status } }
"""


def _subscription(shop: Any, number: str) -> Subscription:
    version = make_plan_version(shop.installation, name="Coffee monthly", price=Decimal("30.00"))
    subscription = make_subscription(version, customer_user_id=shop.saleor.customer.id, status="past_due")
    Invoice.objects.create(
        installation=subscription.installation, subscription=subscription,
        billing_reason=Invoice.Reason.RENEWAL,
        number=number, status=Invoice.Status.OPEN, currency="EUR", period_index=1,
        period_start=subscription.current_period_start, period_end=subscription.current_period_end,
        total=Decimal("30.00"), amount_due=Decimal("30.00"), due_at=subscription.started_at,
    )  # fmt: skip
    return subscription


def _sql(api: Any, shop: Any, query: str) -> tuple[Any, list[str]]:
    api.data(query, token=shop.customer_token())  # the token's keys fetched and cached first
    with CaptureQueriesContext(connection) as captured:
        mine = api.data(query, token=shop.customer_token())
    return mine, [q["sql"] for q in captured.captured_queries]


def test_invoices_not_selected_are_not_read(api, shop):
    for n in range(3):
        _subscription(shop, f"INV-03{n:02}")

    mine, sql = _sql(api, shop, BARE)

    assert len(mine) == 3
    assert not [s for s in sql if '"invoicing_invoice"' in s], sql


def test_invoices_selected_through_fragments_are_prefetched(api, shop):
    for n in range(3):
        _subscription(shop, f"INV-04{n:02}")

    mine, sql = _sql(api, shop, FRAGMENTS)

    assert sorted(s["openInvoices"][0]["number"] for s in mine) == ["INV-0400", "INV-0401", "INV-0402"]
    assert sorted(s["invoices"][0]["number"] for s in mine) == ["INV-0400", "INV-0401", "INV-0402"]
    # one query each for the open and the issued invoices of all three, not one per subscription
    assert len([s for s in sql if 'FROM "invoicing_invoice"' in s]) == 2, sql


def test_a_query_sent_again_is_not_parsed_again(api, shop, monkeypatch):
    _subscription(shop, "INV-0500")
    api.data(BARE, token=shop.customer_token())
    parsed: list[str] = []
    monkeypatch.setattr(views, "parse", lambda query, **kwargs: parsed.append(query))

    assert len(api.data(BARE, token=shop.customer_token())) == 1
    assert parsed == []


def test_a_refused_query_is_not_kept(api, shop):
    bad = "query { mySubscriptions { id nope } }"

    assert api.refused(bad, token=shop.customer_token()) == (400, "GRAPHQL_VALIDATION_FAILED")
    assert bad not in views._checked
    assert api.refused(bad, token=shop.customer_token()) == (400, "GRAPHQL_VALIDATION_FAILED")
