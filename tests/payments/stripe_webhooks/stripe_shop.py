"""A sandbox shop connected to the fake Stripe, for the tests of the gateway, the webhooks and the pay page.

`stripe_shop`: a sandbox installation in Amsterdam on 16 November 2026 whose default Stripe account holds the
fake's test keys and a webhook endpoint at the app's URL (its signing secret stored), with a monthly 30.00 EUR
plan. `ShopWithStripe.subscriber(card)` signs a customer up with a card saved for off-session use (a
SetupIntent, as at a trial's checkout); `renew()` runs the test clock to the renewal on 16 December through
the real StripeGateway. Import the fixtures into a test module (and list them in `__all__`).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

import pytest
import stripe
from django.test import Client
from stripe.params import SetupIntentCreateParams

from saleor_subscriptions.invoicing.links import pay_url
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.notifications.recording import RecordingNotifier
from saleor_subscriptions.payments.accounts import StripeKeys, connect_stripe
from saleor_subscriptions.payments.customers import remember_payment_method, stripe_customer_for
from saleor_subscriptions.payments.gateway import StripeGateway
from saleor_subscriptions.payments.models import StripeAccount, StripeCustomer
from saleor_subscriptions.renewals.clock import advance_clock
from saleor_subscriptions.renewals.memory import InMemoryOrderSink
from saleor_subscriptions.renewals.models import PaymentAttempt
from saleor_subscriptions.renewals.pipeline import RenewalPorts
from saleor_subscriptions.subscriptions.models import Subscription
from saleor_subscriptions.tenants.models import Installation
from tests.fakes.stripe import FakeStripe
from tests.fakes.stripe.fixtures import fake_stripe, fake_stripe_server
from tests.fakes.stripe.scenarios import ONLINE_MANDATE, SEPA_SUCCEEDS
from tests.renewals.support import at, plan, sandbox, signed_up
from tests.worker import tasks_inline

__all__ = ["fake_stripe", "fake_stripe_server", "stripe_settings", "stripe_shop", "webhooks"]

APP_URL = "https://subs.example.com"


@pytest.fixture
def stripe_settings(settings: Any, fake_stripe: FakeStripe) -> FakeStripe:
    """The app's stripe library aimed at the fake, without library retries (each test sees every answer)."""
    settings.STRIPE_API_BASE = fake_stripe.url
    settings.STRIPE_NETWORK_RETRIES = 0
    settings.APP_URL = APP_URL
    return fake_stripe


@dataclass
class ShopWithStripe:
    fake: FakeStripe
    installation: Installation
    account: StripeAccount
    webhook_secret: str
    notifier: RecordingNotifier = field(default_factory=RecordingNotifier)

    @property
    def client(self) -> stripe.StripeClient:
        return self.fake.client(max_network_retries=0)

    def subscriber(
        self,
        card: str | None = "pm_card_visa",
        email: str = "piet@example.com",
        *,
        sepa: bool | dict[str, Any] = False,
        price: str = "30.00",
        currency: str = "EUR",
    ) -> Subscription:
        """A subscription signed up on 16 November; its customer has `card` (or, with `sepa`, a SEPA mandate
        on Stripe's succeeding test IBAN, or on the details given) saved for off-session use."""
        subscription = signed_up(plan(self.installation, price, currency=currency), email=email)
        customer = stripe_customer_for(self.account, subscription.customer_key, email=email)
        method: dict[str, Any] = {"payment_method": card}
        if sepa:
            method = {
                "payment_method_types": ["sepa_debit"],
                "payment_method_data": sepa if isinstance(sepa, dict) else SEPA_SUCCEEDS,
                "mandate_data": ONLINE_MANDATE,
            }
        if card is not None or sepa:
            params = {
                "customer": customer.stripe_customer_id,
                "confirm": True,
                "usage": "off_session",
                **method,
            }
            setup = self.client.v1.setup_intents.create(params=cast(SetupIntentCreateParams, params))
            if setup.status == "requires_action":  # the customer passes 3-D Secure at the checkout
                self.fake.complete_authentication(setup.id)
                setup = self.client.v1.setup_intents.retrieve(setup.id)
            assert setup.status == "succeeded", setup
            remember_payment_method(
                self.installation.pk,
                customer.stripe_customer_id,
                str(setup.payment_method),
                "sepa_debit" if sepa else "card",
            )
        return subscription

    def customer(self, subscription: Subscription) -> StripeCustomer:
        return StripeCustomer.objects.get(
            installation=self.installation, customer_key=subscription.customer_key, livemode=False
        )

    def ports(self, gateway: StripeGateway | None = None) -> RenewalPorts:
        return RenewalPorts(
            orders=InMemoryOrderSink(),
            payments=gateway or StripeGateway(),
            notifier=self.notifier,
            pay_url=pay_url,
            concurrency=4,
        )

    def advance(self, to: datetime, gateway: StripeGateway | None = None) -> list[str]:
        return advance_clock(Installation.objects.get(pk=self.installation.pk), to, self.ports(gateway))

    def renew(self, subscription: Subscription) -> Invoice:
        """Runs the clock to the renewal of 16 December (due 06:00 in Amsterdam); its invoice."""
        self.advance(at(2026, 12, 16, 6))
        return renewal_invoice(subscription)


def renewal_invoice(subscription: Subscription) -> Invoice:
    return Invoice.objects.get(subscription=subscription, billing_reason="renewal", period_index=1)


def attempts(invoice: Invoice) -> list[tuple[int, str, str]]:
    return list(
        PaymentAttempt.objects.filter(invoice=invoice)
        .order_by("number")
        .values_list("number", "status", "decline_code")
    )


@pytest.fixture
def stripe_shop(db: None, stripe_settings: FakeStripe) -> Iterator[ShopWithStripe]:
    installation = sandbox(at(2026, 11, 16), name="Koffie & Co")
    endpoint = stripe_settings.add_webhook_endpoint(
        f"{APP_URL}/webhooks/stripe/{installation.pk}/", secret=f"whsec_{secrets.token_hex(16)}"
    )
    account = connect_stripe(
        installation,
        "",
        StripeKeys(stripe_settings.secret_key, stripe_settings.publishable_key, endpoint["secret"]),
    )
    yield ShopWithStripe(stripe_settings, installation, account, endpoint["secret"])


class Webhooks:
    """Posts the fake's signed events to the app's endpoint through Django's test client, the Celery task
    running in the test's process once the request's transaction commits (as a worker would after it)."""

    def __init__(self, client: Client, shop: ShopWithStripe, capture: Any) -> None:
        self.client, self.shop, self.capture = client, shop, capture

    @property
    def url(self) -> str:
        return f"/webhooks/stripe/{self.shop.installation.pk}/"

    def post(self, event: dict[str, Any] | str, url: str | None = None, **signing: Any) -> Any:
        request = self.shop.fake.webhook(event, **signing)
        headers = {k: v for k, v in request.headers.items() if k.lower() != "content-type"}
        with self.capture(execute=True):
            response = self.client.post(
                url or self.url, data=request.payload, content_type="application/json", headers=headers
            )
        return response

    def event(self, event_type: str, index: int = -1) -> dict[str, Any]:
        """The fake's `index`-th event of a type (the newest by default)."""
        return self.shop.fake.events(event_type)[index]

    def post_all(self, order: str = "created", types: tuple[str, ...] = ()) -> list[int]:
        """Every event the fake recorded (or those of `types`), oldest first or `reversed`; the statuses."""
        events = [e for e in self.shop.fake.events() if not types or e["type"] in types]
        if order == "reversed":
            events.reverse()
        return [self.post(e).status_code for e in events]


@pytest.fixture
def webhooks(
    client: Client, stripe_shop: ShopWithStripe, django_capture_on_commit_callbacks: Any
) -> Iterator[Webhooks]:
    with tasks_inline():
        yield Webhooks(client, stripe_shop, django_capture_on_commit_callbacks)
