"""A staff user brings a cancelled subscription back within its reactivation window (BILLING_RULES §6.6, §7):
a new period from today, billed now.

The lifecycle decides whether it may come back (`reactivate_subscription`: cancelled, not lapsed, within the
window; it restarts the calendar today and sets the next renewal at the new period's end). In the same
transaction the new period's invoice is opened, priced as a renewal (`price_next_period`: price x quantity,
the setup fee if never charged, the code the subscription carries), numbered, and left in the pipeline's
order step for the renewal runner's sweeper, which makes its Saleor order, applies the customer's credit and
charges the saved payment method; a failed charge starts the dunning as for any renewal.
"""

from __future__ import annotations

from django.db import transaction

from saleor_subscriptions import lifecycle
from saleor_subscriptions.billing.states import Actor
from saleor_subscriptions.discounts.models import DiscountRedemption
from saleor_subscriptions.invoicing.models import Invoice, InvoiceLine, NumberSequence
from saleor_subscriptions.invoicing.numbering import take_number
from saleor_subscriptions.lifecycle.transition import SubscriptionRef, moment_of
from saleor_subscriptions.renewals.boundary import TermsCache, price_next_period, use_discount
from saleor_subscriptions.subscriptions.calendar import current_period, due_at
from saleor_subscriptions.subscriptions.models import Subscription


def reactivate_and_bill(
    subscription: SubscriptionRef, *, actor_id: str, reason: str = ""
) -> tuple[Subscription, Invoice | None]:
    """Reactivate (see the module doc) and open the invoice of the new period; the subscription, and the
    invoice (None when the period costs nothing). LifecycleError as `reactivate_subscription` refuses."""
    with transaction.atomic():
        sub = lifecycle.reactivate_subscription(
            subscription, actor=Actor.STAFF, actor_id=actor_id, reason=reason
        )
        now = moment_of(sub).now
        period = current_period(sub)
        redemption = (
            DiscountRedemption.objects.select_related("code")
            .filter(subscription=sub, ended_at__isnull=True)
            .order_by("-pk")
            .first()
        )
        draft = price_next_period(sub, period, TermsCache(), redemption=redemption, usage=[])
        if draft.net <= 0:
            return sub, None
        if draft.discounted is not None:
            use_discount(draft.discounted, now)
            draft.discounted.save(update_fields=["periods_used", "ended_at"])
        sub.setup_fee_billed = True
        sub.save(update_fields=["setup_fee_billed", "updated_at"])
        invoice = Invoice.objects.create(
            installation_id=sub.installation_id,
            subscription=sub,
            billing_reason=Invoice.Reason.RENEWAL,
            number=take_number(sub.installation, NumberSequence.Kind.INVOICE),
            status=Invoice.Status.OPEN,
            currency=sub.currency,
            period_index=sub.current_period_index,
            period_start=period.start,
            period_end=period.end,
            subtotal=draft.net,
            total=draft.net,
            amount_due=draft.net,
            due_at=min(now, due_at(sub, period.start)),
            issued_at=now,
            created_at=now,
            pipeline_step=Invoice.PipelineStep.ORDER,  # the sweeper orders and charges it at once
        )
        InvoiceLine.objects.bulk_create(
            InvoiceLine.of(invoice, position, line) for position, line in enumerate(draft.lines, start=1)
        )
    return sub, invoice
