"""Staff refund a paid invoice (BILLING_RULES §7 "an admin may also … refund", §8): all or part of it, as
money back through Stripe or as credit on the customer's balance, each recorded as a credit note on the
invoice.

- `money_back`: the invoice's Stripe charge is refunded (`refunds.refund_invoice`, which refuses more than
  is left of the charge at Stripe) and a credit note of the amount documents it, naming the Stripe refund;
  the credit balance does not change.
- credit: a credit note of the amount on the customer's balance, used first by later invoices; no money moves.

Never more than the invoice's total less what its credit notes gave back already (money back, also never
more than its Stripe charge has left). The invoice row is locked for the whole refund, so two staff refunds of
one invoice run one after the other. A request carries an idempotency key: sent again, Stripe answers the
first refund and the credit note of that refund is answered, so a retried request refunds once.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import stripe
from django.db import transaction
from django.db.models import Sum

from saleor_subscriptions.billing.money import is_representable, round_money
from saleor_subscriptions.billing.states import Actor
from saleor_subscriptions.invoicing.credits import CreditReason, issue_credit_note
from saleor_subscriptions.invoicing.models import CreditNote, Invoice
from saleor_subscriptions.payments.charges import ClientFor
from saleor_subscriptions.payments.refunds import RefundErrorCode, RefundRefused, refund_invoice
from saleor_subscriptions.payments.stripe_client import account_client
from saleor_subscriptions.renewals.ports import GatewayUnavailable
from saleor_subscriptions.subscriptions.errors import LifecycleError, LifecycleErrorCode
from saleor_subscriptions.subscriptions.models import SubscriptionEvent

INVOICE_REFUNDED = "invoice_refunded"
IDEMPOTENCY_KEY_MAX = 100


@dataclass(frozen=True)
class StaffRefund:
    credit_note: CreditNote
    amount: Decimal
    money_back: bool
    stripe_refund: str  # Stripe's refund id; empty for credit


def _refuse(code: LifecycleErrorCode, message: str, field: str | None = "invoice") -> LifecycleError:
    return LifecycleError(code, message, field)


def refundable(invoice: Invoice) -> Decimal:
    """What is left to give back of a paid invoice: its total less its credit notes (§8)."""
    noted = CreditNote.objects.filter(invoice=invoice).aggregate(total=Sum("amount"))["total"]
    return round_money(invoice.total - (noted or Decimal(0)), invoice.currency)


def _checked_amount(invoice: Invoice, amount: Decimal | None) -> Decimal:
    currency, left = invoice.currency, refundable(invoice)
    if left <= 0:
        raise _refuse(
            LifecycleErrorCode.NOTHING_TO_REFUND, f"invoice {invoice.number} was given back in full"
        )
    if amount is None:
        return left
    if not amount.is_finite() or amount <= 0 or not is_representable(amount, currency):
        raise _refuse(
            LifecycleErrorCode.INVALID_REFUND_AMOUNT,
            f"an amount above 0 in {currency}'s minor units, not {amount}",
            "amount",
        )
    if amount > left:
        raise _refuse(
            LifecycleErrorCode.REFUND_TOO_LARGE,
            f"at most {left} {currency} is left to give back on invoice {invoice.number}, not {amount}",
            "amount",
        )
    return amount


def refund_paid_invoice(
    invoice: Invoice,
    amount: Decimal | None,
    *,
    money_back: bool,
    actor_id: str,
    reason: str,
    idempotency_key: str | None = None,
    client_for: ClientFor = account_client,
) -> StaffRefund:
    """Refunds `amount` (None: all that is left) of a paid invoice as the staff user `actor_id` (module doc);
    the subscription's event `invoice_refunded` says how much, how and why. A LifecycleError naming
    `invoice`, `amount` or `idempotency_key` refuses it, and nothing is written."""
    if idempotency_key is not None and not 1 <= len(idempotency_key.strip()) <= IDEMPOTENCY_KEY_MAX:
        raise _refuse(
            LifecycleErrorCode.INVALID_IDEMPOTENCY_KEY,
            f"1 to {IDEMPOTENCY_KEY_MAX} characters, not blank",
            "idempotency_key",
        )
    with transaction.atomic():
        locked = (
            Invoice.objects.select_for_update()
            .select_related("subscription__installation")
            .get(pk=invoice.pk)
        )
        key = "" if idempotency_key is None else f"staff-refund-{locked.pk}-{idempotency_key.strip()}"
        earlier = _earlier(locked, key, amount, money_back) if key else None
        if earlier is not None:
            return earlier
        if locked.status != Invoice.Status.PAID:
            raise _refuse(LifecycleErrorCode.INVOICE_NOT_PAID, f"invoice {locked.number} is {locked.status}")
        wanted = _checked_amount(locked, amount)
        if not key:  # the same refund of the invoice as it stands is the same request
            key = f"staff-refund-{locked.pk}-{refundable(locked)}-{wanted}-{int(money_back)}"
        stripe_refund = ""
        if money_back:
            wanted = min(wanted, locked.amount_paid) if amount is None else wanted
            stripe_refund = _money_back(locked, wanted, client_for, key)
        note = issue_credit_note(
            locked.subscription,
            wanted,
            reason=CreditReason("refund", text=reason.strip(), paid_back=money_back),
            invoice=locked,
            refund_reference=stripe_refund,
        )
        made = StaffRefund(note, wanted, money_back, stripe_refund)
        _record(locked, made, actor_id=actor_id, reason=reason, request=key)
    return made


def _earlier(invoice: Invoice, key: str, amount: Decimal | None, money_back: bool) -> StaffRefund | None:
    """The refund a request with this key made already; a LifecycleError when the key asked for another."""
    event = SubscriptionEvent.objects.filter(
        subscription_id=invoice.subscription_id, kind=INVOICE_REFUNDED, data__request=key
    ).first()
    if event is None:
        return None
    made = event.data
    note = CreditNote.objects.get(installation_id=invoice.installation_id, number=made["credit_note"])
    same_amount = amount is None or Decimal(made["amount"]) == amount
    if made["invoice"] != invoice.number or (made["as"] == "money_back") != money_back or not same_amount:
        raise _refuse(
            LifecycleErrorCode.INVALID_IDEMPOTENCY_KEY,
            f"the key was used for another refund ({made['amount']} of invoice {made['invoice']})",
            "idempotency_key",
        )
    return StaffRefund(note, note.amount, money_back, made["stripe_refund"])


def _money_back(invoice: Invoice, amount: Decimal, client_for: ClientFor, key: str) -> str:
    if amount <= 0:
        raise _refuse(
            LifecycleErrorCode.NOTHING_TO_REFUND, f"nothing of invoice {invoice.number} was charged"
        )
    try:
        refunded = refund_invoice(client_for, invoice, amount, idempotency_key=key)
    except RefundRefused as refused:
        if refused.code is RefundErrorCode.NOTHING_PAID:
            raise _refuse(LifecycleErrorCode.NOTHING_TO_REFUND, refused.message) from None
        if refused.code is RefundErrorCode.INVALID:
            raise _refuse(LifecycleErrorCode.INVALID_REFUND_AMOUNT, refused.message, "amount") from None
        raise _refuse(LifecycleErrorCode.REFUND_TOO_LARGE, refused.message, "amount") from None
    except stripe.StripeError as exc:  # a disputed charge, say: Stripe's own words for staff
        message = exc.user_message or str(exc)
        raise _refuse(LifecycleErrorCode.REFUND_REFUSED, f"Stripe refused the refund: {message}") from None
    except GatewayUnavailable as down:
        raise _refuse(
            LifecycleErrorCode.GATEWAY_UNAVAILABLE, f"{down}; nothing was refunded, try again", None
        ) from None
    return refunded.reference


def _record(invoice: Invoice, refund: StaffRefund, *, actor_id: str, reason: str, request: str) -> None:
    subscription = invoice.subscription
    how = "paid back through Stripe" if refund.money_back else "credited to the balance"
    SubscriptionEvent.objects.create(
        installation_id=invoice.installation_id,
        subscription=subscription,
        at=subscription.installation.now(),
        actor_type=Actor.STAFF.value,
        actor_id=actor_id,
        kind=INVOICE_REFUNDED,
        from_status=subscription.status,
        to_status=subscription.status,
        reason=reason[:200],
        data={
            "invoice": invoice.number,
            "amount": str(refund.amount),
            "as": "money_back" if refund.money_back else "credit_note",
            "credit_note": refund.credit_note.number,
            "stripe_refund": refund.stripe_refund,
            "request": request,
            "message": f"{refund.amount} {invoice.currency} of invoice {invoice.number} {how}",
        },
    )
