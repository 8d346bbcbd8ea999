"""The invoice of a change charged now: an upgrade or more seats, pro rata to the period end (§4, §7).

It is opened at once, with its number from the installation's gap-free sequence and one line per priced
figure; charging it (the Saleor order and the payment) is the renewal runner's work: it waits in
`pipeline_step` ORDER for the sweeper (`renewals.pipeline.resume_unfinished`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction

from saleor_subscriptions.billing.money import round_money
from saleor_subscriptions.billing.pricing import PricedLine
from saleor_subscriptions.invoicing.models import Invoice, InvoiceLine, NumberSequence
from saleor_subscriptions.invoicing.numbering import take_number
from saleor_subscriptions.invoicing.parties import stamp_parties
from saleor_subscriptions.subscriptions.models import Subscription


def open_change_invoice(
    subscription: Subscription,
    lines: Sequence[PricedLine],
    *,
    period_start: date,
    period_end: date,
    due_at: datetime,
) -> Invoice:
    """An `open`, numbered invoice of `lines` for a change in the current period, due at `due_at` (§4).

    Amounts are net; the tax is what Saleor computes for the order that carries the invoice (§3).
    """
    if not lines:
        raise ValueError("a change invoice needs at least one line")
    currency = subscription.currency
    subtotal = round_money(sum((line.amount for line in lines), Decimal(0)), currency)
    if subtotal <= 0:
        raise ValueError(f"a change invoice charges something, not {subtotal}")
    installation = subscription.installation
    now = installation.now()
    with transaction.atomic():
        invoice = Invoice(
            installation=installation,
            subscription=subscription,
            billing_reason=Invoice.Reason.CHANGE,
            number=take_number(installation, NumberSequence.Kind.INVOICE),
            status=Invoice.Status.OPEN,
            currency=currency,
            period_index=subscription.current_period_index,
            period_start=period_start,
            period_end=period_end,
            subtotal=subtotal,
            total=subtotal,
            amount_due=subtotal,
            due_at=due_at,
            issued_at=now,
            created_at=now,
            # The renewal runner's sweeper picks it up at once (no lease): order, then charge.
            pipeline_step=Invoice.PipelineStep.ORDER,
        )
        stamp_parties(invoice, installation, subscription)
        invoice.save()
        InvoiceLine.objects.bulk_create(
            InvoiceLine.of(invoice, position, line, installation.language)
            for position, line in enumerate(lines, start=1)
        )
    return invoice
