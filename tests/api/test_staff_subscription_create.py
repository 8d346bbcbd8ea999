"""Staff sign a customer up through /graphql/ (`staffSubscriptionCreate`, MANAGE_ORDERS or a `write` key;
issue 15): the subscription starts `incomplete` with its sign-up invoice open; SAVED_METHOD is charged by the
renewal runner's sweeper and the subscription becomes active, PAY_LINK emails the invoice's pay link and
paying it activates; every refusal names its field and changes nothing; the events name the staff user."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from saleor_subscriptions.catalog.ids import plan_global_id
from saleor_subscriptions.catalog.models import Plan
from saleor_subscriptions.discounts.models import DiscountCode, DiscountRedemption
from saleor_subscriptions.invoicing.links import invoice_page_url
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.notifications.models import OutgoingEmail
from saleor_subscriptions.payments.accounts import StripeKeys, connect_stripe
from saleor_subscriptions.payments.customers import remember_payment_method, stripe_customer_for
from saleor_subscriptions.renewals.lapses import lapse_unpaid_signups
from saleor_subscriptions.renewals.outcomes import pay_invoice
from saleor_subscriptions.renewals.pipeline import resume_unfinished
from saleor_subscriptions.subscriptions.models import Subscription
from saleor_subscriptions.subscriptions.models import customer_key as key_of
from saleor_subscriptions.tenants.models import Installation
from tests.api.staff_support import staff_events, staff_token, staff_user_id, subscription, version
from tests.factories import make_installation, make_plan_version
from tests.lifecycle.helpers import set_clock
from tests.payments.stripe_webhooks.stripe_shop import fake_stripe, fake_stripe_server, stripe_settings
from tests.renewals.support import memory_ports

__all__ = ["fake_stripe", "fake_stripe_server", "stripe_settings"]

CREATE = """
mutation Create(
  $customerId: ID, $customerEmail: String, $planId: ID!, $quantity: Int, $startAt: Date,
  $discountCode: String, $collection: SubscriptionCollection!
) {
  staffSubscriptionCreate(
    customerId: $customerId, customerEmail: $customerEmail, planId: $planId, quantity: $quantity,
    startAt: $startAt, discountCode: $discountCode, collection: $collection
  ) {
    subscription {
      id status quantity currentPeriodStart currentPeriodEnd
      openInvoices { number amountDue payUrl }
    }
    errors { field code message }
  }
}
"""
EMAIL = "klant@example.com"


def _vars(plan: Any, collection: str = "PAY_LINK", **more: Any) -> dict[str, Any]:
    return {"customerEmail": EMAIL, "planId": plan_global_id(plan.plan_id), "collection": collection, **more}


def _created(answer: dict[str, Any]) -> Subscription:
    assert answer["errors"] == []
    return Subscription.objects.get(customer_email=EMAIL)


def _signup_invoice(sub: Subscription) -> Invoice:
    [invoice] = Invoice.objects.filter(subscription=sub)
    assert invoice.billing_reason == Invoice.Reason.SIGNUP
    return invoice


def _save_a_card(shop: Any, stripe_settings: Any, key: str) -> None:
    account = connect_stripe(
        shop.installation, "", StripeKeys(stripe_settings.secret_key, stripe_settings.publishable_key, "")
    )
    customer = stripe_customer_for(account, key, email=EMAIL)
    client = stripe_settings.client(max_network_retries=0)
    params: Any = {"customer": customer.stripe_customer_id, "payment_method": "pm_card_visa", "confirm": True}
    setup = client.v1.setup_intents.create(params=params)
    remember_payment_method(
        shop.installation.pk, customer.stripe_customer_id, str(setup.payment_method), "card"
    )


def test_saved_method_the_sweeper_charges_the_signup_invoice_and_the_subscription_becomes_active(
    api, shop, stripe_settings
):
    plan = version(shop, "30.00", setup_fee=Decimal("10.00"))
    _save_a_card(shop, stripe_settings, key_of(None, EMAIL))

    answer = api.data(CREATE, _vars(plan, "SAVED_METHOD", quantity=2), token=staff_token(shop))

    sub = _created(answer)
    shown = answer["subscription"]
    assert (shown["status"], shown["quantity"]) == ("INCOMPLETE", 2)
    assert (shown["currentPeriodStart"], shown["currentPeriodEnd"]) == ("2026-11-16", "2026-12-16")
    invoice = _signup_invoice(sub)
    assert (invoice.status, invoice.amount_due) == ("open", Decimal("80.00"))  # 2 x (30.00 + 10.00 setup fee)
    assert invoice.pipeline_step == Invoice.PipelineStep.ORDER
    assert not OutgoingEmail.objects.filter(kind="payment_request").exists()

    ports = memory_ports()
    resume_unfinished(
        ports, now=datetime(2026, 11, 16, 10, 5, tzinfo=UTC), installation_id=shop.installation.pk
    )

    invoice.refresh_from_db()
    sub.refresh_from_db()
    assert (invoice.status, sub.status) == ("paid", "active")
    [charge] = ports.payments.charges().values()
    assert charge["invoice"] == invoice.number
    assert sub.next_billing_at is not None and sub.next_billing_at.date() == date(2026, 12, 16)
    who = staff_user_id(shop)
    assert [e[:3] for e in staff_events(sub)] == [("start", "staff", who), ("activate", "app", "")]


def test_pay_link_emails_the_pay_link_and_paying_it_activates(api, shop, django_capture_on_commit_callbacks):
    plan = version(shop, "30.00")

    with django_capture_on_commit_callbacks(execute=True):
        answer = api.data(CREATE, _vars(plan, customerId="VXNlcjo5OQ=="), token=staff_token(shop))

    sub = _created(answer)
    assert (sub.status, sub.customer_user_id, sub.customer_key) == (
        "incomplete",
        "VXNlcjo5OQ==",
        "user:VXNlcjo5OQ==",
    )
    invoice = _signup_invoice(sub)
    assert (invoice.status, invoice.amount_due, invoice.pipeline_step) == ("open", Decimal("30.00"), "done")
    [email] = OutgoingEmail.objects.filter(kind="payment_request")
    assert email.to_email == EMAIL and email.invoice_id == invoice.pk
    # The payment emails' link (the configured ports' `pay_url`): the invoice's page with its Pay button.
    signed_link = invoice_page_url(invoice).rsplit(":", 2)[0]  # without the signature's time stamp
    assert signed_link in email.text_body and signed_link in email.html_body
    assert [e[:3] for e in staff_events(sub)] == [("start", "staff", staff_user_id(shop))]

    # Still waiting a day later: a pay link gets 14 days after the invoice's due date, not 23 hours.
    set_clock(shop.installation, datetime(2026, 11, 18, tzinfo=UTC))
    assert lapse_unpaid_signups(datetime(2026, 11, 18, tzinfo=UTC), shop.installation.pk) == 0

    ports = memory_ports()
    set_clock(shop.installation, datetime(2026, 11, 20, 9, tzinfo=UTC))
    pay_invoice(invoice, ports.notifier, ports.payments)

    invoice.refresh_from_db()
    sub.refresh_from_db()
    assert (invoice.status, sub.status) == ("paid", "active")
    assert (sub.current_period_start, sub.current_period_end) == (date(2026, 11, 16), date(2026, 12, 16))
    assert [e[:2] for e in staff_events(sub)] == [("start", "staff"), ("activate", "app")]


def test_an_unpaid_pay_link_lapses_after_its_window_and_its_invoice_is_void(api, shop):
    plan = version(shop, "30.00")
    sub = _created(api.data(CREATE, _vars(plan), token=staff_token(shop)))
    invoice = _signup_invoice(sub)
    window_end = invoice.due_at + timedelta(days=14)
    set_clock(shop.installation, window_end - timedelta(minutes=1))

    assert lapse_unpaid_signups(window_end - timedelta(minutes=1), shop.installation.pk) == 0
    set_clock(shop.installation, window_end)
    assert lapse_unpaid_signups(window_end, shop.installation.pk) == 1

    sub.refresh_from_db()
    invoice.refresh_from_db()
    assert (sub.status, sub.cancel_reason, invoice.status) == ("cancelled", "lapsed", "void")


def test_a_later_start_puts_the_first_period_and_the_due_date_on_that_day(api, shop):
    plan = version(shop, "30.00")

    answer = api.data(CREATE, _vars(plan, startAt="2026-12-01"), token=staff_token(shop))

    sub = _created(answer)
    assert (sub.current_period_start, sub.current_period_end) == (date(2026, 12, 1), date(2027, 1, 1))
    invoice = _signup_invoice(sub)
    assert invoice.due_at.date() == date(2026, 12, 1)


def test_a_discount_code_is_redeemed_on_the_signup_invoice(api, shop):
    plan = version(shop, "30.00")
    DiscountCode.objects.create(
        installation=shop.installation, code="HALF", kind="percentage", percent=Decimal("50")
    )

    sub = _created(api.data(CREATE, _vars(plan, discountCode="half"), token=staff_token(shop)))

    assert _signup_invoice(sub).amount_due == Decimal("15.00")
    assert DiscountRedemption.objects.get(subscription=sub).code.code == "HALF"


def test_with_only_a_user_id_the_email_of_their_subscriptions_is_taken(api, shop):
    existing = subscription(shop)
    plan = version(shop, "20.00")

    answer = api.data(
        CREATE,
        {
            "customerId": existing.customer_user_id,
            "planId": plan_global_id(plan.plan_id),
            "collection": "PAY_LINK",
        },
        token=staff_token(shop),
    )

    assert answer["errors"] == []
    made = Subscription.objects.exclude(pk=existing.pk).get()
    assert (made.customer_email, made.customer_key) == (existing.customer_email, existing.customer_key)


def _refused(api, shop, variables: dict[str, Any]) -> tuple[str | None, str]:
    counts = (Subscription.objects.count(), Invoice.objects.count(), OutgoingEmail.objects.count())
    answer = api.data(CREATE, variables, token=staff_token(shop))
    assert answer["subscription"] is None
    assert (Subscription.objects.count(), Invoice.objects.count(), OutgoingEmail.objects.count()) == counts
    [error] = answer["errors"]
    assert error["message"]
    return error["field"], error["code"]


def test_refusals_name_the_field_and_change_nothing(api, shop):
    plan = version(shop, "30.00")
    archived = version(shop, "30.00")
    Plan.objects.filter(pk=archived.plan_id).update(status=Plan.Status.ARCHIVED)
    DiscountCode.objects.create(
        installation=shop.installation, code="GONE", kind="percentage", percent=Decimal("10"), active=False
    )

    assert _refused(api, shop, _vars(archived)) == ("planId", "PLAN_ARCHIVED")
    assert _refused(api, shop, _vars(plan, quantity=0)) == ("quantity", "INVALID_QUANTITY")
    assert _refused(api, shop, _vars(plan, discountCode="GONE")) == ("discountCode", "DISCOUNT_CODE_INVALID")
    assert _refused(api, shop, _vars(plan, discountCode="NOPE")) == ("discountCode", "DISCOUNT_CODE_INVALID")
    assert _refused(api, shop, _vars(plan, "SAVED_METHOD")) == ("collection", "NO_SAVED_METHOD")
    assert _refused(api, shop, _vars(plan, startAt="2026-11-15")) == ("startAt", "START_IN_PAST")
    assert _refused(api, shop, _vars(plan, customerEmail="not-an-email")) == (
        "customerEmail",
        "INVALID_CUSTOMER",
    )
    no_email = {
        "customerId": "VXNlcjo3Nw==",
        "planId": plan_global_id(plan.plan_id),
        "collection": "PAY_LINK",
    }
    assert _refused(api, shop, no_email) == ("customerEmail", "INVALID_CUSTOMER")
    assert _refused(api, shop, _vars(plan, customerId="UGxhbjox")) == ("customerId", "INVALID_CUSTOMER")
    assert _refused(api, shop, _vars(plan, planId="UGxhbjo5OTk5")) == ("planId", "PLAN_NOT_FOUND")


def test_a_plan_of_another_shop_is_refused(api, shop, other_installation):
    theirs = make_plan_version(other_installation, price=Decimal("30.00"))

    assert _refused(api, shop, _vars(theirs)) == ("planId", "PLAN_OF_ANOTHER_INSTALLATION")


@pytest.fixture
def other_installation(shop: Any) -> Installation:
    return make_installation("https://other.example.com/graphql/")


def test_only_staff_with_manage_orders_may(api, shop):
    plan = version(shop, "30.00")
    variables = _vars(plan)

    assert api.refused(CREATE, variables, token=shop.customer_token()) == (200, "AUTHENTICATION_REQUIRED")
    assert api.refused(CREATE, variables, token=staff_token(shop, ("MANAGE_PRODUCTS",))) == (
        200,
        "PERMISSION_DENIED",
    )
    assert not Subscription.objects.exists()
