"""Staff sign a customer up (issue 15, `staffSubscriptionCreate`): a subscription and its sign-up invoice,
collected from the customer's saved payment method or through a pay link (BILLING_RULES §4, §5).

The lifecycle makes the subscription as the checkout does (`start_subscription`, `incomplete`, the staff user
as actor; a later start day puts its trial or first period on that day). In the same transaction the sign-up
invoice is opened: the same lines as the checkout's first invoice (`first_invoice_lines`: the trial's setup
fee or the first period, the setup fee, the code redeemed now), numbered in the installation's one sequence,
due on the start day at the installation's due hour.

- `saved_method`: the invoice waits in the pipeline's order step; the renewal runner's sweeper makes its
  Saleor order and charges the saved method off-session on its due date (`pipeline`), as for a renewal.
- `pay_link`: the invoice is left for the customer (pipeline step `done`) and its pay link is emailed.

Either way the subscription becomes active (or starts its trial) when the invoice is paid
(`outcomes.mark_paid_many` activates an `incomplete` subscription whose sign-up invoice it is). Unpaid, it
lapses `PAY_LINK_WINDOW` after the invoice's due date (`lifecycle.signup.lapse_deadline`), its invoice void.
A sign-up that costs nothing (a 100% code on a plan without a setup fee) is activated at once, its 0.00
invoice paid.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from enum import StrEnum

from django.db import transaction

from saleor_subscriptions import lifecycle
from saleor_subscriptions.billing.pricing import total
from saleor_subscriptions.billing.states import Actor
from saleor_subscriptions.catalog.models import PlanVersion
from saleor_subscriptions.discounts.models import DiscountCode
from saleor_subscriptions.invoicing.models import Invoice, InvoiceLine, NumberSequence
from saleor_subscriptions.invoicing.numbering import take_number
from saleor_subscriptions.lifecycle.discounts import redeem, usable_code
from saleor_subscriptions.lifecycle.transition import refuse
from saleor_subscriptions.notifications.ports import Notifier
from saleor_subscriptions.renewals.boundary import use_discount
from saleor_subscriptions.renewals.first_invoice import first_invoice_lines
from saleor_subscriptions.renewals.outcomes import PayUrl
from saleor_subscriptions.subscriptions.calendar import due_at
from saleor_subscriptions.subscriptions.errors import LifecycleErrorCode
from saleor_subscriptions.subscriptions.models import Subscription
from saleor_subscriptions.tenants.models import Installation


class Collection(StrEnum):
    SAVED_METHOD = "saved_method"
    PAY_LINK = "pay_link"


def create_and_bill(
    installation: Installation,
    version: PlanVersion,
    *,
    customer_user_id: str,
    customer_email: str,
    quantity: int,
    start_on: date | None,
    discount_code: str,
    collection: Collection,
    has_saved_method: Callable[[Subscription], bool],
    actor_id: str,
    notifier: Notifier,
    pay_url: PayUrl,
) -> tuple[Subscription, Invoice]:
    """Start the subscription and open its sign-up invoice (see the module doc). LifecycleError as
    `start_subscription` refuses; `no_saved_method` (field `collection`) when `saved_method` is asked and
    `has_saved_method` (the payments' record, which this layer cannot read) says the customer has none;
    `discount_code_invalid` (field `discount_code`) for a code it may not use;
    `price_unknown` (field `plan_version`) for a plan priced by the variant's channel price, which only the
    checkout knows."""
    if version.price is None:
        raise refuse(
            LifecycleErrorCode.PRICE_UNKNOWN,
            "this plan takes the variant's channel price: only a checkout can sign up for it",
            "plan_version",
        )
    with transaction.atomic():
        sub = lifecycle.start_subscription(
            installation,
            version,
            customer_user_id=customer_user_id or None,
            customer_email=customer_email,
            quantity=quantity,
            channel_slug=version.plan.channel_slug,
            actor=Actor.STAFF,
            actor_id=actor_id,
            start_on=start_on,
        )
        now = sub.started_at
        if collection is Collection.SAVED_METHOD and not has_saved_method(sub):
            message = "the customer has no saved payment method: send a pay link instead"
            raise refuse(LifecycleErrorCode.NO_SAVED_METHOD, message, "collection")
        code: DiscountCode | None = usable_code(sub, version, discount_code, now) if discount_code else None
        if code is not None:
            redeem(sub, code, now)
        lines, used = first_invoice_lines(sub, channel_price=None, discount_code="")
        if used is not None:
            use_discount(used, now)
            used.save(update_fields=["periods_used", "ended_at"])
        amount = total(lines)
        free = amount <= 0
        pay_by_card = collection is Collection.SAVED_METHOD and not free
        invoice = Invoice.objects.create(
            installation_id=sub.installation_id,
            subscription=sub,
            billing_reason=Invoice.Reason.SIGNUP,
            number=take_number(installation, NumberSequence.Kind.INVOICE),
            status=Invoice.Status.OPEN,
            currency=sub.currency,
            period_index=sub.current_period_index,
            period_start=sub.current_period_start,
            period_end=sub.current_period_end,
            subtotal=amount,
            total=amount,
            amount_due=amount,
            due_at=max(now, due_at(sub, sub.trial_start or sub.calendar_start)),
            issued_at=now,
            created_at=now,
            pipeline_step=Invoice.PipelineStep.ORDER if pay_by_card else Invoice.PipelineStep.DONE,
        )
        InvoiceLine.objects.bulk_create(
            InvoiceLine.of(invoice, position, line) for position, line in enumerate(lines, start=1)
        )
        if free:
            invoice.status = Invoice.Status.PAID
            invoice.paid_at = invoice.closed_at = now
            invoice.save(update_fields=["status", "paid_at", "closed_at"])
            sub = lifecycle.activate_subscription(sub, actor=Actor.STAFF, actor_id=actor_id)
        elif collection is Collection.PAY_LINK:
            notifier.payment_request(invoice, pay_url(invoice))
    return sub, invoice
