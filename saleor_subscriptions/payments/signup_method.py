"""The method that paid a sign-up: the checkout's payment behind the order's transactions.

Answers `saleor.signup_signals.signup_payment_method`. The order's Saleor transactions are the ones the app
was the gateway for at checkout (`CheckoutPayment`, found by the transaction's id or its pspReference, the
intent); the first with a payment method names it, with the card's brand and last four digits when it is the
method the customer's Stripe customer saved. A failure is logged, not raised: the sign-up stands, and its
invoice says "Paid on …" only.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from django.db.models import Q

from saleor_subscriptions.invoicing.paid_with import PaidMethod
from saleor_subscriptions.payments.models import CheckoutPayment

logger = logging.getLogger(__name__)


def checkout_method(installation_id: int, transactions: Sequence[dict[str, str]]) -> PaidMethod | None:
    """The method of the first checkout payment behind `transactions` that has one, or None."""
    ids = [t["id"] for t in transactions if t.get("id")]
    intents = [t["pspReference"] for t in transactions if t.get("pspReference")]
    if not ids and not intents:
        return None
    payment = (
        CheckoutPayment.objects.filter(installation_id=installation_id)
        .filter(Q(saleor_transaction_id__in=ids) | Q(intent_id__in=intents))
        .exclude(payment_method_type="")
        .select_related("stripe_customer")
        .order_by("created_at", "pk")
        .first()
    )
    if payment is None:
        return None
    customer = payment.stripe_customer
    if customer is not None and customer.default_payment_method_id == payment.payment_method_id:
        brand, last4 = customer.payment_method_brand, customer.payment_method_last4
        return PaidMethod(payment.payment_method_type, brand, last4)
    return PaidMethod(payment.payment_method_type)


def answer_signup_method(
    *, installation_id: int, transactions: Sequence[dict[str, str]], **_: Any
) -> PaidMethod | None:
    """The receiver of `saleor.signup_signals.signup_payment_method`: never raises."""
    try:
        return checkout_method(installation_id, transactions)
    except Exception:
        logger.exception("could not find the checkout's payment method of transactions %s", transactions)
        return None
