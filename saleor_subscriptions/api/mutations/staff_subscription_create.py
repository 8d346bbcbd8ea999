"""`staffSubscriptionCreate`: staff sign a customer up, paid from the saved method or through a pay link."""

from __future__ import annotations

from typing import Any

import graphene
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from saleor_subscriptions.api.auth import Scope
from saleor_subscriptions.api.context import ApiContext
from saleor_subscriptions.api.enums import SubscriptionCollectionEnum
from saleor_subscriptions.api.ids import parse_global_id, parse_plan_id
from saleor_subscriptions.api.mutations.staff_subscription_base import STAFF_ORDERS_PERMISSION
from saleor_subscriptions.api.mutations.subscription_mutation import SubscriptionMutation, reloaded
from saleor_subscriptions.catalog.models import Plan
from saleor_subscriptions.lifecycle.self_service import CustomerRequestCode
from saleor_subscriptions.payments.accounts import StripeSettingsError, account_for
from saleor_subscriptions.payments.customers import recorded_method
from saleor_subscriptions.renewals.staff_signup import Collection, create_and_bill
from saleor_subscriptions.renewals.wiring import ports_for
from saleor_subscriptions.subscriptions.errors import LifecycleError
from saleor_subscriptions.subscriptions.models import Subscription
from saleor_subscriptions.tenants.models import Installation

INVALID_CUSTOMER = "invalid_customer"
SALEOR_USER_TYPE = "User"
EMAIL_MAX = 254


def _known_email(installation: Installation, user_id: str) -> str:
    """The email the shop's subscriptions of the Saleor user `user_id` carry (the latest); "" when none."""
    return (
        Subscription.objects.filter(installation=installation, customer_user_id=user_id)
        .exclude(customer_email="")
        .order_by("-pk")
        .values_list("customer_email", flat=True)
        .first()
        or ""
    )


class StaffSubscriptionCreate(SubscriptionMutation):
    """Signs a customer up for a plan of the shop (issue 15): the subscription starts `incomplete` (the staff
    user named on its `start` event) with its sign-up invoice open, priced as a checkout's (the setup fee,
    the first period or the trial, the discount code), due on `startAt` (default today).

    `SAVED_METHOD`: the customer must have a saved payment method (else `NO_SAVED_METHOD`, field
    `collection`); the renewal runner's sweeper charges it off-session on the due date. `PAY_LINK`: the
    invoice's pay link is emailed to the customer. Either way the subscription becomes active (or starts its
    trial) when the invoice is paid; unpaid, it lapses 14 days after the invoice's due date, the invoice void.

    The customer is a Saleor user's global id (`customerId`, kept as a checkout keeps it) and/or an email;
    with only an id, the email of the shop's subscriptions of that user is taken."""

    class Arguments:
        customer_id = graphene.ID(description="The customer's Saleor user id (global id).")
        customer_email = graphene.String(
            description="The customer's email; needed unless the shop has a subscription of `customerId`."
        )
        plan_id = graphene.ID(required=True, description="The plan to subscribe to (its current version).")
        quantity = graphene.Int(description="Units (seats); 1 when absent.")
        start_at = graphene.Date(description="The day it (or its trial) starts; not in the past.")
        discount_code = graphene.String(description="A discount code for the plan, redeemed at once.")
        collection = SubscriptionCollectionEnum(required=True, description="How the first invoice is paid.")

    permissions = (STAFF_ORDERS_PERMISSION,)
    scope = Scope.WRITE
    fields = {"plan_version": "plan_id", "start_on": "start_at"}

    @classmethod
    def perform_mutation(cls, context: ApiContext, **data: Any) -> Any:
        staff = context.principal.require_permissions(cls.permissions, cls.scope)
        shop = context.principal.shop()
        plan_pk = parse_plan_id(data["plan_id"])
        plan = Plan.objects.filter(pk=plan_pk).first() if plan_pk is not None else None
        version = plan.versions.order_by("-version").first() if plan is not None else None
        if plan is None or version is None:
            message = f"no plan has the id {data['plan_id']!r}"
            return cls.refused("planId", CustomerRequestCode.PLAN_NOT_FOUND.value, message)
        version.plan = plan
        user_id = (data.get("customer_id") or "").strip()
        if user_id and parse_global_id(user_id, SALEOR_USER_TYPE) is None:
            return cls.refused("customerId", INVALID_CUSTOMER, f"{user_id!r} is not a Saleor user's id")
        email = (data.get("customer_email") or "").strip()
        if not email and user_id:
            email = _known_email(shop, user_id)
        if not email:
            message = "give the customer's email (the shop has no subscription of this user to take it from)"
            return cls.refused("customerEmail", INVALID_CUSTOMER, message)
        try:
            validate_email(email)
            if len(email) > EMAIL_MAX:
                raise ValidationError("too long")
        except ValidationError:
            return cls.refused("customerEmail", INVALID_CUSTOMER, f"{email!r} is not a valid email address")
        quantity = data.get("quantity")
        ports = ports_for(shop)
        try:
            sub, _invoice = create_and_bill(
                shop,
                version,
                customer_user_id=user_id,
                customer_email=email,
                quantity=1 if quantity is None else quantity,
                start_on=data.get("start_at"),
                discount_code=(data.get("discount_code") or "").strip(),
                collection=Collection(getattr(data["collection"], "value", data["collection"])),
                has_saved_method=cls._has_saved_method,
                actor_id=staff.user_id,
                notifier=ports.notifier,
                pay_url=ports.pay_url,
            )
        except LifecycleError as refused:
            return cls.lifecycle_refused(refused)
        return cls(subscription=reloaded(sub), errors=[])

    @staticmethod
    def _has_saved_method(subscription: Subscription) -> bool:
        """Whether the Stripe account of the subscription's channel has a saved method of its customer."""
        try:
            account = account_for(subscription.installation_id, subscription.channel_slug)
        except StripeSettingsError:
            return False
        return recorded_method(account, subscription.customer_key) is not None
