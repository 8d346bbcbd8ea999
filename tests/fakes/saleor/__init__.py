"""A fake Saleor 3.21 for tests: a real HTTP server on 127.0.0.1 serving the app's GraphQL documents against
`graphql/saleor/schema.graphql`, a JWKS, signed webhooks, and a Python control API (see README.md here)."""

from .apps import InstalledApp, InstallFailed
from .fake import FakeSaleor
from .storefront import CheckoutLineView, CheckoutRefused, CheckoutView
from .webhooks import Delivery

__all__ = [
    "CheckoutLineView",
    "CheckoutRefused",
    "CheckoutView",
    "Delivery",
    "FakeSaleor",
    "InstallFailed",
    "InstalledApp",
]
