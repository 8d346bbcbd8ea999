"""Credit an admin grants a customer as goodwill (BILLING_RULES §7, §8): a numbered credit note not tied to
an invoice, its amount added to the customer's credit balance in the subscription's currency, which every
later invoice uses first."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from saleor_subscriptions.billing.bounds import max_charge
from saleor_subscriptions.billing.money import is_representable
from saleor_subscriptions.billing.states import Actor, SubscriptionStatus
from saleor_subscriptions.invoicing.credits import CreditReason, issue_credit_note
from saleor_subscriptions.invoicing.models import CreditNote
from saleor_subscriptions.lifecycle.transition import (
    SubscriptionRef,
    lock,
    moment_of,
    record_event,
    refuse,
)
from saleor_subscriptions.subscriptions.errors import LifecycleErrorCode

CREDIT_GRANTED = "credit_granted"


def grant_credit(
    subscription: SubscriptionRef, amount: Decimal, *, actor: Actor, actor_id: str = "", reason: str = ""
) -> CreditNote:
    """A credit note of `amount` for the subscription's customer (§8); only staff grant it. Refused
    `invalid_credit_amount` (field `amount`) for an amount not above 0, with more decimals than the currency,
    or above what one charge can be; `not_allowed_in_state` for a sign-up never paid."""
    if actor is not Actor.STAFF:
        raise refuse(LifecycleErrorCode.ACTOR_NOT_ALLOWED, "only staff grant credit")
    with transaction.atomic():
        sub = lock(subscription)
        currency = sub.currency
        if not is_representable(amount, currency) or amount <= 0 or amount > max_charge(currency):
            message = f"an amount above 0, at most {max_charge(currency)} {currency} in its minor unit"
            raise refuse(LifecycleErrorCode.INVALID_CREDIT_AMOUNT, f"{message}, not {amount}", "amount")
        if sub.state is SubscriptionStatus.INCOMPLETE:
            raise refuse(LifecycleErrorCode.NOT_ALLOWED_IN_STATE, "the sign-up was never paid")
        note = issue_credit_note(sub, amount, reason=CreditReason("goodwill", text=reason.strip()))
        record_event(
            sub,
            CREDIT_GRANTED,
            actor=actor,
            actor_id=actor_id,
            from_status=sub.state,
            at=moment_of(sub).now,
            reason=reason,
            data={"credit_note": note.number, "amount": note.amount, "currency": currency},
        )
    return note
