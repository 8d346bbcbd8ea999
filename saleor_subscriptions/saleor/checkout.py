"""The checkout hook, Saleor's side: subscription lines put into a customer's Saleor checkout with the app's
price for the first charge and line metadata naming the plan (ARCHITECTURE flow 3; BILLING_RULES §1, §2, §9).

`add_subscription_lines` checks each requested line (quantity, plan active, of this variant, sold in the
checkout's channel), the discount code (the rules of §9 that hold before a subscription exists: the code
exists and is active, is valid now, is for this plan and currency, is not used up, and, when the customer is
known, not used up by this customer), prices the first charge (`billing.first_charge`), and then writes the
lines with the app's token: a line already holding the same variant and plan is updated (new quantity, new
price, new metadata), any other is added as a line of its own (`forceNewLine`), so a normal line of the same
variant is never merged into a subscription line. Lines without the plan metadata are left untouched.

Who may change which checkout: the app writes with its own token, so it checks what Saleor would check for
the caller: a checkout that belongs to a customer is changed only with that customer's token (or a staff
token); a guest checkout by anyone who knows its id, as in Saleor.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from saleor_subscriptions.billing.bounds import MAX_QUANTITY, max_charge
from saleor_subscriptions.billing.clock import local_date
from saleor_subscriptions.billing.errors import CodedError
from saleor_subscriptions.billing.first_charge import FirstCharge, first_charge
from saleor_subscriptions.catalog.models import Plan, PlanVersion
from saleor_subscriptions.discounts.models import DiscountCode
from saleor_subscriptions.lifecycle.discounts import as_discount, code_refusal
from saleor_subscriptions.saleor import line_metadata
from saleor_subscriptions.saleor.checkout_facts import (
    CheckoutFacts,
    CheckoutLineFacts,
    checkout_lines,
    read_checkout,
    read_variant,
)
from saleor_subscriptions.saleor.client import (
    SaleorClient,
    SaleorError,
    SaleorMutationError,
    SaleorUnavailable,
    TokenRejectedError,
)
from saleor_subscriptions.saleor.install import on_token_rejected
from saleor_subscriptions.saleor.models import SaleorApp
from saleor_subscriptions.subscriptions.models import customer_key
from saleor_subscriptions.tenants.models import Installation


class CheckoutErrorCode(StrEnum):
    """Why subscription lines were not put into a checkout; the values never change once released."""

    REQUIRED = "required"
    DUPLICATED_INPUT_ITEM = "duplicated_input_item"
    INVALID_QUANTITY = "invalid_quantity"
    PLAN_NOT_FOUND = "plan_not_found"
    PLAN_ARCHIVED = "plan_archived"
    PLAN_OF_ANOTHER_VARIANT = "plan_of_another_variant"
    CHECKOUT_NOT_FOUND = "checkout_not_found"
    CHECKOUT_OF_ANOTHER_CUSTOMER = "checkout_of_another_customer"
    CHANNEL_MISMATCH = "channel_mismatch"
    VARIANT_NOT_IN_CHANNEL = "variant_not_in_channel"
    INVALID_DISCOUNT_CODE = "invalid_discount_code"
    SALEOR_REFUSED = "saleor_refused"
    SALEOR_UNAVAILABLE = "saleor_unavailable"
    SHOP_NOT_CONNECTED = "shop_not_connected"


class CheckoutRefused(CodedError):
    """The lines were not put into the checkout: `field` names the input, `variants` the lines concerned."""

    def __init__(
        self, code: CheckoutErrorCode, message: str, field: str | None = None, variants: Sequence[str] = ()
    ) -> None:
        super().__init__(code, message, field)
        self.variants = list(variants)


@dataclass(frozen=True)
class LineRequest:
    """One line the storefront asks for; `plan_id` None when the given id names no plan at all."""

    variant_id: str
    plan_id: int | None
    quantity: int


@dataclass(frozen=True)
class Buyer:
    """Who asks: a customer of the shop (their Saleor user id and email), staff, or nobody known."""

    user_id: str | None = None
    email: str | None = None
    staff: bool = False


@dataclass(frozen=True)
class SubscriptionLine:
    """A subscription line as it now is in the checkout."""

    line_id: str | None
    variant_id: str
    plan: Plan
    version: PlanVersion
    quantity: int
    charge: FirstCharge
    discount_code: str
    updated: bool


def _line_refused(request: LineRequest, code: CheckoutErrorCode, field: str, message: str) -> CheckoutRefused:
    return CheckoutRefused(code, message, field, [request.variant_id])


def _check_requests(requests: Sequence[LineRequest]) -> None:
    if not requests:
        raise CheckoutRefused(CheckoutErrorCode.REQUIRED, "give at least one line", "lines")
    seen: set[tuple[str, int | None]] = set()
    for request in requests:
        if not 1 <= request.quantity <= MAX_QUANTITY:
            message = f"the quantity is 1 to {MAX_QUANTITY:,}, not {request.quantity:,}"
            raise _line_refused(request, CheckoutErrorCode.INVALID_QUANTITY, "quantity", message)
        if (request.variant_id, request.plan_id) in seen:
            message = "the same variant and plan are given twice"
            raise _line_refused(request, CheckoutErrorCode.DUPLICATED_INPUT_ITEM, "lines", message)
        seen.add((request.variant_id, request.plan_id))


def _plans(installation: Installation, requests: Sequence[LineRequest]) -> dict[int, Plan]:
    ids = [r.plan_id for r in requests if r.plan_id is not None]
    plans = {p.pk: p for p in Plan.objects.filter(installation=installation, pk__in=ids)}
    for request in requests:
        plan = plans.get(request.plan_id) if request.plan_id is not None else None
        if plan is None:
            raise _line_refused(
                request, CheckoutErrorCode.PLAN_NOT_FOUND, "planId", "no such plan in this shop"
            )
        if plan.status != Plan.Status.ACTIVE:
            message = "this plan is no longer offered"
            raise _line_refused(request, CheckoutErrorCode.PLAN_ARCHIVED, "planId", message)
        if plan.variant_id != request.variant_id:
            message = "this plan belongs to another variant"
            raise _line_refused(request, CheckoutErrorCode.PLAN_OF_ANOTHER_VARIANT, "planId", message)
    return plans


def _check_buyer(checkout: CheckoutFacts, buyer: Buyer) -> None:
    if checkout.user_id is None or buyer.staff or buyer.user_id == checkout.user_id:
        return
    message = "this checkout belongs to a customer: send that customer's token"
    raise CheckoutRefused(CheckoutErrorCode.CHECKOUT_OF_ANOTHER_CUSTOMER, message, "checkoutId")


def _check_channel(
    checkout: CheckoutFacts, requests: Sequence[LineRequest], plans: Mapping[int, Plan]
) -> None:
    for request in requests:
        assert request.plan_id is not None
        if plans[request.plan_id].channel_slug != checkout.channel_slug:
            message = f"this plan is sold in another channel than the checkout's ({checkout.channel_slug})"
            raise _line_refused(request, CheckoutErrorCode.CHANNEL_MISMATCH, "planId", message)


def _invalid_code(message: str) -> CheckoutRefused:
    return CheckoutRefused(CheckoutErrorCode.INVALID_DISCOUNT_CODE, message, "discountCode")


def usable_signup_code(
    installation: Installation, plan: Plan, code: str, now: datetime, buyer_key: str | None
) -> DiscountCode:
    """The installation's code `code` if a new subscription to `plan` may use it now (`code_refusal`; the
    per-customer limit only when the customer is known, `buyer_key`)."""
    found, refusal = code_refusal(installation.pk, plan.pk, plan.currency, code, now, customer_key=buyer_key)
    if found is None or refusal:
        raise _invalid_code(refusal)
    return found


def _buyer_key(checkout: CheckoutFacts, buyer: Buyer) -> str | None:
    user_id = checkout.user_id or (None if buyer.staff else buyer.user_id)
    email = checkout.email or (None if buyer.staff else buyer.email)
    if user_id is None and not email:
        return None
    return customer_key(user_id, email or "")


def _price_lines(
    client: SaleorClient,
    installation: Installation,
    checkout: CheckoutFacts,
    requests: Sequence[LineRequest],
    plans: Mapping[int, Plan],
    *,
    code: DiscountCode | None,
) -> list[SubscriptionLine]:
    today = local_date(installation.now(), installation.zone)
    priced = []
    for request in requests:
        assert request.plan_id is not None
        plan = plans[request.plan_id]
        version = plan.current_version()
        channel_price = None
        if version.price is None:
            listing = read_variant(client, request.variant_id, checkout.channel_slug)
            if listing is None or listing.price is None:
                message = "the variant has no price in the checkout's channel"
                raise _line_refused(request, CheckoutErrorCode.VARIANT_NOT_IN_CHANNEL, "variantId", message)
            channel_price = listing.price
        charge = first_charge(
            version.terms(channel_price),
            today,
            quantity=request.quantity,
            discount=as_discount(code) if code is not None else None,
        )
        most = max_charge(checkout.currency)
        if charge.total > most:
            message = f"the first charge would be more than one charge can be ({most})"
            raise _line_refused(request, CheckoutErrorCode.INVALID_QUANTITY, "quantity", message)
        existing = next((ln for ln in checkout.lines if ln.is_plan_line(request.variant_id, plan.pk)), None)
        priced.append(
            SubscriptionLine(
                line_id=existing.id if existing else None,
                variant_id=request.variant_id,
                plan=plan,
                version=version,
                quantity=request.quantity,
                charge=charge,
                discount_code=code.code if code is not None else "",
                updated=existing is not None,
            )
        )
    return priced


def _metadata(line: SubscriptionLine) -> list[dict[str, str]]:
    meta = line_metadata.SubscriptionLine(
        line.plan.pk, line.version.pk, line.discount_code, line.charge.unit_price
    )
    items = line_metadata.encode(meta)
    if line.updated and not line.discount_code:
        # Saleor merges metadata: an empty value clears a code given with an earlier add.
        items.append({"key": line_metadata.DISCOUNT_CODE, "value": ""})
    return items


def _line_input(line: SubscriptionLine) -> dict[str, Any]:
    values = {"quantity": line.quantity, "price": str(line.charge.unit_price), "metadata": _metadata(line)}
    if line.updated:
        return {"lineId": line.line_id, **values}
    # A line of its own: Saleor would otherwise merge it into a normal line of the same variant.
    return {"variantId": line.variant_id, **values, "forceNewLine": True}


def _write(client: SaleorClient, checkout: CheckoutFacts, lines: Sequence[SubscriptionLine]) -> Any:
    """Updates the lines already there, then adds the new ones; returns the checkout's lines afterwards."""
    updates = [_line_input(line) for line in lines if line.updated]
    adds = [_line_input(line) for line in lines if not line.updated]
    result: Any = None
    if updates:
        result = client.mutate(
            "checkout_lines_update", {"id": checkout.id, "lines": updates}, "checkoutLinesUpdate"
        )
    if adds:
        result = client.mutate("checkout_lines_add", {"id": checkout.id, "lines": adds}, "checkoutLinesAdd")
    return (result or {}).get("checkout", {}).get("lines")


def _saleor_refusal(exc: SaleorError) -> CheckoutRefused:
    if isinstance(exc, TokenRejectedError):
        return CheckoutRefused(
            CheckoutErrorCode.SHOP_NOT_CONNECTED, "the app is no longer installed in this shop"
        )
    if isinstance(exc, SaleorUnavailable):
        return CheckoutRefused(CheckoutErrorCode.SALEOR_UNAVAILABLE, "the shop cannot be reached; try again")
    if isinstance(exc, SaleorMutationError) and exc.details:
        detail = exc.details[0]
        field = "quantity" if detail.field == "quantity" else "lines"
        return CheckoutRefused(
            CheckoutErrorCode.SALEOR_REFUSED, f"Saleor: {detail.code}: {detail.message}", field
        )
    return CheckoutRefused(CheckoutErrorCode.SALEOR_REFUSED, f"Saleor refused the request: {exc}")


def add_subscription_lines(
    installation: Installation,
    checkout_id: str,
    requests: Sequence[LineRequest],
    *,
    buyer: Buyer,
    discount_code: str | None = None,
) -> list[SubscriptionLine]:
    """Puts the requested subscription lines into the Saleor checkout `checkout_id`, each at its first charge
    per unit with the plan, version, code and unit price in its metadata (see the module doc); CheckoutRefused
    for the first reason found."""
    _check_requests(requests)
    plans = _plans(installation, requests)
    saleor_app = SaleorApp.objects.filter(installation=installation).first()
    if installation.status != Installation.Status.ACTIVE or saleor_app is None:
        raise CheckoutRefused(CheckoutErrorCode.SHOP_NOT_CONNECTED, "the app is not installed in this shop")
    try:
        with on_token_rejected(installation), saleor_app.client() as client:
            checkout = read_checkout(client, checkout_id)
            if checkout is None:
                raise CheckoutRefused(CheckoutErrorCode.CHECKOUT_NOT_FOUND, "no such checkout", "checkoutId")
            _check_buyer(checkout, buyer)
            _check_channel(checkout, requests, plans)
            code = None
            if discount_code and discount_code.strip():
                key = _buyer_key(checkout, buyer)
                for plan in plans.values():
                    code = usable_signup_code(installation, plan, discount_code, installation.now(), key)
            lines = _price_lines(client, installation, checkout, requests, plans, code=code)
            after = checkout_lines(_write(client, checkout, lines))
    except SaleorError as exc:
        raise _saleor_refusal(exc) from exc
    return [_with_line_id(line, after) for line in lines]


def _with_line_id(line: SubscriptionLine, after: Sequence[CheckoutLineFacts]) -> SubscriptionLine:
    found = next((ln for ln in after if ln.is_plan_line(line.variant_id, line.plan.pk)), None)
    if found is None:
        return line
    return dataclasses.replace(line, line_id=found.id)
