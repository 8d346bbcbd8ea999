"""`mySubscriptions` and `subscription(id)` through /graphql/ with the fake Saleor's customer tokens: a
customer sees only their own subscriptions (by Saleor user, in the token's shop), with the open invoices' pay
links, the saved payment method, and the link to the page that replaces it (the pay page's payment-method
page, served by the app against the fake Stripe)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from saleor_subscriptions.api.ids import subscription_global_id
from saleor_subscriptions.invoicing import links
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.payments.accounts import StripeKeys, connect_stripe
from saleor_subscriptions.payments.models import StripeCustomer
from saleor_subscriptions.subscriptions.models import Subscription
from saleor_subscriptions.tenants.models import Installation
from tests.factories import make_plan_version, make_subscription
from tests.payments.stripe_webhooks.stripe_shop import (
    APP_URL,
    fake_stripe,
    fake_stripe_server,
    stripe_settings,
)

__all__ = ["fake_stripe", "fake_stripe_server", "stripe_settings"]

MINE = """
query Mine($first: Int, $after: ID) {
  mySubscriptions(first: $first, after: $after) {
    id status channel currency quantity unitPrice startedAt trialEnd currentPeriodStart currentPeriodEnd
    nextBillingAt cancelAt endedAt
    plan { id name }
    terms { version interval price }
    paymentMethod { type brand last4 }
    openInvoices { number status currency total amountDue periodStart periodEnd dueAt payUrl }
    paymentMethodUpdateUrl
  }
}
"""
ONE = """
query One($id: ID!) { subscription(id: $id) { id status paymentMethodUpdateUrl } }
"""


def _subscription(shop: Any, user_id: str | None, **fields: Any) -> Subscription:
    version = fields.pop("version", None) or make_plan_version(
        shop.installation, name="Coffee monthly", price=Decimal("30.00")
    )
    return make_subscription(version, customer_user_id=user_id or "", **fields)


def _open_invoice(subscription: Subscription, number: str = "INV-0007") -> Invoice:
    return Invoice.objects.create(
        installation=subscription.installation,
        subscription=subscription,
        billing_reason=Invoice.Reason.RENEWAL,
        number=number,
        status=Invoice.Status.OPEN,
        currency=subscription.currency,
        period_index=1,
        period_start=date(2026, 12, 16),
        period_end=date(2027, 1, 16),
        subtotal=Decimal("30.00"),
        tax=Decimal("6.30"),
        total=Decimal("36.30"),
        credit_applied=Decimal("5.00"),
        amount_due=Decimal("31.30"),
        due_at=datetime(2026, 12, 16, 5, tzinfo=UTC),
    )


@pytest.fixture
def connected(shop: Any, stripe_settings: Any) -> Any:
    """The shop's default Stripe account on the fake's test keys."""
    return connect_stripe(
        shop.installation, "", StripeKeys(stripe_settings.secret_key, stripe_settings.publishable_key, "")
    )


def _customer_id(shop: Any) -> str:
    return shop.saleor.customer.id


def test_a_customer_needs_a_customer_token(api, shop):
    assert api.refused(MINE, api_url=shop.fake.api_url) == (200, "AUTHENTICATION_REQUIRED")
    assert api.refused(MINE, token=shop.staff_token()) == (200, "AUTHENTICATION_REQUIRED")
    assert api.refused(ONE, {"id": subscription_global_id(1)}, api_url=shop.fake.api_url) == (
        200,
        "AUTHENTICATION_REQUIRED",
    )


def test_a_customer_sees_their_own_subscriptions_newest_first_and_no_one_elses(api, shop):
    me = _customer_id(shop)
    older = _subscription(shop, me, status="active")
    newer = _subscription(shop, me, status="paused")
    _subscription(shop, "VXNlcjo5OTk=", status="active")  # another user
    _subscription(shop, None, status="active")  # a guest with the same email: not proof enough
    _subscription(shop, me, status="incomplete")  # its checkout was never paid
    elsewhere = Installation.objects.create(saleor_api_url="https://other.example.com/graphql/")
    _subscription(shop, me, version=make_plan_version(elsewhere), status="active")  # another shop

    mine = api.data(MINE, token=shop.customer_token())

    assert [s["id"] for s in mine] == [subscription_global_id(newer.pk), subscription_global_id(older.pk)]
    assert [s["status"] for s in mine] == ["PAUSED", "ACTIVE"]
    first = api.data(MINE, {"first": 1}, token=shop.customer_token())
    assert [s["id"] for s in first] == [subscription_global_id(newer.pk)]
    rest = api.data(MINE, {"first": 1, "after": first[0]["id"]}, token=shop.customer_token())
    assert [s["id"] for s in rest] == [subscription_global_id(older.pk)]
    assert api.data(MINE, {"after": rest[0]["id"]}, token=shop.customer_token()) == []


def test_a_subscription_shows_its_terms_period_price_and_open_invoices(api, shop, connected):
    subscription = _subscription(
        shop, _customer_id(shop), status="past_due", quantity=2, unit_price=Decimal("27.50")
    )
    invoice = _open_invoice(subscription)
    Invoice.objects.create(  # paid: not listed
        installation=subscription.installation,
        subscription=subscription,
        billing_reason=Invoice.Reason.SIGNUP,
        number="INV-0001",
        status=Invoice.Status.PAID,
        currency="EUR",
        period_index=0,
        period_start=date(2026, 11, 16),
        period_end=date(2026, 12, 16),
        due_at=datetime(2026, 11, 16, tzinfo=UTC),
    )

    [shown] = api.data(MINE, token=shop.customer_token())

    assert shown["status"] == "PAST_DUE"
    assert (shown["channel"], shown["currency"], shown["quantity"]) == ("default-channel", "EUR", 2)
    assert shown["unitPrice"] == "27.50"  # the admin's price, not the plan's 30.00
    assert shown["plan"]["name"] == "Coffee monthly"
    assert shown["terms"] == {"version": 1, "interval": "MONTH", "price": "30.00"}
    assert (shown["currentPeriodStart"], shown["currentPeriodEnd"]) == ("2026-11-16", "2026-12-16")
    [owed] = shown["openInvoices"]
    assert {k: owed[k] for k in ("number", "status", "currency", "total", "amountDue")} == {
        "number": "INV-0007",
        "status": "OPEN",
        "currency": "EUR",
        "total": "36.30",
        "amountDue": "31.30",
    }
    assert owed["payUrl"].startswith(f"{APP_URL}/pay/")
    token = owed["payUrl"].removeprefix(f"{APP_URL}/pay/").rstrip("/")
    assert links.invoice_of(token) == invoice


def test_the_saved_payment_method_is_shown_by_its_type_brand_and_last_four(api, shop, connected):
    subscription = _subscription(shop, _customer_id(shop), status="active")
    [shown] = api.data(MINE, token=shop.customer_token())
    assert shown["paymentMethod"] is None  # nothing saved yet

    StripeCustomer.objects.create(
        installation=shop.installation,
        stripe_account_id=connected.stripe_account_id,
        customer_key=subscription.customer_key,
        livemode=False,
        stripe_customer_id="cus_test",
        default_payment_method_id="pm_123",
        payment_method_type="card",
        payment_method_brand="visa",
        payment_method_last4="4242",
    )
    [shown] = api.data(MINE, token=shop.customer_token())
    assert shown["paymentMethod"] == {"type": "card", "brand": "visa", "last4": "4242"}
    StripeCustomer.objects.filter(stripe_customer_id="cus_test").update(
        payment_method_type="sepa_debit", payment_method_brand="", payment_method_last4=""
    )
    [shown] = api.data(MINE, token=shop.customer_token())
    assert shown["paymentMethod"] == {"type": "sepa_debit", "brand": None, "last4": None}


def test_the_payment_method_update_url_opens_the_page_that_saves_another_card(api, shop, connected, client):
    subscription = _subscription(shop, _customer_id(shop), status="active")

    one = api.data(ONE, {"id": subscription_global_id(subscription.pk)}, token=shop.customer_token())

    url = one["paymentMethodUpdateUrl"]
    assert url.startswith(f"{APP_URL}/pay/method/")
    token = url.removeprefix(f"{APP_URL}/pay/method/").rstrip("/")
    assert links.subscription_of(token) == subscription
    page = client.get(url.removeprefix(APP_URL))
    assert page.status_code == 200
    assert "seti_" in page.content.decode()  # the page's SetupIntent, made at the fake Stripe


def test_no_update_url_once_ended_or_without_stripe(api, shop):
    me = _customer_id(shop)
    live = _subscription(shop, me, status="active")
    ended = _subscription(shop, me, status="cancelled")
    token = shop.customer_token()

    shown = {s["id"]: s["paymentMethodUpdateUrl"] for s in api.data(MINE, token=token)}

    assert shown == {subscription_global_id(live.pk): None, subscription_global_id(ended.pk): None}


def test_an_ended_subscription_has_no_update_url_while_a_live_one_has(api, shop, connected):
    me = _customer_id(shop)
    live = _subscription(shop, me, status="active")
    ended = _subscription(shop, me, status="expired")

    shown = {s["id"]: s["paymentMethodUpdateUrl"] for s in api.data(MINE, token=shop.customer_token())}

    assert shown[subscription_global_id(ended.pk)] is None
    assert shown[subscription_global_id(live.pk)].startswith(f"{APP_URL}/pay/method/")


def test_someone_elses_subscription_is_null(api, shop):
    theirs = _subscription(shop, "VXNlcjo5OTk=", status="active")
    assert api.data(ONE, {"id": subscription_global_id(theirs.pk)}, token=shop.customer_token()) is None


@pytest.mark.parametrize(
    ("query", "variables", "named"),
    [
        (MINE, {"first": 0}, "first"),
        (MINE, {"first": 101}, "first"),
        (MINE, {"after": "not-an-id"}, "after"),
        (MINE, {"after": "UGxhbjox"}, "after"),  # a plan's id ("Plan:1")
        (ONE, {"id": "U3Vic2NyaXB0aW9uOmFiYw=="}, "id"),  # "Subscription:abc"
    ],
)
def test_bad_arguments_are_refused_naming_the_argument(api, shop, query, variables, named):
    _status, body = api.post(query, variables, token=shop.customer_token())
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["message"].startswith(f"{named}:")


def test_a_plan_on_the_variants_channel_price_shows_no_unit_price(api, shop):
    on_channel_price = make_plan_version(shop.installation, price=None)
    _subscription(shop, _customer_id(shop), version=on_channel_price, status="active")
    priced_by_admin = _subscription(
        shop, _customer_id(shop), version=on_channel_price, status="active", unit_price=Decimal("12.50")
    )

    shown = {s["id"]: s["unitPrice"] for s in api.data(MINE, token=shop.customer_token())}

    assert sorted(shown.values(), key=str) == ["12.50", None]
    assert shown[subscription_global_id(priced_by_admin.pk)] == "12.50"


def test_first_null_lists_up_to_the_maximum(api, shop):
    _subscription(shop, _customer_id(shop), status="active")
    assert len(api.data(MINE, {"first": None}, token=shop.customer_token())) == 1


def test_a_subscription_of_another_shop_is_null_even_for_the_same_user(api, shop):
    elsewhere = Installation.objects.create(saleor_api_url="https://other.example.com/graphql/")
    theirs = _subscription(shop, _customer_id(shop), version=make_plan_version(elsewhere), status="active")

    assert api.data(ONE, {"id": subscription_global_id(theirs.pk)}, token=shop.customer_token()) is None


def test_the_number_of_queries_does_not_grow_with_the_subscriptions(api, shop, connected):
    me = _customer_id(shop)

    def queries() -> int:
        api.data(MINE, token=shop.customer_token())  # the token's keys fetched and cached first
        with CaptureQueriesContext(connection) as captured:
            mine = api.data(MINE, token=shop.customer_token())
        assert all(s["openInvoices"] for s in mine)
        return len(captured.captured_queries)

    _open_invoice(_subscription(shop, me, status="past_due"), "INV-0100")
    one = queries()
    for n in range(11):  # each on its own plan, with its own open invoice
        _open_invoice(_subscription(shop, me, status="past_due"), f"INV-02{n:02}")

    assert queries() == one
