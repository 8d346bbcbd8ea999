"""Discount codes and their redemptions (BILLING_RULES §9)."""
