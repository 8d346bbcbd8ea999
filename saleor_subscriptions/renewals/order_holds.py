"""Invoices whose Saleor order needs a person (docs/renewals.md): nothing is charged, the order is
tried again less and less often, staff are told once, and the subscription's events show it.

An `OrderNeedsAttention` from the order sink (an order under the invoice number that is not this invoice's,
an order Saleor refuses to complete for want of stock …) holds the invoice in step `order`: its lease runs to
the next try, 5 minutes after the first failure, then 10, 20 … at most 6 hours apart (`retry_wait`). The
first failure, and each change of the reason's code, writes a `renewal_order_held` event on the subscription
and an ERROR line for staff with Saleor's reason; a retry that fails the same way writes nothing. When the
order is made at last, the invoice's problem is cleared and `renewal_order_placed` is written.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.db import transaction

from saleor_subscriptions.billing.states import Actor
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.lifecycle.transition import record_event
from saleor_subscriptions.renewals.ports import OrderNeedsAttention
from saleor_subscriptions.subscriptions.models import Subscription

logger = logging.getLogger(__name__)

ORDER_HELD = "renewal_order_held"
ORDER_PLACED = "renewal_order_placed"
FIRST_WAIT = timedelta(minutes=5)
MAX_WAIT = timedelta(hours=6)


def retry_wait(tries: int) -> timedelta:
    """5, 10, 20 … minutes after the n-th failed try, at most MAX_WAIT."""
    doublings: int = min(max(tries - 1, 0), 16)
    wait: timedelta = FIRST_WAIT * (2**doublings)
    return min(wait, MAX_WAIT)


def hold_orders(held: Sequence[tuple[Invoice, OrderNeedsAttention]], now: datetime) -> None:
    """Each invoice (still in step `order`) waits for its next try; staff hear of a new problem once."""
    if not held:
        return
    with transaction.atomic():
        waiting = {
            invoice.pk: invoice
            for invoice in Invoice.objects.select_for_update().filter(
                pk__in=[invoice.pk for invoice, _ in held], pipeline_step=Invoice.PipelineStep.ORDER
            )
        }
        for invoice, problem in held:
            locked = waiting.get(invoice.pk)
            if locked is None:
                continue
            new = locked.order_problem != problem.code or not locked.order_tries
            locked.order_tries = 1 if new else locked.order_tries + 1
            locked.order_problem = problem.code
            locked.order_problem_detail = problem.reason[:4000]
            locked.lease_until = now + retry_wait(locked.order_tries)
            locked.save(update_fields=["order_problem", "order_problem_detail", "order_tries", "lease_until"])
            if new:
                _tell_staff(locked, problem, now)


def clear_holds(invoices: Sequence[Invoice], now: datetime) -> None:
    """In the caller's transaction: invoices whose order was made after a hold leave it, with an event."""
    for invoice in invoices:
        if not invoice.order_problem:
            continue
        subscription = Subscription.objects.get(pk=invoice.subscription_id)
        record_event(
            subscription,
            ORDER_PLACED,
            actor=Actor.SYSTEM,
            actor_id="renewals",
            from_status=subscription.status,
            at=now,
            reason=f"the order of invoice {invoice.number} is made after {invoice.order_tries} failed tries",
            data={
                "invoice": invoice.number,
                "order": invoice.saleor_order_id,
                "problem": invoice.order_problem,
            },
        )
        invoice.order_problem, invoice.order_problem_detail, invoice.order_tries = "", "", 0
        Invoice.objects.filter(pk=invoice.pk).update(order_problem="", order_problem_detail="", order_tries=0)


def _tell_staff(invoice: Invoice, problem: OrderNeedsAttention, now: datetime) -> None:
    subscription = Subscription.objects.get(pk=invoice.subscription_id)
    record_event(
        subscription,
        ORDER_HELD,
        actor=Actor.SYSTEM,
        actor_id="renewals",
        from_status=subscription.status,
        at=now,
        reason=f"{problem.code}: {problem.reason}",
        data={
            "invoice": invoice.number,
            "problem": problem.code,
            "saleor_codes": problem.saleor_codes,
            "reason": problem.reason,
            "next_try_at": invoice.lease_until,
        },
    )
    logger.error(
        "installation %s: invoice %s not charged, its Saleor order needs attention (%s): %s; staff must act",
        invoice.installation_id,
        invoice.number,
        problem.code,
        problem.reason,
    )
