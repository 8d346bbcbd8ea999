"""`subscriptionCheckoutLinesAdd`: the checkout hook, for storefronts (a customer token, or anonymous with the
`Saleor-Api-Url` header), and for staff whose dashboard token carries HANDLE_CHECKOUTS. See `saleor.checkout`
for the rules.

Why HANDLE_CHECKOUTS: the hook writes priced lines with the app's token, into any checkout of the shop a
staff caller names (a customer's too). In Saleor only a caller holding HANDLE_CHECKOUTS may set a checkout
line's price, so a staff caller needs what Saleor would ask of them for the same write."""

from __future__ import annotations

from typing import Any

import graphene

from saleor_subscriptions.api.auth import Principal
from saleor_subscriptions.api.context import ApiContext
from saleor_subscriptions.api.ids import parse_plan_id
from saleor_subscriptions.api.mutations.base import ApiMutation
from saleor_subscriptions.api.types.checkout import SubscriptionCheckoutLine
from saleor_subscriptions.api.types.errors import CheckoutError
from saleor_subscriptions.saleor.checkout import Buyer, CheckoutRefused, LineRequest, add_subscription_lines


class SubscriptionCheckoutLineInput(graphene.InputObjectType):
    variant_id = graphene.ID(required=True, description="The Saleor variant.")
    plan_id = graphene.ID(required=True, description="One of the variant's plans in the checkout's channel.")
    quantity = graphene.Int(
        required=True, description="At least 1; replaces the quantity of a line already there."
    )


STAFF_PERMISSION = "HANDLE_CHECKOUTS"


def buyer_of(principal: Principal) -> Buyer:
    if principal.customer is not None:
        return Buyer(user_id=principal.customer.user_id, email=principal.customer.email)
    return Buyer(staff=principal.staff is not None)


class SubscriptionCheckoutLinesAdd(ApiMutation):
    """Puts subscription lines into a Saleor checkout at the price of their first charge (setup fee plus the
    first period, prorated; only the setup fee in a trial; less the discount), with line metadata naming the
    plan. A line of the same variant and plan already there is changed and re-priced; other lines are left as
    they are."""

    class Arguments:
        checkout_id = graphene.ID(required=True, description="The Saleor checkout.")
        lines = graphene.List(graphene.NonNull(SubscriptionCheckoutLineInput), required=True)
        discount_code = graphene.String(description="A discount code for every line.")

    checkout_id = graphene.ID(description="The Saleor checkout, when the lines were put in.")
    lines = graphene.List(graphene.NonNull(SubscriptionCheckoutLine), required=True)
    errors = graphene.NonNull(graphene.List(graphene.NonNull(CheckoutError)))

    @classmethod
    def perform_mutation(cls, context: ApiContext, **data: Any) -> SubscriptionCheckoutLinesAdd:
        if context.principal.staff is not None:
            context.principal.require_permissions((STAFF_PERMISSION,))
        installation = context.principal.shop()
        requests = [
            LineRequest(
                variant_id=line["variant_id"],
                plan_id=parse_plan_id(line["plan_id"]),
                quantity=line["quantity"],
            )
            for line in data["lines"]
        ]
        try:
            lines = add_subscription_lines(
                installation,
                data["checkout_id"],
                requests,
                buyer=buyer_of(context.principal),
                discount_code=data.get("discount_code"),
            )
        except CheckoutRefused as refused:
            error = CheckoutError(
                field=refused.field,
                code=refused.code,
                message=refused.message,
                variants=refused.variants or None,
            )
            return cls(checkout_id=None, lines=[], errors=[error])
        return cls(checkout_id=data["checkout_id"], lines=lines, errors=[])
