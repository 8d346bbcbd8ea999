"""The fields of `Subscription` only staff read (`MANAGE_ORDERS`): the events timeline, every invoice with its
payments, the Saleor orders, the credit balance, pending changes and dunning. Asked by a customer, each is
refused (PERMISSION_DENIED / AUTHENTICATION_REQUIRED) and null."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import graphene

from saleor_subscriptions.api.context import context_of
from saleor_subscriptions.api.scalars import Decimal as DecimalScalar
from saleor_subscriptions.api.staff.access import READ_BILLING, require_any
from saleor_subscriptions.api.staff.invoice_types import InvoiceType
from saleor_subscriptions.api.staff.subscription_details import (
    load_attention,
    load_credit,
    load_events,
    load_invoices,
    load_payment_methods,
    loaded,
)
from saleor_subscriptions.api.staff.subscription_filters import SubscriptionAttention
from saleor_subscriptions.api.types.plans import PlanType, show_amount
from saleor_subscriptions.billing.dunning import DunningPolicy
from saleor_subscriptions.catalog.models import Plan
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.subscriptions.models import Subscription


def _staff_only(info: Any) -> None:
    require_any(context_of(info).principal, (READ_BILLING,))


def _staff_attribute(name: str) -> Callable[[Subscription, Any], Any]:
    """A resolver of the subscription's attribute `name`, for staff only."""

    def resolve(root: Subscription, info: Any) -> Any:
        _staff_only(info)
        return getattr(root, name)

    return resolve


class Money(graphene.ObjectType):
    currency = graphene.String(required=True)
    amount = DecimalScalar(required=True)


class SubscriptionPaymentMethodSummary(graphene.ObjectType):
    """A customer's saved payment method at Stripe, as last recorded."""

    class Meta:
        name = "SavedPaymentMethod"

    type = graphene.String(required=True, description='"card", "sepa_debit", …')
    livemode = graphene.Boolean(required=True)
    stripe_customer_id = graphene.String(required=True, description="cus_… in the shop's Stripe account.")


class SubscriptionEventType(graphene.ObjectType):
    """Something that happened to a subscription (BILLING_RULES §5): who, when, from which state to which,
    why."""

    class Meta:
        name = "SubscriptionEvent"

    at = graphene.DateTime(required=True)
    actor_type = graphene.String(required=True, description="customer, staff, app or system.")
    actor_id = graphene.String(required=True, description="The staff user's or customer's Saleor id, if any.")
    kind = graphene.String(required=True)
    from_status = graphene.String(required=True, description="Empty when the state did not change.")
    to_status = graphene.String(required=True)
    reason = graphene.String(required=True)
    data = graphene.JSONString(required=True, description="The event's figures (amounts, dates, invoice).")


class SaleorOrderLink(graphene.ObjectType):
    """A Saleor order the subscription made: the sign-up's, or a renewal's or change's invoice's."""

    id = graphene.ID(required=True, description="Saleor's order id (the dashboard's /orders/<id>).")
    invoice_number = graphene.String(description="Null for the sign-up order before its invoice.")
    billing_reason = graphene.String(required=True, description="signup, renewal, change or manual.")


class SubscriptionPendingChanges(graphene.ObjectType):
    """What is asked for and not yet in effect."""

    plan = graphene.Field(PlanType, description="A switch at the end of the period.")
    plan_from = graphene.Date(description="The switch applies at the first renewal on or after this day.")
    quantity = graphene.Int(description="A quantity decrease at the end of the period.")
    cancel_at = graphene.Date(description="A cancellation's effective day.")
    pause_periods_remaining = graphene.Int(description="Periods a pause still lasts; null: until resumed.")
    skipped_periods = graphene.List(graphene.NonNull(graphene.Int), required=True)


class DunningStepType(graphene.ObjectType):
    class Meta:
        name = "DunningStep"

    day = graphene.Int(required=True, description="Days after the due date of the failed charge.")
    action = graphene.String(required=True, description="remind, retry, suspend, warn_termination, cancel.")


class SubscriptionDunning(graphene.ObjectType):
    """Where the failed-payment process stands (BILLING_RULES §6); null when none runs."""

    past_due_since = graphene.Date(required=True, description="The due date of the unpaid invoice (day 0).")
    days_done = graphene.Int(description="The last step's day done; null before the first.")
    next_step = graphene.Field(DunningStepType, description="Null once the cancellation is done.")
    next_step_at = graphene.DateTime()
    steps = graphene.List(graphene.NonNull(DunningStepType), required=True, description="The policy's steps.")


class StaffSubscriptionFields:
    """Mixed into `Subscription`: see the module doc."""

    number = graphene.Int(description="The subscription's number (staff).")
    customer_user_id = graphene.String(description="The Saleor user's id; empty for a guest (staff).")
    customer_email = graphene.String(description="Staff.")
    customer_name = graphene.String(description="From the billing address (staff).")
    created_at = graphene.DateTime(description="Staff.")
    cancelled_at = graphene.DateTime(description="Staff.")
    cancel_reason = graphene.String(description="Staff.")
    paused_at = graphene.DateTime(description="Staff.")
    suspended_at = graphene.DateTime(description="Staff.")
    amount = DecimalScalar(
        description="A period's price before tax and discounts; null: the channel price (staff)."
    )
    payment_method_type = graphene.String(description="The saved method's type, as last recorded (staff).")
    attention = graphene.List(
        graphene.NonNull(SubscriptionAttention), description="Why it needs someone (staff)."
    )
    events = graphene.List(graphene.NonNull(SubscriptionEventType), description="Oldest first (staff).")
    invoice_details = graphene.List(
        graphene.NonNull(InvoiceType), description="Every invoice, drafts included, newest first (staff)."
    )
    saleor_orders = graphene.List(graphene.NonNull(SaleorOrderLink), description="Oldest first (staff).")
    credit_balance = graphene.List(graphene.NonNull(Money), description="The customer's credit (staff).")
    pending_changes = graphene.Field(SubscriptionPendingChanges, description="Staff.")
    dunning = graphene.Field(SubscriptionDunning, description="Null when no payment is failing (staff).")

    resolve_customer_user_id = staticmethod(_staff_attribute("customer_user_id"))
    resolve_customer_email = staticmethod(_staff_attribute("customer_email"))
    resolve_created_at = staticmethod(_staff_attribute("created_at"))
    resolve_cancelled_at = staticmethod(_staff_attribute("cancelled_at"))
    resolve_cancel_reason = staticmethod(_staff_attribute("cancel_reason"))
    resolve_paused_at = staticmethod(_staff_attribute("paused_at"))
    resolve_suspended_at = staticmethod(_staff_attribute("suspended_at"))

    @staticmethod
    def resolve_number(root: Subscription, info: Any) -> int:
        _staff_only(info)
        return root.pk

    @staticmethod
    def resolve_customer_name(root: Subscription, info: Any) -> str:
        _staff_only(info)
        return customer_name(root)

    @staticmethod
    def resolve_amount(root: Subscription, info: Any) -> str | None:
        _staff_only(info)
        price = root.unit_price if root.unit_price is not None else root.plan_version.price
        return None if price is None else show_amount(price * root.quantity, root.currency)

    @staticmethod
    def resolve_payment_method_type(root: Subscription, info: Any) -> object:
        _staff_only(info)
        return loaded(root, "staff_payment_method", load_payment_methods)

    @staticmethod
    def resolve_attention(root: Subscription, info: Any) -> object:
        _staff_only(info)
        return loaded(root, "staff_attention", load_attention)

    @staticmethod
    def resolve_events(root: Subscription, info: Any) -> object:
        _staff_only(info)
        return loaded(root, "staff_events", load_events)

    @staticmethod
    def resolve_invoice_details(root: Subscription, info: Any) -> object:
        _staff_only(info)
        return loaded(root, "staff_invoices", load_invoices)

    @staticmethod
    def resolve_saleor_orders(root: Subscription, info: Any) -> list[SaleorOrderLink]:
        _staff_only(info)
        invoices: list[Invoice] = loaded(root, "staff_invoices", load_invoices)  # type: ignore[assignment]
        links, seen = [], set()
        for invoice in sorted(invoices, key=lambda i: (i.period_start, i.pk)):
            if invoice.saleor_order_id and invoice.saleor_order_id not in seen:
                seen.add(invoice.saleor_order_id)
                links.append(SaleorOrderLink(invoice.saleor_order_id, invoice.number, invoice.billing_reason))
        if root.saleor_order_id and root.saleor_order_id not in seen:
            links.insert(0, SaleorOrderLink(root.saleor_order_id, None, "signup"))
        return links

    @staticmethod
    def resolve_credit_balance(root: Subscription, info: Any) -> list[Money]:
        _staff_only(info)
        found: list[tuple[str, Any]] = loaded(root, "staff_credit", load_credit)  # type: ignore[assignment]
        return [Money(currency, show_amount(amount, currency)) for currency, amount in found]

    @staticmethod
    def resolve_pending_changes(root: Subscription, info: Any) -> SubscriptionPendingChanges:
        _staff_only(info)
        pending = root.pending_plan_version
        plan: Plan | None = None if pending is None else pending.plan
        return SubscriptionPendingChanges(
            plan=plan,
            plan_from=root.pending_plan_version_from,
            quantity=root.pending_quantity,
            cancel_at=root.cancel_at,
            pause_periods_remaining=root.pause_periods_remaining if root.status == "paused" else None,
            skipped_periods=list(root.skip_periods or []),
        )

    @staticmethod
    def resolve_dunning(root: Subscription, info: Any) -> SubscriptionDunning | None:
        _staff_only(info)
        return dunning_of(root)


def customer_name(subscription: Subscription) -> str:
    address = subscription.billing_address or subscription.shipping_address or {}
    return " ".join(str(address.get(key, "")).strip() for key in ("firstName", "lastName")).strip()


def dunning_of(subscription: Subscription) -> SubscriptionDunning | None:
    since: date | None = subscription.past_due_since
    if since is None:
        return None
    version = subscription.plan_version
    policy = DunningPolicy.from_mapping(version.dunning, base=subscription.installation.default_dunning())
    steps = [DunningStepType(day=step.day, action=step.action.value) for step in policy.steps()]
    following = policy.next_step(subscription.dunning_days_done)
    return SubscriptionDunning(
        past_due_since=since,
        days_done=subscription.dunning_days_done,
        next_step=None if following is None else DunningStepType(following.day, following.action.value),
        next_step_at=subscription.next_dunning_at,
        steps=steps,
    )
