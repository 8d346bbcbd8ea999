"""What each email says: the figures of one message, taken from the domain, written in the shop's language.

A `Message` holds everything a template needs as ready-made text (amounts with currency, dates spelled out),
so the templates only arrange words, and the same figure reads the same in the email and on the invoice PDF.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from saleor_subscriptions.billing.money import round_money
from saleor_subscriptions.catalog.models import PlanVersion
from saleor_subscriptions.invoicing.documents import formatting as fmt
from saleor_subscriptions.invoicing.documents.pdf import shop_name
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.invoicing.paid_with import CREDIT, paid_with_text
from saleor_subscriptions.notifications.models import MessageKind
from saleor_subscriptions.subscriptions.models import Subscription
from saleor_subscriptions.tenants.models import Installation


@dataclass(frozen=True)
class Message:
    """One email to write: to whom, on which occasion (the idempotency key) and the template's context."""

    kind: MessageKind
    installation: Installation
    to_email: str
    idempotency_key: str
    context: dict[str, Any]
    invoice: Invoice | None = None
    attach_invoice_pdf: bool = False

    @property
    def language(self) -> fmt.Language:
        return fmt.language_of(self.installation.language)


Composer = Callable[[], Message]


def signup_confirmed(subscription: Subscription) -> Message:
    context = _subscription_context(subscription)
    trial_end = subscription.trial_end if subscription.status == "trialing" else None
    context["trial_end"] = _day(trial_end, subscription)
    return _message(MessageKind.SIGNUP_CONFIRMED, subscription, context, f"subscription:{subscription.pk}")


def trial_ending(subscription: Subscription) -> Message:
    context = _subscription_context(subscription)
    context["trial_end"] = _day(subscription.trial_end, subscription)
    context["first_charge_on"] = context["next_billing_on"] or context["trial_end"]
    key = f"subscription:{subscription.pk}:{subscription.trial_end}"
    return _message(MessageKind.TRIAL_ENDING, subscription, context, key)


def renewal_upcoming(invoice: Invoice) -> Message:
    context = _invoice_context(invoice)
    return _message(
        MessageKind.RENEWAL_UPCOMING, invoice.subscription, context, f"invoice:{invoice.pk}", invoice=invoice
    )


def renewal_reminder(subscription: Subscription, renews_on: date) -> Message:
    context = _subscription_context(subscription)
    context["renews_on"] = _day(renews_on, subscription)
    key = f"subscription:{subscription.pk}:{renews_on}"
    return _message(MessageKind.RENEWAL_REMINDER, subscription, context, key)


def receipt(invoice: Invoice) -> Message:
    context = _invoice_context(invoice)
    return _message(
        MessageKind.RECEIPT,
        invoice.subscription,
        context,
        f"invoice:{invoice.pk}",
        invoice=invoice,
        attach_invoice_pdf=True,
    )


def payment_failed(invoice: Invoice, pay_url: str, *, attempt: int | None = None) -> Message:
    context = _invoice_context(invoice)
    context["pay_url"] = pay_url
    step = attempt if attempt is not None else (invoice.subscription.dunning_days_done or 0)
    return _message(
        MessageKind.PAYMENT_FAILED,
        invoice.subscription,
        context,
        f"invoice:{invoice.pk}:{step}",
        invoice=invoice,
    )


def payment_request(invoice: Invoice, pay_url: str) -> Message:
    context = _invoice_context(invoice)
    context["pay_url"] = pay_url
    return _message(
        MessageKind.PAYMENT_REQUEST, invoice.subscription, context, f"invoice:{invoice.pk}", invoice=invoice
    )


def suspended(subscription: Subscription, *, pay_url: str | None = None) -> Message:
    context = _dunning_context(subscription, pay_url)
    key = f"subscription:{subscription.pk}:{subscription.past_due_since or _today(subscription)}"
    return _message(MessageKind.SUSPENDED, subscription, context, key)


def termination_warning(
    subscription: Subscription, *, terminates_on: date | None = None, pay_url: str | None = None
) -> Message:
    context = _dunning_context(subscription, pay_url)
    context["terminates_on"] = _day(terminates_on, subscription)
    key = f"subscription:{subscription.pk}:{subscription.past_due_since or _today(subscription)}"
    return _message(MessageKind.TERMINATION_WARNING, subscription, context, key)


def cancelled(subscription: Subscription) -> Message:
    context = _subscription_context(subscription)
    zone = subscription.installation.time_zone
    if subscription.ended_at is not None:
        ends_on: date = fmt.local_date(subscription.ended_at, zone)
    else:
        # cancel_at is the first day without access; the customer reads the last day with it
        ends_on = (subscription.cancel_at or subscription.current_period_end) - timedelta(days=1)
    context["ends_on"] = _day(ends_on, subscription)
    context["already_ended"] = subscription.ended_at is not None
    context["nonpayment"] = subscription.cancel_reason == "nonpayment"
    return _message(MessageKind.CANCELLED, subscription, context, f"subscription:{subscription.pk}:{ends_on}")


def cancellation_scheduled(subscription: Subscription, cancel_at: date) -> Message:
    """A cancellation at a period end was asked for: it takes effect on `cancel_at`, the first day without
    access (the customer reads the last day with it)."""
    context = _subscription_context(subscription)
    context["ends_on"] = _day(cancel_at - timedelta(days=1), subscription)
    context["cancel_at"] = _day(cancel_at, subscription)
    key = f"subscription:{subscription.pk}:{cancel_at}"
    return _message(MessageKind.CANCELLATION_SCHEDULED, subscription, context, key)


def cancellation_undone(subscription: Subscription, withdrawn: date | None) -> Message:
    """The pending cancellation that would have taken effect on `withdrawn` was undone: the subscription
    goes on, billed as before."""
    context = _subscription_context(subscription)
    context["withdrawn_on"] = _day(withdrawn, subscription)
    key = f"subscription:{subscription.pk}:{withdrawn}"
    return _message(MessageKind.CANCELLATION_UNDONE, subscription, context, key)


def expired(subscription: Subscription) -> Message:
    context = _subscription_context(subscription)
    zone = subscription.installation.time_zone
    ended = (
        fmt.local_date(subscription.ended_at, zone)
        if subscription.ended_at
        else subscription.current_period_end
    )
    context["ended_on"] = _day(ended, subscription)
    context["cycles"] = subscription.cycles_billed
    return _message(MessageKind.EXPIRED, subscription, context, f"subscription:{subscription.pk}")


def plan_changed(subscription: Subscription, old_version: PlanVersion, new_version: PlanVersion) -> Message:
    context = _subscription_context(subscription)
    language = fmt.language_of(subscription.installation.language)
    at_period_end = subscription.pending_plan_version_id == new_version.pk
    effective_on = subscription.current_period_end if at_period_end else _today(subscription)
    context.update(
        old_plan_name=old_version.plan.name,
        new_plan_name=new_version.plan.name,
        new_price=_price(new_version, subscription, language),
        effective_on=_day(effective_on, subscription),
        at_period_end=at_period_end,
    )
    key = f"subscription:{subscription.pk}:{old_version.pk}:{new_version.pk}:{effective_on}"
    return _message(MessageKind.PLAN_CHANGED, subscription, context, key)


def price_change_notice(subscription: Subscription, new_version: PlanVersion, effective_on: date) -> Message:
    context = _subscription_context(subscription)
    language = fmt.language_of(subscription.installation.language)
    context.update(
        old_price=context["price"],
        new_price=_price(new_version, subscription, language, keep_own_price=False),
        effective_on=_day(effective_on, subscription),
    )
    key = f"subscription:{subscription.pk}:{new_version.pk}"
    return _message(MessageKind.PRICE_CHANGE_NOTICE, subscription, context, key)


def for_contact(compose: Composer, contact_id: int, email: str, link: str) -> Message:
    """The customer's message written for one of their billing contacts: to them, on an occasion of their
    own, saying whose it is, and with the contact's own link where the customer's pay link was."""
    message = compose()
    context = {**message.context, "contact_of": message.to_email, "pay_url": link, "contact_url": link}
    return replace(
        message,
        to_email=email,
        idempotency_key=f"{message.idempotency_key}:contact:{contact_id}",
        context=context,
    )


def _message(
    kind: MessageKind,
    subscription: Subscription,
    context: dict[str, Any],
    occasion: str,
    *,
    invoice: Invoice | None = None,
    attach_invoice_pdf: bool = False,
) -> Message:
    return Message(
        kind=kind,
        installation=subscription.installation,
        to_email=subscription.customer_email,
        idempotency_key=f"{kind.value}:{occasion}",
        context=context,
        invoice=invoice,
        attach_invoice_pdf=attach_invoice_pdf,
    )


def _subscription_context(subscription: Subscription) -> dict[str, Any]:
    installation = subscription.installation
    language = fmt.language_of(installation.language)
    version = subscription.plan_version
    next_billing = (
        fmt.local_date(subscription.next_billing_at, installation.time_zone)
        if subscription.next_billing_at is not None
        else None
    )
    return {
        "language": language,
        "shop_name": shop_name(installation),
        "customer_email": subscription.customer_email,
        "subscription_id": subscription.pk,
        "plan_name": version.plan.name,
        "quantity": subscription.quantity,
        "price": _price(version, subscription, language),
        "yearly": version.interval == "year",
        "next_billing_on": _day(next_billing, subscription),
        "period": fmt.period(subscription.current_period_start, subscription.current_period_end, language),
    }


def _invoice_context(invoice: Invoice) -> dict[str, Any]:
    context = _subscription_context(invoice.subscription)
    language: fmt.Language = context["language"]
    zone = invoice.installation.time_zone
    currency = invoice.currency
    paid_on = fmt.local_date(invoice.paid_at, zone) if invoice.paid_at else None
    context.update(
        invoice_number=invoice.number or "",
        total=fmt.money(invoice.total, currency, language),
        credit_applied=fmt.money(invoice.credit_applied, currency, language)
        if invoice.credit_applied
        else "",
        amount_due=fmt.money(invoice.amount_due, currency, language),
        amount_paid=fmt.money(invoice.amount_paid or invoice.amount_due, currency, language),
        due_on=fmt.day(fmt.local_date(invoice.due_at, zone), language),
        paid_on=fmt.day(paid_on, language) if paid_on else "",
        paid_with=_paid_with(invoice, language),
        period=fmt.period(invoice.period_start, invoice.period_end, language),
    )
    return context


def _paid_with(invoice: Invoice, language: fmt.Language) -> str:
    """The method that paid the part not paid from credit ("Visa •••• 4242"); empty when not known."""
    method = invoice.paid_method
    if method is None or method == CREDIT:
        return ""
    return paid_with_text(method, language)


def _dunning_context(subscription: Subscription, pay_url: str | None) -> dict[str, Any]:
    context = _subscription_context(subscription)
    language: fmt.Language = context["language"]
    open_invoice = subscription.invoices.filter(status=Invoice.Status.OPEN).order_by("-due_at").first()
    context["pay_url"] = pay_url or ""
    context["amount_due"] = (
        fmt.money(open_invoice.amount_due, open_invoice.currency, language) if open_invoice else ""
    )
    context["invoice_number"] = (open_invoice.number or "") if open_invoice else ""
    return context


def _price(
    version: PlanVersion, subscription: Subscription, language: fmt.Language, *, keep_own_price: bool = True
) -> str:
    """The price of one period for this subscription's quantity, (`€ 78,00 per maand`); empty if unknown."""
    unit: Decimal | None = version.price
    if keep_own_price and subscription.unit_price is not None:
        unit = subscription.unit_price
    if unit is None:
        return ""
    amount = round_money(unit, version.plan.currency) * subscription.quantity
    return fmt.price_per_interval(
        amount, version.plan.currency, version.interval, version.interval_count, language
    )


def _day(value: date | None, subscription: Subscription) -> str:
    return fmt.day(value, fmt.language_of(subscription.installation.language)) if value else ""


def _today(subscription: Subscription) -> date:
    installation = subscription.installation
    return fmt.local_date(installation.now(), installation.time_zone)
