"""The renewal pipeline (ARCHITECTURE flow 4): claim what is due, invoice it, order it, charge it.

Three steps, each one transaction whose outcome is stored before the next step starts:

1. `prepare_batch`: claim due subscriptions with `SELECT … FOR UPDATE SKIP LOCKED` (any number of workers
   share one due set), settle their boundaries, and store the numbered invoices (unique per subscription and
   period) with the subscriptions advanced, in `pipeline_step` ORDER and under a lease.
2. `place_orders`: ask the `OrderSink` for each invoice's order (idempotent by invoice number), then store the
   order, Saleor's totals, the credit applied, and the first `PaymentAttempt` with its idempotency key.
3. `charge_invoices`: ask the `PaymentGateway` to charge each pending attempt (idempotent by that key), then
   store the outcomes (`outcomes`).

A crash anywhere leaves an invoice in ORDER or CHARGE; once its lease has run out `resume_unfinished` runs the
missing steps again, and the idempotency of both ports makes a second order or a second charge impossible.
The external calls of a batch run concurrently on a thread pool so their waits overlap.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TypeVar

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from saleor_subscriptions.billing.states import SubscriptionStatus
from saleor_subscriptions.bulk import update_rows
from saleor_subscriptions.discounts.models import DiscountRedemption
from saleor_subscriptions.invoicing.models import Invoice, InvoiceLine, NumberSequence
from saleor_subscriptions.invoicing.numbering import take_numbers
from saleor_subscriptions.notifications.ports import Notifier
from saleor_subscriptions.renewals import outcomes
from saleor_subscriptions.renewals.boundary import (
    RenewalDraft,
    TermsCache,
    advance,
    price_next_period,
    settle_boundary,
    use_discount,
)
from saleor_subscriptions.renewals.credit import apply_credit
from saleor_subscriptions.renewals.faults import crash_point
from saleor_subscriptions.renewals.models import PaymentAttempt, attempt_key
from saleor_subscriptions.renewals.ports import (
    ChargeRequest,
    ChargeResult,
    OrderLine,
    OrderRequest,
    OrderSink,
    PaymentGateway,
    PlacedOrder,
)
from saleor_subscriptions.renewals.usage import unbilled_usage
from saleor_subscriptions.subscriptions.calendar import due_at, local_today
from saleor_subscriptions.subscriptions.models import Subscription, SubscriptionEvent
from saleor_subscriptions.tenants.models import Installation

LEASE = timedelta(minutes=5)
RENEWABLE = (SubscriptionStatus.ACTIVE, SubscriptionStatus.TRIALING, SubscriptionStatus.PAUSED)
T = TypeVar("T")
R = TypeVar("R")


@dataclass
class RenewalPorts:
    """The outside world of a renewal: Saleor orders, payments, emails, and the pay link of an invoice."""

    orders: OrderSink
    payments: PaymentGateway
    notifier: Notifier
    pay_url: Callable[[Invoice], str]
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


def due_filter(installation_id: int | None) -> Q:
    """Live installations renew on the real clock; a sandbox renews only when its test clock is advanced."""
    if installation_id is None:
        return Q(installation__sandbox=False, installation__status=Installation.Status.ACTIVE)
    return Q(installation_id=installation_id, installation__status=Installation.Status.ACTIVE)


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
        invoice_ids, passed, claimed = prepare_batch(moment, batch_size, installation_id)
        report.invoiced += len(invoice_ids)
        report.passed += passed
        if not claimed:
            return report
        report.add(run_steps(invoice_ids, ports, moment))


def run_steps(invoice_ids: Sequence[int], ports: RenewalPorts, now: datetime) -> RenewalReport:
    """Steps 2 and 3 for these invoices: whatever each one still lacks."""
    report = RenewalReport()
    report.ordered = place_orders(invoice_ids, ports, now)
    for outcome, count in charge_invoices(invoice_ids, ports, now).items():
        report.counts[outcome] += count
    return report


def prepare_batch(now: datetime, batch_size: int, installation_id: int | None) -> tuple[list[int], int, int]:
    """Step 1: claim up to `batch_size` due subscriptions and store their invoices; (invoice ids, periods
    passed without an invoice, subscriptions claimed)."""
    with transaction.atomic():
        subscriptions = list(
            Subscription.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("installation", "plan_version__plan", "pending_plan_version__plan")
            .filter(due_filter(installation_id), status__in=RENEWABLE, next_billing_at__lte=now)
            .order_by("next_billing_at")[:batch_size]
        )
        if not subscriptions:
            return [], 0, 0
        ids = [s.pk for s in subscriptions]
        redemptions = {
            r.subscription_id: r
            for r in DiscountRedemption.objects.select_related("code").filter(
                subscription_id__in=ids, ended_at__isnull=True
            )
        }
        usage = unbilled_usage(ids)
        cache = TermsCache()
        drafts: list[RenewalDraft] = []
        for subscription in subscriptions:
            period = settle_boundary(subscription, now, local_today(subscription, now), cache)
            if period is None:
                continue
            drafts.append(
                price_next_period(
                    subscription,
                    period,
                    cache,
                    redemption=redemptions.get(subscription.pk),
                    usage=usage.charges_for(subscription, period, cache),
                )
            )
        invoice_ids = _store_invoices(drafts, now) if drafts else []
        crash_point("after_invoices")
    return invoice_ids, len(subscriptions) - len(drafts), len(subscriptions)


def _store_invoices(drafts: list[RenewalDraft], now: datetime) -> list[int]:
    by_installation: dict[int, list[RenewalDraft]] = defaultdict(list)
    for draft in drafts:
        by_installation[draft.subscription.installation_id].append(draft)
    ordered = [d for installation_id in sorted(by_installation) for d in by_installation[installation_id]]
    # Drafts first; numbers are taken last (below), so the sequence row is locked only for the end of the
    # transaction and concurrent batches of one installation wait for each other as briefly as possible.
    invoices = [_invoice_for(draft, now) for draft in ordered]
    Invoice.objects.bulk_create(invoices)
    InvoiceLine.objects.bulk_create(
        InvoiceLine(
            installation_id=invoice.installation_id,
            invoice=invoice,
            position=position,
            kind=line.kind.value,
            description=line.description[:300],
            reason=line.reason[:300],
            quantity=Decimal(line.quantity),
            unit_amount=line.unit_amount,
            amount=line.amount,
            period_start=line.period_start,
            period_end=line.period_end,
        )
        for invoice, draft in zip(invoices, ordered, strict=True)
        for position, line in enumerate(draft.lines, start=1)
    )
    events: list[SubscriptionEvent] = []
    redemptions: list[DiscountRedemption] = []
    for invoice, draft in zip(invoices, ordered, strict=True):
        subscription = draft.subscription
        advance(subscription, draft.period)
        if draft.discounted is not None:
            use_discount(draft.discounted, now)
            redemptions.append(draft.discounted)
        events.append(
            SubscriptionEvent(
                installation_id=subscription.installation_id,
                subscription=subscription,
                at=now,
                actor_type="system",
                kind="invoiced",
                from_status=subscription.status,
                to_status=subscription.status,
                data={"invoice": invoice.pk, "period_index": invoice.period_index, "net": str(draft.net)},
            )
        )
    update_rows(
        [d.subscription for d in ordered],
        [
            "current_period_index",
            "current_period_start",
            "current_period_end",
            "next_billing_at",
            "cycles_billed",
            "setup_fee_billed",
        ],
    )
    if redemptions:
        update_rows(redemptions, ["periods_used", "ended_at"])
    _mark_usage_billed(invoices, ordered)
    _number_invoices(invoices)
    for event, invoice, draft in zip(events, invoices, ordered, strict=True):
        event.reason = f"invoice {invoice.number} for the period from {draft.period.start}"
    SubscriptionEvent.objects.bulk_create(events)
    return [invoice.pk for invoice in invoices]


def _number_invoices(invoices: list[Invoice]) -> None:
    """Open the batch's invoices with numbers from each installation's gap-free sequence (§4). Sequences are
    locked in one order (by installation) by every worker, so two batches never deadlock."""
    by_installation: dict[int, list[Invoice]] = defaultdict(list)
    for invoice in invoices:
        by_installation[invoice.installation_id].append(invoice)
    for installation_id in sorted(by_installation):
        group = by_installation[installation_id]
        numbers = take_numbers(group[0].subscription.installation, NumberSequence.Kind.INVOICE, len(group))
        for invoice, number in zip(group, numbers, strict=True):
            invoice.number = number
            invoice.status = Invoice.Status.OPEN
    update_rows(invoices, ["number", "status"])


def _invoice_for(draft: RenewalDraft, now: datetime) -> Invoice:
    subscription, period = draft.subscription, draft.period
    net = draft.net
    return Invoice(
        installation_id=subscription.installation_id,
        subscription=subscription,
        billing_reason=Invoice.Reason.RENEWAL,
        status=Invoice.Status.DRAFT,
        currency=subscription.currency,
        period_index=subscription.calendar_index_offset + period.index,
        period_start=period.start,
        period_end=period.end,
        subtotal=net,
        total=net,
        amount_due=net,
        due_at=due_at(subscription, period.start),
        issued_at=now,
        pipeline_step=Invoice.PipelineStep.ORDER,
        lease_until=now + LEASE,
        created_at=now,
    )


def _mark_usage_billed(invoices: Iterable[Invoice], drafts: Iterable[RenewalDraft]) -> None:
    from saleor_subscriptions.renewals.models import UsageRecord

    for invoice, draft in zip(invoices, drafts, strict=True):
        if draft.usage_ids:
            UsageRecord.objects.filter(pk__in=draft.usage_ids, invoice__isnull=True).update(invoice=invoice)


def place_orders(invoice_ids: Sequence[int], ports: RenewalPorts, now: datetime) -> int:
    """Step 2: the Saleor order of every invoice still waiting for one, then its totals, credit and first
    payment attempt. Returns how many orders were stored."""
    invoices = list(
        Invoice.objects.filter(pk__in=invoice_ids, pipeline_step=Invoice.PipelineStep.ORDER)
        .select_related("subscription")
        .prefetch_related("lines")
    )
    if not invoices:
        return 0
    results = ports.map(ports.orders.place_order, [order_request(invoice) for invoice in invoices])
    crash_point("after_orders")
    placed = {
        invoice.pk: result
        for invoice, result in zip(invoices, results, strict=True)
        if isinstance(result, PlacedOrder)
    }
    if not placed:
        return 0
    with transaction.atomic():
        locked = list(
            Invoice.objects.select_for_update()
            .select_related("subscription")
            .filter(pk__in=placed, pipeline_step=Invoice.PipelineStep.ORDER)
        )
        attempts: list[PaymentAttempt] = []
        settled_free: list[Invoice] = []
        early: list[Invoice] = []
        for invoice in locked:
            order = placed[invoice.pk]
            invoice.saleor_order_id = order.order_id
            invoice.subtotal, invoice.tax, invoice.total = order.net, order.tax, order.gross
            invoice.amount_due = order.gross
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
        PaymentAttempt.objects.bulk_create(attempts)
        outcomes.mark_paid_many(settled_free, now, ports.notifier)
        for invoice in early:
            ports.notifier.renewal_upcoming(invoice)
    return len(locked)


def new_attempt(invoice: Invoice, number: int, now: datetime) -> PaymentAttempt:
    """The n-th attempt to collect an invoice's amount due, with its idempotency key (stored first)."""
    return PaymentAttempt(
        installation_id=invoice.installation_id,
        invoice=invoice,
        number=number,
        idempotency_key=attempt_key(invoice.pk, number),
        amount=invoice.amount_due,
        currency=invoice.currency,
        created_at=now,
    )


def order_request(invoice: Invoice) -> OrderRequest:
    subscription = invoice.subscription
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
            for line in invoice.lines.all()
            if line.kind != "credit"
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
        PaymentAttempt.objects.bulk_create(new_attempt(invoice, 1, now) for invoice in due)


def charge_invoices(invoice_ids: Sequence[int], ports: RenewalPorts, now: datetime) -> dict[str, int]:
    """Step 3: charge every pending attempt of these invoices, then store each outcome."""
    _first_attempts_when_due(invoice_ids, now)
    attempts = list(
        PaymentAttempt.objects.filter(
            invoice_id__in=invoice_ids, status=PaymentAttempt.Status.PENDING
        ).select_related("invoice__subscription")
    )
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
    return outcomes.record_charge_results(answered, now, ports.notifier, ports.pay_url)


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
    return run_steps(ids, ports, moment) if ids else RenewalReport()
