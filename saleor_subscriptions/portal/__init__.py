"""The customer's hosted billing portal (docs/portal.md)."""
