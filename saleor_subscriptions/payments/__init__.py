"""Payments: the app as Stripe payment gateway for Saleor checkouts, and off-session charges of renewals."""
