"""How the sign-up learns which method paid an order, without knowing who knows.

`signup_payment_method` is sent before a paid order's first invoices are made, with `installation_id` and
`transactions` (the order's Saleor transactions: `id`, `pspReference`). A listener answers a `PaidMethod` or
None. The payments answer (`payments/signup_method.py`, connected in their `AppConfig.ready`): the checkout's
payment behind those transactions names the method, so the invoice and its receipt say "Paid on … with Visa
•••• 4242". A listener never raises; without an answer the invoice says "Paid on …" only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.dispatch import Signal

from saleor_subscriptions.invoicing.paid_with import PaidMethod

signup_payment_method = Signal()
"""Sent with the keywords `installation_id` (int) and `transactions` (a tuple of dicts with Saleor's `id`
and `pspReference`); a receiver returns a PaidMethod or None."""


def method_that_paid(installation_id: int, order: Mapping[str, Any]) -> PaidMethod | None:
    """The method that paid `order` at checkout, as a listener knows it, or None."""
    transactions = tuple(
        {"id": str(item.get("id") or ""), "pspReference": str(item.get("pspReference") or "")}
        for item in order.get("transactions") or []
        if isinstance(item, Mapping)
    )
    if not transactions:
        return None
    answers = signup_payment_method.send(
        sender=None, installation_id=installation_id, transactions=transactions
    )
    for _receiver, answer in answers:
        found: object = answer
        if isinstance(found, PaidMethod):
            return found
    return None
