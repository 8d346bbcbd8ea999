"""The sign-up's invoice: every charge has an invoice, the first one included (BILLING_RULES §4, §8, §9).

A sign-up is charged by the Saleor checkout (the setup fee, the first or prorated period, or only the setup
fee while a free trial runs, after the code's discount). Once the checkout's order is paid and the
subscription activated, `make_first_invoice` stores that charge as an invoice like a renewal's: the engine's
own lines (`price_period` or `price_trial`, the same that priced the checkout line), numbered in the
installation's one sequence, linked to the order, Saleor's net, tax and gross of the subscription's order line
(`take_order_totals`, as a renewal takes its order's), `paid` on the day the order was paid, and the receipt
(the paid invoice, its PDF attached) queued. A free trial without a setup fee gets its 0.00 invoice too.

Decisions:
- The invoice bills the period the activation made current (a trial: the trial's dates), so its period index
  is the subscription's current one, and a credit for that period is taken from it (§8).
- A code redeemed at sign-up counts the first invoice as one of its periods when it discounted something on
  it, as every renewal it discounts does: a `once` code is spent on the sign-up.
- A checkout line holds one unit price, cut down to whole minor units (`billing.first_charge`); where unit
  price x quantity is less than the lines' total, a line "rounded down per unit" says so, so that the invoice
  is exactly what was charged. Any other difference (a checkout priced on an earlier day) is reported to the
  caller, which tells the shop.
- One invoice per subscription: asked again (a webhook delivered twice) it returns the invoice it made.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db import transaction

from saleor_subscriptions.billing.money import format_amount, minor_unit
from saleor_subscriptions.billing.pricing import (
    LineKind,
    LineTarget,
    PricedLine,
    price_period,
    price_trial,
    total,
)
from saleor_subscriptions.billing.wording import TIMES
from saleor_subscriptions.billing.wording_lines import facts
from saleor_subscriptions.discounts.models import DiscountCode, DiscountRedemption
from saleor_subscriptions.invoicing.models import Invoice, InvoiceLine, NumberSequence
from saleor_subscriptions.invoicing.numbering import take_number
from saleor_subscriptions.invoicing.paid_with import PaidMethod
from saleor_subscriptions.invoicing.parties import stamp_parties
from saleor_subscriptions.lifecycle.discounts import as_discount
from saleor_subscriptions.notifications.ports import Notifier
from saleor_subscriptions.renewals.batch import INVOICED
from saleor_subscriptions.renewals.boundary import discount_for_period, use_discount
from saleor_subscriptions.renewals.order_totals import take_order_totals
from saleor_subscriptions.renewals.ports import PlacedOrder
from saleor_subscriptions.subscriptions.calendar import TRIAL_INDEX, current_period, in_trial
from saleor_subscriptions.subscriptions.models import Subscription, SubscriptionEvent

ROUNDING_DESCRIPTION = "Rounded down to a whole unit price"


@dataclass(frozen=True)
class SignupCharge:
    """What the checkout's order charged for one subscription line."""

    order: PlacedOrder
    """The order's id and Saleor's net, tax and gross of the subscription's line (no shipping)."""
    unit_price: Decimal | None = None
    """The unit price the checkout line carried (its metadata), when known."""
    channel_price: Decimal | None = None
    """The variant's price in the channel, for a plan that has no price of its own."""
    discount_code: str = ""
    """The code the checkout priced the line with, when it was not redeemed on the subscription."""
    paid_method: PaidMethod | None = None
    """The method the checkout paid with, when the payments know it (`saleor.signup_signals`)."""


@dataclass
class FirstInvoice:
    invoice: Invoice
    created: bool
    warnings: list[str] = field(default_factory=list)


def _discount(subscription: Subscription, code: str) -> tuple[DiscountRedemption | None, DiscountCode | None]:
    """The redemption made at sign-up (its code), else the code the checkout priced with (not redeemed: the
    first invoice still shows what was charged)."""
    redemption = (
        DiscountRedemption.objects.select_related("code")
        .filter(subscription=subscription, ended_at__isnull=True)
        .order_by("pk")
        .first()
    )
    if redemption is not None:
        return redemption, redemption.code
    if not code:
        return None, None
    codes = DiscountCode.objects.filter(
        installation_id=subscription.installation_id, code__iexact=code.strip()
    )
    return None, codes.order_by("pk").first()


def first_invoice_lines(
    subscription: Subscription, *, channel_price: Decimal | None, discount_code: str
) -> tuple[list[PricedLine], DiscountRedemption | None]:
    """The lines of the sign-up's invoice (§4): the trial's 0.00 line or the current period (prorated when
    partial), the setup fee, the discount (the code redeemed on the subscription, else `discount_code`); and
    the redemption whose code they used, if any."""
    version = subscription.plan_version
    price = subscription.unit_price if subscription.unit_price is not None else version.price
    terms = version.terms(channel_price=price if price is not None else channel_price)
    redemption, code = _discount(subscription, discount_code)
    discount = (
        discount_for_period(redemption)
        if redemption is not None
        else (as_discount(code) if code is not None else None)
    )
    if in_trial(subscription):
        assert subscription.trial_start is not None and subscription.trial_end is not None
        lines = price_trial(
            terms,
            subscription.trial_start,
            subscription.trial_end,
            quantity=subscription.quantity,
            discount=discount,
        )
    else:
        lines = price_period(
            terms,
            current_period(subscription),
            quantity=subscription.quantity,
            include_setup_fee=True,
            discount=discount,
        )
    used = redemption if any(line.kind is LineKind.DISCOUNT for line in lines) else None
    return lines, used


def _rounding_line(lines: list[PricedLine], charge: SignupCharge, quantity: int, currency: str) -> PricedLine:
    expected = total(lines)
    assert charge.unit_price is not None
    charged = charge.unit_price * quantity
    off = charged - expected
    # The cut comes off the period's price (a credit for an unused part is a share of it), not the setup fee.
    return PricedLine(
        kind=LineKind.DISCOUNT,
        target=LineTarget.RECURRING,
        description=ROUNDING_DESCRIPTION,
        amount=off,
        quantity=1,
        unit_amount=off,
        period_start=None,
        period_end=None,
        reason=(
            f"the checkout charges a unit price: {quantity} {TIMES} "
            f"{format_amount(charge.unit_price, currency)} = {format_amount(charged, currency)} "
            f"of {format_amount(expected, currency)}"
        ),
        facts=facts(
            "rounding",
            currency=currency,
            quantity=quantity,
            unit_price=charge.unit_price,
            charged=charged,
            expected=expected,
        ),
    )


def _with_checkout_rounding(
    lines: list[PricedLine], charge: SignupCharge, quantity: int, currency: str, warnings: list[str]
) -> list[PricedLine]:
    if charge.unit_price is None:
        return lines
    short = total(lines) - charge.unit_price * quantity
    if short == 0:
        return lines
    if 0 < short < minor_unit(currency) * quantity:
        return [*lines, _rounding_line(lines, charge, quantity, currency)]
    warnings.append(
        f"the checkout charged {format_amount(charge.unit_price, currency)} x {quantity}, the first invoice "
        f"says {format_amount(total(lines), currency)}"
    )
    return lines


def make_first_invoice(
    subscription: Subscription, charge: SignupCharge, notifier: Notifier, *, now: datetime | None = None
) -> FirstInvoice:
    """The sign-up's invoice of an activated subscription, made once (see the module docstring): its lines,
    Saleor's totals of the order line, a number, `paid` at `now` (the installation's clock), the receipt
    queued. Runs in the caller's transaction (or its own)."""
    with transaction.atomic():
        sub = Subscription.objects.select_for_update().select_related("installation", "plan_version__plan")
        sub_row = sub.get(pk=subscription.pk)
        existing = Invoice.objects.filter(subscription=sub_row, billing_reason=Invoice.Reason.SIGNUP).first()
        if existing is not None:
            return FirstInvoice(existing, created=False)
        moment = now or sub_row.installation.now()
        warnings: list[str] = []
        priced, redemption = first_invoice_lines(
            sub_row, channel_price=charge.channel_price, discount_code=charge.discount_code
        )
        priced = _with_checkout_rounding(priced, charge, sub_row.quantity, sub_row.currency, warnings)
        trial = in_trial(sub_row)
        net = total(priced)
        invoice = Invoice(
            installation_id=sub_row.installation_id,
            subscription=sub_row,
            billing_reason=Invoice.Reason.SIGNUP,
            status=Invoice.Status.PAID,
            currency=sub_row.currency,
            period_index=TRIAL_INDEX if trial else sub_row.current_period_index,
            period_start=sub_row.current_period_start,
            period_end=sub_row.current_period_end,
            subtotal=net,
            total=net,
            due_at=moment,
            issued_at=moment,
            paid_at=moment,
            closed_at=moment,
            pipeline_step=Invoice.PipelineStep.DONE,
            created_at=moment,
        )
        invoice.paid_method = charge.paid_method
        stamp_parties(invoice, sub_row.installation, sub_row)
        lines = [
            InvoiceLine.of(invoice, position, line, sub_row.installation.language)
            for position, line in enumerate(priced, start=1)
        ]
        take_order_totals(invoice, lines, charge.order, sub_row.installation.language)
        invoice.amount_paid = invoice.amount_due
        invoice.number = take_number(sub_row.installation, NumberSequence.Kind.INVOICE)
        invoice.save()
        InvoiceLine.objects.bulk_create(lines)
        if redemption is not None:
            use_discount(redemption, moment)
            redemption.save(update_fields=["periods_used", "ended_at"])
        SubscriptionEvent.objects.create(
            installation_id=sub_row.installation_id,
            subscription=sub_row,
            at=moment,
            actor_type="app",
            kind=INVOICED,
            from_status=sub_row.status,
            to_status=sub_row.status,
            reason=f"invoice {invoice.number} for the sign-up, paid with order {charge.order.order_id}",
            data={
                "invoice": invoice.pk,
                "period_index": invoice.period_index,
                "net": str(net),
                "order": charge.order.order_id,
            },
        )
        notifier.receipt(invoice)
    return FirstInvoice(invoice, created=True, warnings=warnings)
