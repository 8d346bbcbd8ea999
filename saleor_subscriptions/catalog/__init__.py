"""Plans and their versions: what a shop owner sells as a subscription (BILLING_RULES §1)."""
