"""Rows and a signed-in browser (Django's test client) for the portal's tests."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from django.test import Client

from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.portal.sessions import COOKIE, FlowTarget, create_link
from saleor_subscriptions.subscriptions.models import Subscription
from saleor_subscriptions.tenants.models import Installation
from tests.factories import make_installation, make_plan_version, make_subscription

NOV_16 = datetime(2026, 11, 16, 10, 0, tzinfo=UTC)
ANNA = "VXNlcjox"  # Saleor user ids
BOB = "VXNlcjoy"
SHOP_URL = "https://shop.example.com/account"


def shop(url: str = "https://coffee.example.com/graphql/", **fields: Any) -> Installation:
    fields.setdefault("name", "Coffee Club")
    return make_installation(url, time_zone="Europe/Amsterdam", sandbox=True, clock=NOV_16, **fields)


def subscription_of(installation: Installation, user_id: str, **terms: Any) -> Subscription:
    status = terms.pop("status", "active")
    name = terms.pop("name", "Coffee monthly")
    quantity = terms.pop("quantity", 1)
    version = make_plan_version(installation, price=Decimal("30.00"), name=name, **terms)
    return make_subscription(
        version,
        customer_user_id=user_id,
        customer_email=f"{user_id.lower()}@example.com",
        status=status,
        quantity=quantity,
        next_billing_at=datetime(2026, 12, 16, 5, 0, tzinfo=UTC),
    )


def invoice_of(subscription: Subscription, number: str, status: str = "open", **fields: Any) -> Invoice:
    fields.setdefault("total", Decimal("30.00"))
    fields.setdefault("amount_due", fields["total"] if status == "open" else Decimal(0))
    return Invoice.objects.create(
        installation=subscription.installation,
        subscription=subscription,
        billing_reason="renewal",
        number=number,
        status=status,
        currency=subscription.currency,
        period_index=fields.pop("period_index", 1),
        period_start=fields.pop("period_start", date(2026, 11, 16)),
        period_end=fields.pop("period_end", date(2026, 12, 16)),
        subtotal=fields["total"],
        due_at=NOV_16,
        issued_at=NOV_16,
        **fields,
    )


def entry_path(installation: Installation, user_id: str, target: FlowTarget | None = None) -> str:
    url = create_link(
        installation,
        user_id=user_id,
        email=f"{user_id.lower()}@example.com",
        return_url=SHOP_URL,
        target=target or FlowTarget(),
    )
    return urlsplit(url).path


def signed_in(installation: Installation, user_id: str, *, csrf_checks: bool = False) -> Client:
    """A browser inside a portal session of `user_id` in `installation`."""
    client = Client(enforce_csrf_checks=csrf_checks)
    response = client.get(entry_path(installation, user_id))
    assert response.status_code == 302, response
    assert COOKIE in response.cookies
    return client


def csrf_token(client: Client, path: str) -> str:
    """The token a page's forms carry (the page sets the CSRF cookie)."""
    page = client.get(path)
    assert page.status_code == 200, page
    text = page.content.decode()
    marker = 'name="csrfmiddlewaretoken" value="'
    return text.split(marker, 1)[1].split('"', 1)[0]
