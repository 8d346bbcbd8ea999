"""Step 1 of a renewal (see `pipeline`): claim due subscriptions and store their invoices.

Due subscriptions are claimed with `SELECT … FOR UPDATE SKIP LOCKED`, so any number of workers share one due
set; their boundaries are settled, the next periods priced, and the invoices stored (unique per subscription
and period, numbered from the installation's gap-free sequence) with the subscriptions advanced, all in one
transaction and in a handful of statements whatever the batch size.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Q

from saleor_subscriptions.billing.states import SubscriptionStatus
from saleor_subscriptions.bulk import update_rows
from saleor_subscriptions.discounts.models import DiscountRedemption
from saleor_subscriptions.invoicing.models import Invoice, InvoiceLine, NumberSequence
from saleor_subscriptions.invoicing.numbering import take_numbers
from saleor_subscriptions.renewals.boundary import (
    RenewalDraft,
    TermsCache,
    advance,
    price_next_period,
    settle_boundary,
    use_discount,
)
from saleor_subscriptions.renewals.faults import crash_point
from saleor_subscriptions.renewals.usage import unbilled_usage
from saleor_subscriptions.subscriptions.calendar import due_at
from saleor_subscriptions.subscriptions.models import Subscription, SubscriptionEvent
from saleor_subscriptions.tenants.models import Installation

LEASE = timedelta(minutes=5)
"""How long a worker owns the later steps of the invoices it made before the sweeper may take them over."""
RENEWABLE = (SubscriptionStatus.ACTIVE, SubscriptionStatus.TRIALING, SubscriptionStatus.PAUSED)


def due_filter(installation_id: int | None) -> Q:
    """Live installations renew on the real clock; a sandbox renews only when its test clock is advanced."""
    if installation_id is None:
        return Q(installation__sandbox=False, installation__status=Installation.Status.ACTIVE)
    return Q(installation_id=installation_id, installation__status=Installation.Status.ACTIVE)


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
