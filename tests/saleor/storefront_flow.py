"""Shared by the tests that drive the app as a shop and its storefront do, over HTTP: the app installed into
the fake Saleor from its manifest (served on the live server, see `live_app`), Stripe connected, a plan made
with `planCreate` from the dashboard, a checkout holding the subscription line added with
`subscriptionCheckoutLinesAdd`, and the checkout paid as a storefront pays it: Stripe.js (`StripeJs`, with
the publishable key the app's PAYMENT_GATEWAY_INITIALIZE_SESSION answer gives) against the fake Stripe, and
Saleor's payment mutations (`transaction_initialize`, `transaction_process`, …) against the fake Saleor,
which call the app's sync payment webhooks.

Import the `stripe_settings` fixture next to those of `live_app` and the fakes (and list it in `__all__`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from functools import cached_property
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest

from saleor_subscriptions.payments.accounts import StripeKeys, connect_stripe
from saleor_subscriptions.tenants.models import Installation
from tests.fakes.saleor import FakeSaleor
from tests.fakes.saleor.apps import InstalledApp
from tests.fakes.saleor.payments_sync import PaymentResult
from tests.fakes.saleor.scenario import ADDRESS_NL, Shop
from tests.fakes.saleor.storefront import CheckoutView
from tests.fakes.stripe import FakeStripe
from tests.fakes.stripe.stripe_js import StripeJs

SIGN_UP = datetime(2026, 11, 16, 10, 0, tzinfo=UTC)
RETURN_URL = "https://shop.example.com/checkout/return"
CUSTOMER_IP = "203.0.113.7"
USER_AGENT = "Mozilla/5.0 (storefront test)"
PLAN_CREATE = """
mutation Create($input: PlanCreateInput!) {
  planCreate(input: $input) { plan { id } errors { field code message } }
}
"""
LINES_ADD = """
mutation Add($checkoutId: ID!, $lines: [SubscriptionCheckoutLineInput!]!) {
  subscriptionCheckoutLinesAdd(checkoutId: $checkoutId, lines: $lines) {
    lines { lineId firstCharge { total unitPrice } }
    errors { field code message }
  }
}
"""


def graphql(app_url: str, query: str, variables: dict[str, Any], token: str) -> dict[str, Any]:
    """Calls the app's GraphQL API; the operation's result, asserting no errors."""
    response = httpx.post(
        f"{app_url}/graphql/",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    (result,) = body["data"].values()
    assert result["errors"] == [], result["errors"]
    return dict(result)


@pytest.fixture
def stripe_settings(settings: Any, fake_stripe: FakeStripe) -> FakeStripe:
    """The app talks to the fake Stripe; renewals run with the production ports (Saleor orders, Stripe)."""
    settings.STRIPE_API_BASE = fake_stripe.url
    settings.STRIPE_NETWORK_RETRIES = 0
    settings.RENEWAL_PORTS = "saleor_subscriptions.conf.ports:saleor_ports"
    return fake_stripe


def install(fake: FakeSaleor, app_url: str) -> tuple[Installation, InstalledApp]:
    """The shop owner installs the app from its manifest URL; this shop tries it out on a test clock."""
    app = fake.install_app(f"{app_url}/api/manifest")
    installation = Installation.objects.get(saleor_api_url=fake.api_url)
    installation.sandbox, installation.clock, installation.time_zone = True, SIGN_UP, "UTC"
    installation.save(update_fields=["sandbox", "clock", "time_zone"])
    return installation, app


@dataclass
class Storefront:
    """One shop with the app installed and Stripe connected, and its storefront's calls."""

    fake: FakeSaleor
    stripe: FakeStripe
    app_url: str
    installation: Installation
    app: InstalledApp

    @property
    def gateway(self) -> str:
        """The payment gateway id a storefront names: the app's identifier."""
        return self.app.identifier

    @cached_property
    def stripe_js(self) -> StripeJs:
        return StripeJs(self.stripe.publishable_key, self.stripe.url)

    def create_plan(self, variant_id: str, channel: str, price: str, **terms: Any) -> str:
        """The owner makes a monthly plan from the product page (`terms`: trialDays, setupFee, …)."""
        staff = self.fake.dashboard_token(self.app.id, permissions=["MANAGE_PRODUCTS"])
        plan_input = {
            "variant": variant_id,
            "channel": channel,
            "name": "Coffee every month",
            "terms": {"interval": "MONTH", "price": price, **terms},
        }
        return str(graphql(self.app_url, PLAN_CREATE, {"input": plan_input}, staff)["plan"]["id"])

    def subscription_checkout(
        self,
        shop: Shop,
        plan_id: str,
        *,
        quantity: int = 1,
        other_lines: tuple[tuple[str, int], ...] = (),
        shipping_method: str | None = None,
        address: dict[str, Any] | None = None,
        metadata: dict[str, str] | None = None,
    ) -> CheckoutView:
        """The customer's checkout: other lines, the subscription line added through the app's hook, the
        delivery method (the shop's post unless said); `metadata` as the storefront writes it."""
        address = address or ADDRESS_NL
        checkout = self.fake.checkout_create(
            shop.channel.slug,
            user=shop.customer.id,
            lines=list(other_lines),
            shipping_address=address,
            billing_address=address,
            metadata=metadata,
        )
        lines = [{"variantId": shop.variant.id, "planId": plan_id, "quantity": quantity}]
        customer = self.fake.customer_token(shop.customer.id)
        graphql(self.app_url, LINES_ADD, {"checkoutId": checkout.id, "lines": lines}, customer)
        return self.fake.checkout_delivery_method_update(checkout.id, shipping_method or shop.shipping.id)

    def initialize_gateway(self, checkout: CheckoutView) -> dict[str, Any]:
        """`paymentGatewayInitialize`: the app's data for Stripe.js (asserting it answered without errors)."""
        config = self.fake.payment_gateway_initialize(
            checkout, self.gateway, data={"setupFutureUsage": "off_session"}
        )
        assert config.errors == [] and isinstance(config.data, dict), config
        assert "error" not in config.data, config.data
        assert config.data["publishableKey"] == self.stripe.publishable_key
        return config.data

    def pay_with_card(self, checkout: CheckoutView, number: str) -> PaymentResult:
        """Stripe.js makes a PaymentMethod of the card, then `transactionInitialize` with its id."""
        self.initialize_gateway(checkout)
        method = self.stripe_js.create_card_method(number, name="Ann Smith")
        data = {"paymentMethodId": method["id"], "returnUrl": RETURN_URL}
        return self.fake.transaction_initialize(checkout, self.gateway, data=data)

    def create_bank_method(
        self, kind: str, *, name: str = "Anna de Vries", email: str = "ann@example.com"
    ) -> dict[str, Any]:
        """`stripe.createPaymentMethod({type: "ideal" | "bancontact", billing_details})` with the publishable
        key: the holder's name and email, which the SEPA Direct Debit method the payment leaves needs."""
        body = urlencode({"type": kind, "billing_details[name]": name, "billing_details[email]": email})
        response = httpx.post(
            f"{self.stripe.url}/v1/payment_methods",
            content=body,
            headers={
                "Authorization": f"Bearer {self.stripe.publishable_key}",
                "Content-Type": "application/x-www-form-urlencoded",
            },
            timeout=30,
        )
        assert response.status_code == 200, response.text
        method: dict[str, Any] = response.json()
        return method

    def pay_with_bank(self, checkout: CheckoutView, kind: str, **billing: str) -> PaymentResult:
        """An iDEAL or Bancontact payment: Stripe.js makes the method, then `transactionInitialize` with its
        id, the return URL and the browser (for the SEPA mandate the payment leaves); the answer sends the
        customer to the bank."""
        self.initialize_gateway(checkout)
        method = self.create_bank_method(kind, **billing)
        data = {"paymentMethodId": method["id"], "returnUrl": RETURN_URL, "userAgent": USER_AGENT}
        return self.fake.transaction_initialize(
            checkout, self.gateway, data=data, customer_ip_address=CUSTOMER_IP
        )

    def at_the_bank(self, next_action: dict[str, Any], *, authorise: bool = True) -> dict[str, str]:
        """The customer's browser follows `nextAction.redirect_to_url` to the bank's (the fake Stripe's test)
        page and authorises or refuses there; the bank sends it back to the shop's return URL: its query."""
        assert next_action["type"] == "redirect_to_url", next_action
        redirect = next_action["redirect_to_url"]
        assert redirect["return_url"] == RETURN_URL
        page = httpx.get(redirect["url"], timeout=30)
        assert page.status_code == 200 and "Authorize test payment" in page.text
        answer = httpx.post(redirect["url"], data={"succeed": "true" if authorise else "false"}, timeout=30)
        assert answer.status_code == 303, answer.text
        back = urlsplit(answer.headers["location"])
        assert f"{back.scheme}://{back.netloc}{back.path}" == RETURN_URL
        return {key: values[0] for key, values in parse_qs(back.query).items()}

    def connect_stripe_webhooks(self) -> dict[str, Any]:
        """The owner adds the app's webhook endpoint in Stripe and saves its signing secret with the keys."""
        endpoint = self.stripe.add_webhook_endpoint(f"{self.app_url}/webhooks/stripe/{self.installation.pk}/")
        keys = StripeKeys(self.stripe.secret_key, self.stripe.publishable_key, endpoint["secret"])
        connect_stripe(self.installation, "", keys)
        return endpoint

    def deliver_stripe_events(self) -> list[str]:
        """Stripe sends every event the app has not acknowledged yet (see `connect_stripe_webhooks`); all
        must be accepted. The types delivered, oldest first."""
        deliveries = self.stripe.deliver_pending()
        assert all(d.ok for d in deliveries), [
            (d.request.event_id, d.status_code, d.body) for d in deliveries
        ]
        return [str(self.stripe.get(d.request.event_id)["type"]) for d in deliveries]


def open_shop(fake: FakeSaleor, stripe: FakeStripe, app_url: str) -> Storefront:
    """The app installed and the shop's Stripe account connected (for every channel)."""
    installation, app = install(fake, app_url)
    connect_stripe(installation, "", StripeKeys(stripe.secret_key, stripe.publishable_key))
    return Storefront(fake, stripe, app_url, installation, app)


def money(value: Decimal | float | str) -> Decimal:
    """An amount as the app answers it (a decimal string), for comparisons."""
    return Decimal(str(value))
