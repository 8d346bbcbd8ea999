"""Small billing histories written as the lifecycle and the renewals write them: a subscription, its events
(every state change, every invoice made), its period invoices with their lines, and its charges."""

# ruff: noqa: E501 (SQL and table-like literals read best on one line)

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal

from saleor_subscriptions.catalog.models import PlanVersion
from saleor_subscriptions.invoicing.models import Invoice, InvoiceLine, NumberSequence
from saleor_subscriptions.renewals.models import PaymentAttempt
from saleor_subscriptions.subscriptions.models import Subscription, SubscriptionEvent
from tests.factories import make_subscription


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


@dataclass
class History:
    """One subscription's history; `number` hands out the installation's invoice numbers in order."""

    subscription: Subscription
    status: str = ""

    @classmethod
    def start(
        cls, version: PlanVersion, day: date, *, quantity: int = 1, email: str = "a@example.com"
    ) -> History:
        sub = make_subscription(
            version, quantity=quantity, customer_email=email, calendar_start=day, current_period_start=day,
            current_period_end=date(day.year + 1, day.month, day.day), status="incomplete",
        )  # fmt: skip
        Subscription.objects.filter(pk=sub.pk).update(time_zone="UTC")
        history = cls(sub)
        history.event(day, "start", "incomplete")
        return history

    def event(self, day: date, kind: str, to_status: str | None = None, hour: int = 10) -> None:
        target = to_status or self.status
        SubscriptionEvent.objects.create(
            installation_id=self.subscription.installation_id,
            subscription=self.subscription,
            at=at(day, hour),
            actor_type="system",
            kind=kind,
            from_status=self.status,
            to_status=target,
        )
        self.status = target
        Subscription.objects.filter(pk=self.subscription.pk).update(status=target)

    def invoice(
        self,
        start: date,
        end: date,
        amount: str,
        *,
        index: int,
        reason: str = "renewal",
        discount: str | None = None,
        partial: str | None = None,
        status: str = "paid",
        charge: bool = True,
    ) -> Invoice:
        """A period invoice of `amount` (the plan's price x quantity), written as the renewal batch writes it:
        lines, a number, the `invoiced` event; `partial` is the prorated amount of a partial period; paid by a
        succeeded charge unless `status` says otherwise."""
        sub = self.subscription
        listed = Decimal(amount)
        billed = Decimal(partial) if partial else listed
        off = Decimal(discount or 0)
        total = billed - off
        invoice = Invoice.objects.create(
            installation_id=sub.installation_id, subscription=sub, billing_reason=reason,
            number=take(sub), status=status, currency=sub.currency, period_index=index, period_start=start,
            period_end=end, subtotal=total, total=total, amount_due=total,
            amount_paid=total if status == "paid" else 0, due_at=at(start), issued_at=at(start),
            paid_at=at(start) if status == "paid" else None, saleor_order_id=f"order-{index}",
        )  # fmt: skip
        quantity = sub.quantity
        InvoiceLine.objects.create(
            installation_id=sub.installation_id, invoice=invoice, position=1,
            kind="proration" if partial else "plan", target="recurring", description="plan",
            quantity=quantity, unit_amount=listed / quantity, amount=billed, period_start=start, period_end=end,
        )  # fmt: skip
        if off:
            InvoiceLine.objects.create(
                installation_id=sub.installation_id, invoice=invoice, position=2, kind="discount",
                target="recurring", description="discount", unit_amount=-off, amount=-off,
            )  # fmt: skip
        if charge and status == "paid" and total > 0:
            PaymentAttempt.objects.create(
                installation_id=sub.installation_id, invoice=invoice, number=1,
                idempotency_key=f"invoice-{invoice.pk}-attempt-1", amount=total, currency=sub.currency,
                status="succeeded", reference=f"pi_{invoice.pk}",
            )  # fmt: skip
        self.event(start, "invoiced", hour=9)
        return invoice


def take(subscription: Subscription) -> str:
    sequence, _ = NumberSequence.objects.get_or_create(
        installation_id=subscription.installation_id, kind="invoice", defaults={"prefix": "INV-"}
    )
    number = sequence.next_number
    NumberSequence.objects.filter(pk=sequence.pk).update(next_number=number + 1)
    return f"INV-{number:06d}"
