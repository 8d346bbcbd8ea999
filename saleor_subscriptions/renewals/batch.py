"""Step 1 of a renewal (see `pipeline`): claim due subscriptions and store their invoices.

Due subscriptions are claimed with `SELECT … FOR UPDATE SKIP LOCKED`, so any number of workers share one due
set; their boundaries are settled, the next periods priced, and the invoices stored (unique per subscription
and period, numbered from the installation's gap-free sequence) with the subscriptions advanced, all in one
transaction and in a handful of statements whatever the batch size.

`invoice_batch` hands the stored invoices (with their subscriptions and lines, as the database now holds
them) to the process that goes on with steps 2 and 3, so it need not read them back; `prepare_batch` gives
only their ids, for callers that read them again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q

from saleor_subscriptions.billing.states import SubscriptionStatus
from saleor_subscriptions.bulk import insert_rows, made, update_rows
from saleor_subscriptions.discounts.models import DiscountRedemption
from saleor_subscriptions.invoicing.models import Invoice, InvoiceLine, NumberSequence
from saleor_subscriptions.invoicing.numbering import take_numbers
from saleor_subscriptions.invoicing.parties import stamp_parties
from saleor_subscriptions.renewals.boundary import (
    RenewalDraft,
    TermsCache,
    advance,
    price_next_period,
    settle_boundary,
    use_discount,
)
from saleor_subscriptions.renewals.faults import crash_point
from saleor_subscriptions.renewals.models import UsageRecord
from saleor_subscriptions.renewals.usage import unbilled_usage
from saleor_subscriptions.subscriptions.calendar import due_at
from saleor_subscriptions.subscriptions.models import Subscription, SubscriptionEvent
from saleor_subscriptions.tenants.models import Installation

INVOICED = "invoiced"
"""The kind of the event a renewal invoice writes on its subscription."""
LEASE = timedelta(minutes=5)
"""How long a worker owns the later steps of the invoices it made before the sweeper may take them over."""
RENEWABLE = (SubscriptionStatus.ACTIVE, SubscriptionStatus.TRIALING, SubscriptionStatus.PAUSED)


def due_filter(installation_id: int | None) -> Q:
    """Live installations renew on the real clock; a sandbox renews only when its test clock is advanced."""
    if installation_id is None:
        return Q(installation__sandbox=False, installation__status=Installation.Status.ACTIVE)
    return Q(installation_id=installation_id, installation__status=Installation.Status.ACTIVE)


@dataclass
class InvoicedBatch:
    """Step 1's outcome: the invoices stored, each with its subscription (claimed and advanced) and its lines
    in position order, as the database now holds them."""

    invoices: list[Invoice] = field(default_factory=list)
    lines: dict[int, list[InvoiceLine]] = field(default_factory=dict)
    passed: int = 0
    claimed: int = 0

    @property
    def invoice_ids(self) -> list[int]:
        return [invoice.pk for invoice in self.invoices]


def prepare_batch(now: datetime, batch_size: int, installation_id: int | None) -> tuple[list[int], int, int]:
    """Step 1: claim up to `batch_size` due subscriptions and store their invoices; (invoice ids, periods
    passed without an invoice, subscriptions claimed)."""
    batch = invoice_batch(now, batch_size, installation_id)
    return batch.invoice_ids, batch.passed, batch.claimed


def invoice_batch(now: datetime, batch_size: int, installation_id: int | None) -> InvoicedBatch:
    """Step 1: claim up to `batch_size` due subscriptions and store their invoices, in one transaction."""
    with transaction.atomic():
        subscriptions = list(
            Subscription.objects.select_for_update(skip_locked=True, of=("self",))
            # Prefetched, not joined: a batch has a few installations and plans, each then read and built
            # once and shared by its subscriptions, rather than once per subscription.
            .prefetch_related("installation", "plan_version__plan", "pending_plan_version__plan")
            .filter(due_filter(installation_id), status__in=RENEWABLE, next_billing_at__lte=now)
            .order_by("next_billing_at", "pk")[:batch_size]
        )
        if not subscriptions:
            return InvoicedBatch()
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
            period = settle_boundary(subscription, now)
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
        batch = _store_invoices(drafts, now) if drafts else InvoicedBatch()
        crash_point("after_invoices")
    batch.passed, batch.claimed = len(subscriptions) - len(drafts), len(subscriptions)
    return batch


def _store_invoices(drafts: list[RenewalDraft], now: datetime) -> InvoicedBatch:
    by_installation: dict[int, list[RenewalDraft]] = defaultdict(list)
    for draft in drafts:
        by_installation[draft.subscription.installation_id].append(draft)
    ordered = [d for installation_id in sorted(by_installation) for d in by_installation[installation_id]]
    # Drafts first; numbers are taken last (below), so the sequence row is locked only for the end of the
    # transaction and concurrent batches of one installation wait for each other as briefly as possible.
    sellers: dict[int, tuple[dict[str, str], bool]] = {}  # each shop's seller, taken once per batch
    invoices = [_invoice_for(draft, now, sellers) for draft in ordered]
    insert_rows(invoices)
    lines = {
        invoice.pk: [
            InvoiceLine.of(invoice, position, line, draft.subscription.installation.language)
            for position, line in enumerate(draft.lines, start=1)
        ]
        for invoice, draft in zip(invoices, ordered, strict=True)
    }
    insert_rows([line for invoice_lines in lines.values() for line in invoice_lines])
    events: list[SubscriptionEvent] = []
    redemptions: list[DiscountRedemption] = []
    for invoice, draft in zip(invoices, ordered, strict=True):
        subscription = draft.subscription
        advance(subscription, draft.period)
        if draft.discounted is not None:
            use_discount(draft.discounted, now)
            redemptions.append(draft.discounted)
        # Written without `save`, so no post_save: `invoiced` is not a kind that sends an email (see
        # notifications.dispatch), which a test keeps true.
        events.append(
            made(
                SubscriptionEvent,
                installation_id=subscription.installation_id,
                subscription=subscription,
                at=now,
                actor_type="system",
                kind=INVOICED,
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
    insert_rows(events)
    return InvoicedBatch(invoices=invoices, lines=lines)


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


def _invoice_for(
    draft: RenewalDraft, now: datetime, sellers: dict[int, tuple[dict[str, str], bool]]
) -> Invoice:
    subscription, period = draft.subscription, draft.period
    net = draft.net
    invoice = made(
        Invoice,
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
    stamp_parties(invoice, subscription.installation, subscription, sellers)
    return invoice


def _mark_usage_billed(invoices: Iterable[Invoice], drafts: Iterable[RenewalDraft]) -> None:
    for invoice, draft in zip(invoices, drafts, strict=True):
        if draft.usage_ids:
            UsageRecord.objects.filter(pk__in=draft.usage_ids, invoice__isnull=True).update(invoice=invoice)
