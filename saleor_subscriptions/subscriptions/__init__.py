"""Subscriptions, their events, and the lifecycle actions (BILLING_RULES §5 and §7)."""
