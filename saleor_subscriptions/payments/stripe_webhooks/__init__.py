"""Stripe's webhooks: stored raw, verified with the account's signing secret, applied by a worker."""
