"""The fake's fixtures for its own tests in this folder (tests elsewhere import them from `.fixtures`)."""

from tests.fakes.stripe.fixtures import fake_stripe, fake_stripe_server, stripe_api, stripe_client

__all__ = ["fake_stripe", "fake_stripe_server", "stripe_api", "stripe_client"]
