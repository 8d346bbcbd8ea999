"""Calls to Stripe that a transaction decides and that must happen after it commits (`StripeFollowUp`, an
outbox), so a payment never stays possible, or kept, by mistake (BILLING_RULES §6):

- `cancel_intents`: once an invoice is paid (any path) and before a dunning retry charges it again, every
  PaymentIntent of the invoice that a customer could still confirm (`requires_payment_method`,
  `requires_confirmation`, `requires_action`: a renewal's declined one, or one the pay page made) is
  cancelled at Stripe, so an old browser tab cannot pay the invoice a second time;
- `refund`: money that arrived for an invoice paid or void already, or that could not bring a cancelled
  subscription back (`reactivation_window_closed`), is refunded in full, with a stable idempotency key.

A follow-up runs on commit (`transaction.on_commit`); while Stripe cannot be reached it stays due and the
sweeper (`stripe_webhooks.process_pending`) runs it again with backoff, up to `MAX_FOLLOW_UP_ATTEMPTS`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import timedelta
from decimal import Decimal
from typing import Any

import stripe
from django.db import transaction
from django.utils import timezone

from saleor_subscriptions.billing.states import Actor
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.payments.accounts import StripeSettingsError, account_for
from saleor_subscriptions.payments.charges import CONFIRMABLE
from saleor_subscriptions.payments.refunds import RefundErrorCode, RefundRefused, refund_invoice
from saleor_subscriptions.payments.stripe_client import account_client, as_dict
from saleor_subscriptions.payments.stripe_webhooks.models import InvoiceIntent, StripeFollowUp
from saleor_subscriptions.renewals.models import PaymentAttempt
from saleor_subscriptions.renewals.ports import GatewayUnavailable
from saleor_subscriptions.subscriptions.models import SubscriptionEvent

logger = logging.getLogger(__name__)

MAX_FOLLOW_UP_ATTEMPTS = 20
HOLD_RETRY_TRIES = 3
"""A dunning retry waits for the invoice's cancellations while they have failed fewer times than this
(the first try, then after 2 and 4 minutes of backoff)."""
REFUNDED_DUPLICATE = "payment_refunded_duplicate"
REFUND_FAILED = "payment_refund_failed"
UNREACHABLE = (
    GatewayUnavailable,
    StripeSettingsError,
    stripe.APIConnectionError,
    stripe.APIError,
    stripe.RateLimitError,
)
# Attempts whose PaymentIntent may still be confirmed by the customer (a renewal declined or waiting).
_OPEN_ATTEMPTS = (PaymentAttempt.Status.DECLINED, PaymentAttempt.Status.REQUIRES_ACTION)


def _intents_of(invoice_ids: Sequence[int]) -> dict[int, set[str]]:
    """The PaymentIntents of each invoice a customer may still be able to confirm, by the app's records."""
    found: dict[int, set[str]] = {}
    attempts = (
        PaymentAttempt.objects.filter(invoice_id__in=invoice_ids, status__in=_OPEN_ATTEMPTS)
        .exclude(reference="")
        .values_list("invoice_id", "reference")
    )
    made = InvoiceIntent.objects.filter(invoice_id__in=invoice_ids).values_list("invoice_id", "intent_id")
    for invoice_id, intent_id in [*attempts, *made]:
        found.setdefault(invoice_id, set()).add(intent_id)
    return found


def cancel_open_intents(invoices: Sequence[Invoice], reason: str) -> list[int]:
    """Schedules the cancellation of the invoices' still confirmable PaymentIntents (see the module doc); only
    for invoices that have any. Runs in the caller's transaction; the follow-ups' ids."""
    with_intents = _intents_of([invoice.pk for invoice in invoices])
    made: list[int] = []
    for invoice in invoices:
        if invoice.pk not in with_intents:
            continue
        count = StripeFollowUp.objects.filter(
            invoice=invoice, kind=StripeFollowUp.Kind.CANCEL_INTENTS
        ).count()
        follow_up = StripeFollowUp.objects.create(
            installation_id=invoice.installation_id,
            invoice=invoice,
            kind=StripeFollowUp.Kind.CANCEL_INTENTS,
            key=f"cancel-intents-{invoice.pk}-{count + 1}",
            reason=reason[:200],
        )
        made.append(follow_up.pk)
    if made:
        transaction.on_commit(lambda: run_follow_ups(made))
    return made


def refund_unneeded_payment(
    invoice: Invoice, intent_id: str, amount: Decimal, why: str
) -> StripeFollowUp | None:
    """Schedules the full refund of a payment the invoice did not need (`why`), writes the
    `payment_refunded_duplicate` event and alerts staff (ERROR log). Runs in the caller's transaction;
    a payment already scheduled is not scheduled again (None)."""
    key = f"refund-unneeded-{intent_id}"
    if StripeFollowUp.objects.filter(key=key).exists():
        return None
    follow_up = StripeFollowUp.objects.create(
        installation_id=invoice.installation_id,
        invoice=invoice,
        kind=StripeFollowUp.Kind.REFUND,
        key=key,
        intent_id=intent_id,
        amount=amount,
        reason=why[:200],
    )
    subscription = invoice.subscription
    message = (
        f"invoice {invoice.number}: {amount} {invoice.currency} received by {intent_id} is refunded "
        f"automatically ({why})"
    )
    write_event(
        invoice, REFUNDED_DUPLICATE, message, {"payment_intent": intent_id, "amount": str(amount), "why": why}
    )
    logger.error("installation %s, subscription %s: %s", invoice.installation_id, subscription.pk, message)
    transaction.on_commit(lambda: run_follow_ups([follow_up.pk]))
    return follow_up


def write_event(invoice: Invoice, kind: str, reason: str, data: dict[str, Any]) -> None:
    """A Stripe fact written on the invoice's subscription as a SubscriptionEvent (status unchanged)."""
    subscription = invoice.subscription
    SubscriptionEvent.objects.create(
        installation_id=invoice.installation_id,
        subscription=subscription,
        at=subscription.installation.now(),
        actor_type=Actor.SYSTEM.value,
        actor_id="stripe",
        kind=kind,
        from_status=subscription.status,
        to_status=subscription.status,
        reason=reason[:200],
        data={"invoice": invoice.number, **data},
    )


def run_follow_ups(pks: Iterable[int]) -> list[str]:
    """Runs each follow-up that is still to do (one worker at a time: the row is locked); never raises for
    Stripe out of reach (the follow-up stays due). What was done, one line each."""
    return [line for pk in pks if (line := _run_one(pk))]


def run_due_follow_ups(limit: int = 200) -> list[str]:
    """For the sweeper: every follow-up due again."""
    due = StripeFollowUp.objects.filter(
        done_at__isnull=True, next_at__lte=timezone.now(), attempts__lt=MAX_FOLLOW_UP_ATTEMPTS
    ).order_by("next_at")
    return run_follow_ups(list(due.values_list("pk", flat=True)[:limit]))


def finish_cancellations(invoice: Invoice) -> bool:
    """Before the invoice is charged again: its cancellations that are due are run now; False while one is
    left that has failed fewer than `HOLD_RETRY_TRIES` times. A failed one waits for its backoff, so the
    charge waits too and the sweeper tries again, a few minutes in all; after that the retry is charged and
    the cancellation goes on being retried: a stale payment that still gets through is refunded when it
    arrives (`refund_unneeded_payment`), so a retry is never held up for long by Stripe failing a cancel."""
    cancellations = StripeFollowUp.objects.filter(
        invoice=invoice,
        kind=StripeFollowUp.Kind.CANCEL_INTENTS,
        done_at__isnull=True,
        attempts__lt=HOLD_RETRY_TRIES,
    )
    run_follow_ups(list(cancellations.filter(next_at__lte=timezone.now()).values_list("pk", flat=True)))
    return not cancellations.exists()


def _run_one(pk: int) -> str:
    with transaction.atomic():
        follow_up = (
            StripeFollowUp.objects.select_for_update(skip_locked=True)
            .select_related("invoice__subscription__installation")
            .filter(pk=pk, done_at__isnull=True)
            .first()
        )
        if follow_up is None:
            return ""  # done, or another worker has it
        follow_up.attempts += 1
        try:
            if follow_up.kind == StripeFollowUp.Kind.REFUND:
                follow_up.result = _refund(follow_up)
            else:
                follow_up.result = {"cancelled": _cancel(follow_up.invoice)}
        except UNREACHABLE as exc:
            follow_up.last_error = f"{type(exc).__name__}: {exc}"
            follow_up.next_at = timezone.now() + timedelta(minutes=min(2**follow_up.attempts, 360))
            logger.warning("Stripe follow-up %s failed, to retry: %s", follow_up.key, exc)
            if follow_up.attempts >= MAX_FOLLOW_UP_ATTEMPTS:
                logger.error("Stripe follow-up %s gave up after %s tries", follow_up.key, follow_up.attempts)
        except RefundRefused as exc:
            follow_up.done_at = timezone.now()
            if exc.code is RefundErrorCode.ALREADY_REFUNDED:  # a retry after Stripe did it: done
                follow_up.result = {"refund": "refunded already"}
            else:
                follow_up.last_error = f"{type(exc).__name__}: {exc}"
                _refused(follow_up, exc)
        except stripe.StripeError as exc:
            follow_up.last_error = f"{type(exc).__name__}: {exc}"
            follow_up.done_at = timezone.now()
            _refused(follow_up, exc)
        else:
            follow_up.done_at = timezone.now()
            follow_up.last_error = ""
        follow_up.save(update_fields=["attempts", "result", "last_error", "next_at", "done_at"])
    return f"{follow_up.key}: {follow_up.result or follow_up.last_error}"


def _refused(follow_up: StripeFollowUp, exc: Exception) -> None:
    message = f"{follow_up.key} refused by Stripe: {exc}"
    logger.error("installation %s: %s; staff must act", follow_up.installation_id, message)
    if follow_up.kind == StripeFollowUp.Kind.REFUND:
        write_event(follow_up.invoice, REFUND_FAILED, message, {"payment_intent": follow_up.intent_id})


def _client(invoice: Invoice) -> stripe.StripeClient:
    return account_client(account_for(invoice.installation_id, invoice.subscription.channel_slug))


def _cancel(invoice: Invoice) -> list[str]:
    client = _client(invoice)
    cancelled: list[str] = []
    for intent_id in sorted(_intents_of([invoice.pk]).get(invoice.pk, ())):
        intent = as_dict(client.v1.payment_intents.retrieve(intent_id))
        if intent.get("status") not in CONFIRMABLE:
            continue
        try:
            client.v1.payment_intents.cancel(intent_id, params={"cancellation_reason": "duplicate"})
        except stripe.InvalidRequestError:
            # Confirmed meanwhile: a success is refunded when it is recorded (`refund_unneeded_payment`).
            logger.warning("PaymentIntent %s of invoice %s could not be cancelled", intent_id, invoice.number)
            continue
        cancelled.append(intent_id)
    return cancelled


def _refund(follow_up: StripeFollowUp) -> dict[str, Any]:
    """The payment the invoice did not need, refunded by its own PaymentIntent (a stale tab may have paid an
    older attempt than the invoice's newest charge)."""
    assert follow_up.amount is not None
    refunded = refund_invoice(
        account_client,
        follow_up.invoice,
        follow_up.amount,
        payment_intent=follow_up.intent_id,
        reason="duplicate",
        idempotency_key=follow_up.key,
    )
    return {"refund": refunded.reference, "amount": str(refunded.amount)}
