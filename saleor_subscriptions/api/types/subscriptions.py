"""A customer's subscription as the storefront shows it ("my subscriptions"), its invoices (the open ones with
their pay links), the payment method renewals charge, and the link to replace it."""

from __future__ import annotations

from typing import Any

import graphene
from django.db.models import QuerySet

from saleor_subscriptions.api.context import context_of
from saleor_subscriptions.api.enums import InvoiceStatusEnum, SubscriptionStatusEnum
from saleor_subscriptions.api.ids import subscription_global_id
from saleor_subscriptions.api.scalars import Decimal as DecimalScalar
from saleor_subscriptions.api.staff.subscription_fields import StaffSubscriptionFields
from saleor_subscriptions.api.types.plans import PlanTerms, PlanType, show_amount
from saleor_subscriptions.api.types.saved_methods import CustomerPaymentMethod, saved_payment_methods
from saleor_subscriptions.billing.wording_lines import language_of_code
from saleor_subscriptions.catalog.models import Plan, PlanVersion
from saleor_subscriptions.invoicing.links import document_url, pay_url, payment_method_url
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.invoicing.paid_with import paid_with_text
from saleor_subscriptions.lifecycle.pricing import unit_price
from saleor_subscriptions.payments.accounts import StripeSettingsError, account_for
from saleor_subscriptions.payments.customers import recorded_method
from saleor_subscriptions.payments.models import StripeAccount, StripeCustomer
from saleor_subscriptions.subscriptions.errors import LifecycleError
from saleor_subscriptions.subscriptions.models import Subscription
from saleor_subscriptions.subscriptions.rules import ENDED, can_still_reactivate

PAYABLE = (Invoice.Status.OPEN, Invoice.Status.UNCOLLECTIBLE)


def payable_invoices() -> QuerySet[Invoice]:
    """Invoices still owed, oldest first."""
    return Invoice.objects.filter(status__in=PAYABLE).order_by("due_at", "pk")


def issued_invoices() -> QuerySet[Invoice]:
    """Every invoice with a number (the sign-up's, renewals', changes'), newest first."""
    return Invoice.objects.exclude(status=Invoice.Status.DRAFT).order_by("-issued_at", "-pk")


class SubscriptionPaymentMethod(graphene.ObjectType):
    """The payment method renewals are charged to, as last saved (at checkout, on the pay page, or on the
    payment-method page)."""

    type = graphene.String(required=True, description='Stripe\'s type of the method: "card" or "sepa_debit".')
    brand = graphene.String(description='A card\'s brand as Stripe names it ("visa"); null when not known.')
    last4 = graphene.String(description="The last four digits of the card or IBAN; null when not known.")


class SubscriptionInvoice(graphene.ObjectType):
    """An invoice of the subscription: the sign-up's, a renewal's or a change's (BILLING_RULES §4)."""

    number = graphene.String(required=True)
    status = InvoiceStatusEnum(required=True)
    currency = graphene.String(required=True)
    total = DecimalScalar(required=True, description="Gross, before credit.")
    amount_due = DecimalScalar(required=True, description="What is owed: the total less credit applied.")
    period_start = graphene.Date(required=True, description="The first day of the period it bills.")
    period_end = graphene.Date(required=True, description="The day after that period (end exclusive).")
    due_at = graphene.DateTime(required=True)
    paid_at = graphene.DateTime(description="When it was paid; null while it is not.")
    paid_with = graphene.String(
        description=(
            'What paid it, in the shop\'s language: "Visa •••• 4242", "SEPA Direct Debit", "iDEAL", '
            '"bank transfer", "credit balance"; null while not paid or when not known.'
        )
    )
    missing_seller_details = graphene.Boolean(
        required=True,
        description=(
            "True: issued before the shop set its legal name, address, VAT number and registration number "
            "(`saleor-subscriptions installation seller`), so the document lacks what an invoice must state."
        ),
    )
    document_url = graphene.String(
        required=True, description="The invoice as a PDF (a signed link that does not expire)."
    )
    pay_url = graphene.String(
        description=(
            "The pay page for this invoice (signed, valid PAY_LINK_MAX_AGE_DAYS); null while the app is "
            "still to charge it on the saved payment method, and when paying can no longer bring the "
            "subscription back."
        )
    )

    @staticmethod
    def resolve_status(root: Invoice, _info: Any) -> str:
        return root.status

    @staticmethod
    def resolve_total(root: Invoice, _info: Any) -> str:
        return show_amount(root.total, root.currency)

    @staticmethod
    def resolve_amount_due(root: Invoice, _info: Any) -> str:
        return show_amount(root.amount_due, root.currency)

    @staticmethod
    def resolve_paid_with(root: Invoice, _info: Any) -> str | None:
        method = root.paid_method
        if method is None:
            return None
        return paid_with_text(method, language_of_code(root.installation.language))

    @staticmethod
    def resolve_document_url(root: Invoice, _info: Any) -> str:
        return document_url(root)

    @staticmethod
    def resolve_pay_url(root: Invoice, _info: Any) -> str | None:
        if root.status not in PAYABLE:
            return None
        if root.pipeline_step != Invoice.PipelineStep.DONE:  # not offered while its own charge is to come
            return None
        return pay_url(root) if can_still_reactivate(root.subscription) else None


class SubscriptionType(StaffSubscriptionFields, graphene.ObjectType):
    """A customer's subscription to a plan (BILLING_RULES §5 for the states)."""

    class Meta:
        name = "Subscription"

    id = graphene.ID(required=True)
    status = SubscriptionStatusEnum(required=True)
    plan = graphene.Field(PlanType, required=True)
    terms = graphene.Field(
        PlanTerms, required=True, description="The terms of the plan version this subscription is on."
    )
    channel = graphene.String(required=True, description="The Saleor channel's slug.")
    currency = graphene.String(required=True)
    quantity = graphene.Int(required=True)
    unit_price = DecimalScalar(
        description=(
            "Per unit per period before tax and discounts (an admin's price, if set); null when the plan "
            "charges the variant's price in the channel (Saleor's product price)."
        )
    )
    started_at = graphene.DateTime(required=True)
    trial_end = graphene.Date(
        description="The day the free trial ends, the first day billed (end exclusive); null without a trial."
    )
    current_period_start = graphene.Date(required=True, description="The first day of the current period.")
    current_period_end = graphene.Date(
        required=True, description="The day after the current period (periods are [start, end))."
    )
    next_billing_at = graphene.DateTime(description="When the next charge is due; null when none is.")
    cancel_at = graphene.Date(description="The day a cancellation already asked for takes effect.")
    pending_plan = graphene.Field(
        PlanType, description="The plan a switch asked for takes effect on at the end of the period."
    )
    pending_quantity = graphene.Int(description="The quantity from the end of the period (a decrease).")
    ended_at = graphene.DateTime()
    payment_method = graphene.Field(
        SubscriptionPaymentMethod, description="Null when none is saved or Stripe is not connected."
    )
    open_invoices = graphene.List(
        graphene.NonNull(SubscriptionInvoice), required=True, description="Invoices still owed, oldest first."
    )
    invoices = graphene.List(
        graphene.NonNull(SubscriptionInvoice),
        required=True,
        description="Every invoice with a number, the sign-up's included, newest first.",
    )
    saved_payment_methods = graphene.List(
        graphene.NonNull(CustomerPaymentMethod),
        description=(
            "Every card and bank account the customer saved that renewals can charge, the default first "
            "(asks Stripe); null when Stripe is not connected or cannot be reached. Choose the default "
            "with subscriptionPaymentMethodSetDefault."
        ),
    )
    payment_method_update_url = graphene.String(
        description=(
            "The page where the customer saves another card for the renewals (a Stripe SetupIntent; signed, "
            "valid PAY_LINK_MAX_AGE_DAYS); null once the subscription has ended or Stripe is not connected."
        )
    )

    @staticmethod
    def resolve_id(root: Subscription, _info: Any) -> str:
        return subscription_global_id(root.pk)

    @staticmethod
    def resolve_status(root: Subscription, _info: Any) -> str:
        return root.status

    @staticmethod
    def resolve_plan(root: Subscription, _info: Any) -> Plan:
        return root.plan_version.plan

    @staticmethod
    def resolve_pending_plan(root: Subscription, _info: Any) -> Plan | None:
        pending = root.pending_plan_version
        return None if pending is None else pending.plan

    @staticmethod
    def resolve_terms(root: Subscription, _info: Any) -> PlanVersion:
        return root.plan_version

    @staticmethod
    def resolve_channel(root: Subscription, _info: Any) -> str:
        return root.channel_slug

    @staticmethod
    def resolve_unit_price(root: Subscription, _info: Any) -> str | None:
        try:
            return show_amount(unit_price(root), root.currency)
        except LifecycleError:  # PRICE_UNKNOWN: the variant's channel price
            return None

    @staticmethod
    def resolve_payment_method(root: Subscription, info: Any) -> SubscriptionPaymentMethod | None:
        account = _stripe_account(info, root)
        if account is None:
            return None
        memo = context_of(info).memo  # a customer's subscriptions share their saved method: read it once
        key = ("recorded_method", account.pk, root.customer_key)
        if key not in memo:
            memo[key] = recorded_method(account, root.customer_key)
        saved: StripeCustomer | None = memo[key]
        if saved is None:
            return None
        return SubscriptionPaymentMethod(
            type=saved.payment_method_type,
            brand=saved.payment_method_brand or None,
            last4=saved.payment_method_last4 or None,
        )

    @staticmethod
    def resolve_open_invoices(root: Subscription, _info: Any) -> list[Invoice]:
        prefetched: list[Invoice] | None = getattr(root, "payable", None)
        invoices = list(payable_invoices().filter(subscription=root)) if prefetched is None else prefetched
        for invoice in invoices:
            invoice.subscription = root
        return invoices

    @staticmethod
    def resolve_invoices(root: Subscription, _info: Any) -> list[Invoice]:
        prefetched: list[Invoice] | None = getattr(root, "issued", None)
        invoices = list(issued_invoices().filter(subscription=root)) if prefetched is None else prefetched
        for invoice in invoices:
            invoice.subscription = root
        return invoices

    @staticmethod
    def resolve_saved_payment_methods(root: Subscription, info: Any) -> list[Any] | None:
        return saved_payment_methods(_stripe_account(info, root), root.customer_key)

    @staticmethod
    def resolve_payment_method_update_url(root: Subscription, info: Any) -> str | None:
        if root.status in ENDED or _stripe_account(info, root) is None:
            return None
        return payment_method_url(root)


def _stripe_account(info: Any, subscription: Subscription) -> StripeAccount | None:
    """The Stripe account of the subscription's channel (None: not connected), looked up once a request."""
    memo = context_of(info).memo
    key = ("stripe_account", subscription.installation_id, subscription.channel_slug)
    if key not in memo:
        try:
            memo[key] = account_for(subscription.installation_id, subscription.channel_slug)
        except StripeSettingsError:
            memo[key] = None
    found: StripeAccount | None = memo[key]
    return found
