"""The renewal pipeline (ARCHITECTURE flow 4): claim what is due, invoice it, order it, charge it.

Three steps, each one transaction whose outcome is stored before the next step starts:

1. `batch.invoice_batch`: claim due subscriptions with `SELECT … FOR UPDATE SKIP LOCKED` (any number of
   workers share one due set), settle their boundaries, and store the numbered invoices (unique per
   subscription and period) with the subscriptions advanced, in `pipeline_step` ORDER and under a lease.
2. `order_invoices`: ask the `OrderSink` for each invoice's order (idempotent by invoice number), then store
   the order, Saleor's totals, the credit applied, and the first `PaymentAttempt` with its idempotency key.
3. `charge_attempts`: ask the `PaymentGateway` to charge each pending attempt (idempotent by that key), then
   store the outcomes (`outcomes`).

A crash anywhere leaves an invoice in ORDER or CHARGE; once its lease has run out `resume_unfinished` runs the
missing steps again, and the idempotency of both ports makes a second order or a second charge impossible.
The external calls of a batch run concurrently on a thread pool so their waits overlap.

`renew_due` runs steps 2 and 3 on the rows step 1 stored (`run_batch`): it holds them as the database does
(see `bulk`), so it reads back only what another process may have changed meanwhile: which invoices still
wait for the step (locking them, as a read would) and their subscriptions' status. The sweeper reads it all
again (`run_steps`: `place_orders`, `charge_invoices`).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from saleor_subscriptions.bulk import insert_rows, made, update_rows
from saleor_subscriptions.invoicing.models import Invoice, InvoiceLine
from saleor_subscriptions.notifications.ports import Notifier
from saleor_subscriptions.renewals import outcomes
from saleor_subscriptions.renewals.batch import LEASE, InvoicedBatch, due_filter, invoice_batch
from saleor_subscriptions.renewals.credit import apply_credit
from saleor_subscriptions.renewals.faults import crash_point
from saleor_subscriptions.renewals.models import PaymentAttempt, attempt_key
from saleor_subscriptions.renewals.order_holds import clear_holds, hold_orders
from saleor_subscriptions.renewals.order_totals import take_order_totals
from saleor_subscriptions.renewals.ports import (
    ChargeRequest,
    ChargeResult,
    OrderLine,
    OrderNeedsAttention,
    OrderRequest,
    OrderSink,
    PaymentGateway,
    PlacedOrder,
)

logger = logging.getLogger(__name__)
T = TypeVar("T")
R = TypeVar("R")


@dataclass
class RenewalPorts:
    """The outside world of a renewal: Saleor orders, payments, emails, and the pay link of an invoice."""

    orders: OrderSink
    payments: PaymentGateway
    notifier: Notifier
    pay_url: Callable[[Invoice], str]
    followup: Callable[[int | None, datetime], object] | None = None
    """Run after renewals (by the worker after each batch, by the test clock at each moment), with the
    installation (None: all) and the time: the adapters' own catching up, e.g. recording paid invoices on
    their Saleor orders. It must be idempotent and must not raise for one installation's trouble."""
    concurrency: int = 200  # at least a batch: every call of a batch waits at the same time
    _pool: ThreadPoolExecutor | None = field(default=None, repr=False)

    def map(self, call: Callable[[T], R], items: Sequence[T]) -> list[R | Exception]:
        """`call` on every item at once (their waits overlap); an exception is returned, not raised."""

        def guarded(item: T) -> R | Exception:
            try:
                return call(item)
            except Exception as exc:
                return exc

        if len(items) <= 1:
            return [guarded(item) for item in items]
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=self.concurrency, thread_name_prefix="renewal-io")
        return list(self._pool.map(guarded, items))


@dataclass
class RenewalReport:
    invoiced: int = 0
    passed: int = 0
    ordered: int = 0
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def add(self, other: RenewalReport) -> None:
        self.invoiced += other.invoiced
        self.passed += other.passed
        self.ordered += other.ordered
        for key, value in other.counts.items():
            self.counts[key] += value


def renew_due(
    ports: RenewalPorts,
    *,
    now: datetime | None = None,
    installation_id: int | None = None,
    batch_size: int = 200,
) -> RenewalReport:
    """Renew everything due at `now` (default: the real time), batch after batch, until nothing is due."""
    report = RenewalReport()
    while True:
        moment = now or timezone.now()
        batch = invoice_batch(moment, batch_size, installation_id)
        report.invoiced += len(batch.invoices)
        report.passed += batch.passed
        if not batch.claimed:
            return report
        report.add(run_batch(batch, ports, moment))


def run_batch(batch: InvoicedBatch, ports: RenewalPorts, now: datetime) -> RenewalReport:
    """Steps 2 and 3 for the invoices step 1 has just stored in this process, from the rows it holds."""
    report = RenewalReport()
    report.ordered, attempts = order_invoices(batch.invoices, batch.lines, ports, now)
    for outcome, count in charge_attempts(attempts, ports, now).items():
        report.counts[outcome] += count
    return report


def run_steps(invoice_ids: Sequence[int], ports: RenewalPorts, now: datetime) -> RenewalReport:
    """Steps 2 and 3 for these invoices, read from the database: whatever each one still lacks."""
    report = RenewalReport()
    report.ordered = place_orders(invoice_ids, ports, now)
    for outcome, count in charge_invoices(invoice_ids, ports, now).items():
        report.counts[outcome] += count
    return report


def place_orders(invoice_ids: Sequence[int], ports: RenewalPorts, now: datetime) -> int:
    """Step 2 for these invoices, read from the database: see `order_invoices`. Returns how many orders were
    stored."""
    invoices = list(
        Invoice.objects.filter(pk__in=invoice_ids, pipeline_step=Invoice.PipelineStep.ORDER)
        .select_related("subscription__installation", "subscription__plan_version__plan")
        .prefetch_related("lines")
    )
    lines = {invoice.pk: list(invoice.lines.all()) for invoice in invoices}
    return order_invoices(invoices, lines, ports, now)[0]


def order_invoices(
    invoices: Sequence[Invoice], lines: dict[int, list[InvoiceLine]], ports: RenewalPorts, now: datetime
) -> tuple[int, list[PaymentAttempt]]:
    """Step 2: the Saleor order of every invoice still waiting for one, then its totals, credit and first
    payment attempt. Returns how many orders were stored, and the attempts made (pending, to charge)."""
    if not invoices:
        return 0, []
    requests = [order_request(invoice, lines[invoice.pk]) for invoice in invoices]
    many: Callable[[Sequence[OrderRequest]], Sequence[PlacedOrder | Exception]] | None = getattr(
        ports.orders, "place_orders", None
    )
    results = list(many(requests)) if many is not None else ports.map(ports.orders.place_order, requests)
    crash_point("after_orders")
    # An order that needs a person (a conflict, Saleor's refusal) holds its invoice, uncharged, backing off.
    hold_orders(
        [
            (invoice, result)
            for invoice, result in zip(invoices, results, strict=True)
            if isinstance(result, OrderNeedsAttention)
        ],
        now,
    )
    placed = {
        invoice.pk: result
        for invoice, result in zip(invoices, results, strict=True)
        if isinstance(result, PlacedOrder)
    }
    if not placed:
        return 0, []
    with transaction.atomic():
        # Locks each invoice and its subscription, as reading them again would; an invoice another process
        # has moved on meanwhile (the sweeper, a void, an admin's payment) is no longer in ORDER.
        waiting = dict(
            Invoice.objects.select_for_update()
            .filter(pk__in=placed, pipeline_step=Invoice.PipelineStep.ORDER)
            .values_list("pk", "subscription__status")
        )
        locked = [invoice for invoice in invoices if invoice.pk in waiting]
        attempts: list[PaymentAttempt] = []
        settled_free: list[Invoice] = []
        early: list[Invoice] = []
        new_lines: list[InvoiceLine] = []
        taxed_lines: list[InvoiceLine] = []
        for invoice in locked:
            invoice.subscription.status = waiting[invoice.pk]
            language = invoice.subscription.installation.language
            added, taxed = take_order_totals(invoice, lines[invoice.pk], placed[invoice.pk], language)
            new_lines += added
            taxed_lines += taxed
        insert_rows(new_lines)
        update_rows(taxed_lines, ["tax_amount", "tax_rate"])
        clear_holds(locked, now)
        apply_credit(locked, now)
        for invoice in locked:
            if invoice.amount_due > 0:
                invoice.pipeline_step = Invoice.PipelineStep.CHARGE
                if invoice.due_at <= now:
                    attempts.append(new_attempt(invoice, 1, now))
                else:
                    # Made ahead (invoice lead days): charged on its due date, when the sweeper finds it.
                    invoice.lease_until = invoice.due_at
                    early.append(invoice)
            else:
                settled_free.append(invoice)
        update_rows(
            locked,
            [
                "saleor_order_id",
                "subtotal",
                "tax",
                "total",
                "credit_applied",
                "amount_due",
                "pipeline_step",
                "lease_until",
            ],
        )
        insert_rows(attempts)
        outcomes.mark_paid_many(settled_free, now, ports.notifier, ports.payments)
        for invoice in early:
            ports.notifier.renewal_upcoming(invoice)
    return len(locked), attempts


def new_attempt(invoice: Invoice, number: int, now: datetime) -> PaymentAttempt:
    """The n-th attempt to collect an invoice's amount due, with its idempotency key (stored first)."""
    return made(
        PaymentAttempt,
        installation_id=invoice.installation_id,
        invoice=invoice,
        number=number,
        idempotency_key=attempt_key(invoice.pk, number),
        amount=invoice.amount_due,
        currency=invoice.currency,
        created_at=now,
    )


def order_request(invoice: Invoice, lines: Sequence[InvoiceLine] | None = None) -> OrderRequest:
    """What Saleor is asked for: the invoice's lines (read from the database unless given) but credit
    (credit is ours, applied after Saleor's taxes)."""
    subscription = invoice.subscription
    if lines is None:
        lines = list(invoice.lines.all())
    return OrderRequest(
        installation_id=invoice.installation_id,
        invoice_id=invoice.pk,
        invoice_number=invoice.number or "",
        channel_slug=subscription.channel_slug,
        currency=invoice.currency,
        customer_email=subscription.customer_email,
        customer_user_id=subscription.customer_user_id,
        lines=tuple(
            OrderLine(
                kind=line.kind,
                description=line.description,
                quantity=line.quantity,
                unit_amount=line.unit_amount,
                amount=line.amount,
            )
            for line in lines
            if line.kind not in ("credit", "shipping")  # credit is ours; shipping is Saleor's own
        ),
    )


def _first_attempts_when_due(invoice_ids: Sequence[int], now: datetime) -> None:
    """Invoices made ahead of their due date get their first attempt once that date has come."""
    with transaction.atomic():
        due = list(
            Invoice.objects.select_for_update(skip_locked=True, of=("self",)).filter(
                pk__in=invoice_ids,
                pipeline_step=Invoice.PipelineStep.CHARGE,
                due_at__lte=now,
                attempts__isnull=True,
            )
        )
        insert_rows([new_attempt(invoice, 1, now) for invoice in due])


def charge_invoices(invoice_ids: Sequence[int], ports: RenewalPorts, now: datetime) -> dict[str, int]:
    """Step 3 for these invoices, read from the database: every pending attempt (see `charge_attempts`)."""
    attempts = list(
        PaymentAttempt.objects.filter(
            invoice_id__in=invoice_ids, status=PaymentAttempt.Status.PENDING
        ).select_related("invoice__subscription__installation", "invoice__subscription__plan_version__plan")
    )
    return charge_attempts(attempts, ports, now)


def charge_attempts(attempts: Sequence[PaymentAttempt], ports: RenewalPorts, now: datetime) -> dict[str, int]:
    """Step 3: charge each pending attempt (its idempotency key stored before), then store each outcome.
    A retry (attempt 2 on) is sent only while its invoice is still open (else it is `cancelled`), and once
    the invoice's payments still open at the gateway are voided (until then it stays pending for the
    sweeper). Returns how many attempts ended in each outcome."""
    if any(a.number > 1 for a in attempts):
        attempts = _retries_to_send(attempts, ports, now)
    if not attempts:
        return {}
    requests = [
        ChargeRequest(
            installation_id=a.installation_id,
            idempotency_key=a.idempotency_key,
            customer_key=a.invoice.subscription.customer_key,
            amount=a.amount,
            currency=a.currency,
            invoice_number=a.invoice.number or "",
        )
        for a in attempts
    ]
    results = ports.map(ports.payments.charge, requests)
    crash_point("after_charges")
    answered = [
        (attempt, result)
        for attempt, result in zip(attempts, results, strict=True)
        if isinstance(result, ChargeResult)
    ]
    return outcomes.record_charge_results(answered, now, ports.notifier, ports.pay_url, ports.payments)


def _retries_to_send(
    attempts: Sequence[PaymentAttempt], ports: RenewalPorts, now: datetime
) -> list[PaymentAttempt]:
    """The attempts to send now: first attempts, and retries of invoices still open whose open payments are
    voided. A retry of an invoice no longer owed (paid another way, void, uncollectible once the subscription
    was cancelled for nonpayment) is `cancelled`, and the invoice leaves the pipeline."""
    closed = [a for a in attempts if a.number > 1 and a.invoice.status != Invoice.Status.OPEN]
    if closed:
        with transaction.atomic():
            PaymentAttempt.objects.filter(
                pk__in=[a.pk for a in closed], status=PaymentAttempt.Status.PENDING
            ).update(status=PaymentAttempt.Status.CANCELLED, completed_at=now)
            Invoice.objects.filter(pk__in={a.invoice_id for a in closed}).exclude(
                status=Invoice.Status.OPEN
            ).update(pipeline_step=Invoice.PipelineStep.DONE)
        for a in closed:
            logger.info("invoice %s is %s: retry %s not sent", a.invoice.number, a.invoice.status, a.number)
    cancelled = {a.pk for a in closed}
    return [a for a in attempts if a.pk not in cancelled and (a.number == 1 or _voided(a.invoice, ports))]


def _voided(invoice: Invoice, ports: RenewalPorts) -> bool:
    try:
        if ports.payments.finish_voiding(invoice):
            return True
    except Exception:  # a fault in voiding must not hold the invoice's billing up for ever
        logger.exception("invoice %s: voiding its open payments failed; its retry is sent", invoice.number)
        return True
    logger.warning("invoice %s: its open payments could not be voided yet; its retry waits", invoice.number)
    return False


def resume_unfinished(
    ports: RenewalPorts, *, now: datetime | None = None, installation_id: int | None = None, limit: int = 500
) -> RenewalReport:
    """The sweeper: run the missing steps of invoices a crashed or stopped worker left, once their lease
    has run out (a live worker renews its lease by finishing)."""
    moment = now or timezone.now()
    with transaction.atomic():
        ids = list(
            Invoice.objects.select_for_update(skip_locked=True)
            .filter(due_filter(installation_id))
            .exclude(pipeline_step=Invoice.PipelineStep.DONE)
            .filter(Q(lease_until__isnull=True) | Q(lease_until__lte=moment))
            .values_list("pk", flat=True)[:limit]
        )
        Invoice.objects.filter(pk__in=ids).update(lease_until=moment + LEASE)
    if not ids:
        return RenewalReport()
    _first_attempts_when_due(ids, moment)
    return run_steps(ids, ports, moment)
