"""saleor-subscriptions: subscription billing for Saleor shops, as a Saleor App."""

__version__ = "0.1.0"
