"""A fake Stripe API server for the tests: real HTTP on 127.0.0.1, Stripe's behaviour for the calls the app
makes. See README.md in this folder."""

from .fake import FakeStripe
from .webhooks import Delivery, WebhookRequest, signature_header

__all__ = ["Delivery", "FakeStripe", "WebhookRequest", "signature_header"]
