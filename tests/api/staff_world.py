"""A shop with subscriptions of every kind, for the staff queries' tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from saleor_subscriptions.catalog.models import PlanVersion
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.payments.models import StripeCustomer
from saleor_subscriptions.renewals.models import PaymentAttempt
from saleor_subscriptions.subscriptions.models import Subscription
from tests.api.conftest import ApiShop
from tests.factories import make_subscription

T0 = datetime(2026, 1, 1, 9, tzinfo=UTC)


@dataclass
class StaffWorld:
    shop: ApiShop
    monthly: PlanVersion
    yearly: PlanVersion
    subs: dict[str, Subscription]

    def token(self, *permissions: str) -> str:
        return self.shop.staff_token(permissions or ("MANAGE_ORDERS",))


def invoice(subscription: Subscription, number: str | None, index: int, **fields: Any) -> Invoice:
    start = date(2026, 1, 1) + timedelta(days=31 * index)
    fields.setdefault("status", Invoice.Status.PAID if number else Invoice.Status.DRAFT)
    fields.setdefault("total", Decimal("30.00"))
    fields.setdefault("amount_due", fields["total"])
    return Invoice.objects.create(
        installation=subscription.installation,
        subscription=subscription,
        billing_reason=Invoice.Reason.RENEWAL if index else Invoice.Reason.SIGNUP,
        number=number,
        currency=subscription.currency,
        period_index=index,
        period_start=start,
        period_end=start + timedelta(days=31),
        subtotal=fields["total"],
        due_at=datetime.combine(start, datetime.min.time(), tzinfo=UTC),
        issued_at=datetime.combine(start, datetime.min.time(), tzinfo=UTC) if number else None,
        **fields,
    )


def build(shop: ApiShop) -> StaffWorld:
    """Six subscriptions: ann (active, card, monthly), bob (past due, sepa), cat (suspended, yearly, other
    variant and channel), dan (cancelled), eve (active, with a charge waiting for 3-D Secure), fay (active,
    an invoice whose Saleor order failed); and an incomplete checkout."""
    monthly = shop.plan(price=Decimal("30.00"))
    yearly = shop.plan(
        variant_id="UHJvZHVjdFZhcmlhbnQ6OTk=",
        channel="eu-channel",
        name="Coffee yearly",
        interval="year",
        price=Decimal("300.00"),
        currency="EUR",
    )
    people = {
        "ann": dict(status="active", version=monthly, quantity=1),
        "bob": dict(status="past_due", version=monthly, quantity=2, past_due_since=date(2026, 11, 10)),
        "cat": dict(status="suspended", version=yearly, quantity=1),
        "dan": dict(status="cancelled", version=monthly, quantity=3, cancelled_at=T0 + timedelta(days=40)),
        "eve": dict(status="active", version=monthly, quantity=1),
        "fay": dict(status="active", version=monthly, quantity=4),
        "gus": dict(status="incomplete", version=monthly, quantity=1),
    }
    subs = {}
    for n, (name, spec) in enumerate(people.items()):
        version = spec.pop("version")
        assert isinstance(version, PlanVersion)
        subs[name] = make_subscription(
            version,
            customer_user_id=f"VXNlcjo{n}" if name != "dan" else "",
            customer_email=f"{name}@example.com",
            created_at=T0 + timedelta(days=n),
            next_billing_at=None if name in ("dan", "gus") else T0 + timedelta(days=60 - n),
            billing_address={"firstName": name.title(), "lastName": f"{name.title()}son"},
            **spec,
        )
    for name, method in (("ann", "card"), ("bob", "sepa_debit")):
        StripeCustomer.objects.create(
            installation=shop.installation,
            customer_key=subs[name].customer_key,
            livemode=False,
            stripe_customer_id=f"cus_{name}",
            default_payment_method_id=f"pm_{name}",
            payment_method_type=method,
            stripe_account_id="acct_1",
        )
    invoice(subs["ann"], "INV-0001", 0)
    invoice(subs["bob"], "INV-0002", 0)
    invoice(subs["bob"], "INV-0003", 1, status=Invoice.Status.OPEN)
    owed = invoice(subs["eve"], "INV-0004", 1, status=Invoice.Status.OPEN)
    PaymentAttempt.objects.create(
        installation=shop.installation,
        invoice=owed,
        number=1,
        idempotency_key="k-eve",
        amount=Decimal("30"),
        currency="USD",
        status=PaymentAttempt.Status.REQUIRES_ACTION,
        reference="pi_eve",
    )
    invoice(subs["fay"], "INV-0005", 1, status=Invoice.Status.OPEN, order_problem="order_refused")
    return StaffWorld(shop, monthly, yearly, subs)
