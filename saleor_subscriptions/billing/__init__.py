"""The billing engine: pure domain, no Django and no I/O (BILLING_RULES.md sections 1, 2, 3, 6 and 7)."""
