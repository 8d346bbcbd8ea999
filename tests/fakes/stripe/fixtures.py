"""pytest fixtures. A conftest makes them available by importing them, e.g.
`from tests.fakes.stripe.fixtures import fake_stripe, fake_stripe_server` (and listing them in `__all__`)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import stripe

from .fake import FakeStripe

REAL_KEY_VARIABLE = "STRIPE_TEST_SECRET_KEY"


@pytest.fixture(scope="session")
def fake_stripe_server() -> Iterator[FakeStripe]:
    """One fake Stripe server for the whole session (starting one per test would cost a port and a thread)."""
    with FakeStripe() as fake:
        yield fake


@pytest.fixture
def fake_stripe(fake_stripe_server: FakeStripe) -> Iterator[FakeStripe]:
    """The fake Stripe server, emptied before each test: no objects, events, requests or failures."""
    fake_stripe_server.reset()
    yield fake_stripe_server
    fake_stripe_server.reset()


@pytest.fixture
def stripe_client(fake_stripe: FakeStripe) -> stripe.StripeClient:
    """A client of the fake that does not retry by itself, so each test sees every answer."""
    return fake_stripe.client(max_network_retries=0)


@pytest.fixture(params=["fake", "real"])
def stripe_api(request: pytest.FixtureRequest, fake_stripe: FakeStripe) -> stripe.StripeClient:
    """A client of the fake, and of real Stripe test mode when STRIPE_TEST_SECRET_KEY is set: the same test
    then checks that the fake behaves as Stripe does (the contract suite). Skipped, saying so, otherwise."""
    if request.param == "fake":
        return fake_stripe.client(max_network_retries=0)
    key = os.environ.get(REAL_KEY_VARIABLE, "")
    if not key:
        pytest.skip(f"{REAL_KEY_VARIABLE} is not set: this contract test ran against the fake Stripe only")
    if not key.startswith("sk_test_"):
        pytest.fail(f"{REAL_KEY_VARIABLE} must be a test-mode key (sk_test_…), never a live one")
    return stripe.StripeClient(key, max_network_retries=2)
