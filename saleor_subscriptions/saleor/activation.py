"""Sign-ups from Saleor orders: ORDER_CREATED / ORDER_FULLY_PAID start and activate one subscription per
subscription line; ORDER_CANCELLED / ORDER_FULLY_REFUNDED end what the order started (BILLING_RULES §5).

A subscription line is an order line whose metadata `line_metadata.decode`s to a plan (the checkout hook
wrote it on the checkout line and Saleor copied it to the order line). One order line makes at most one
subscription (`subscription_one_per_order_line`), so the order's events may come in any order and any number
of times. Each call runs in one transaction that first takes a lock on the order, so two deliveries about the
same order are applied one after the other; a payload that cannot be applied raises `BadPayload` and writes
nothing. Every state change goes through the lifecycle functions, which write the events.

The activation that takes a subscription's first payment also makes its first invoice (BILLING_RULES §4,
`renewals.first_invoice`) in the same transaction, from the order line's figures: so an order applied twice,
or its two webhooks racing, make one invoice per subscription. The invoice is written on the order later, as a
renewal's is (`order_records`).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, transaction

from saleor_subscriptions.billing.money import round_to_minor_unit
from saleor_subscriptions.billing.states import Actor, SubscriptionStatus
from saleor_subscriptions.catalog.models import PlanVersion
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.lifecycle import (
    activate_subscription,
    cancel_subscription,
    start_subscription,
)
from saleor_subscriptions.lifecycle.discounts import redeem, usable_code
from saleor_subscriptions.notifications.notifier import EmailNotifier
from saleor_subscriptions.renewals.first_invoice import SignupCharge, make_first_invoice
from saleor_subscriptions.renewals.ports import PlacedOrder
from saleor_subscriptions.saleor import line_metadata
from saleor_subscriptions.saleor.addresses import address_input
from saleor_subscriptions.saleor.models import WebhookDelivery
from saleor_subscriptions.saleor.money import SaleorMoneyError, amount_of
from saleor_subscriptions.saleor.order_buyer import tax_rate_of, vat_number_of
from saleor_subscriptions.saleor.signup_orders import channel_price
from saleor_subscriptions.saleor.signup_signals import method_that_paid
from saleor_subscriptions.saleor.webhooks.base import BadPayload, Payload
from saleor_subscriptions.subscriptions.errors import LifecycleError
from saleor_subscriptions.subscriptions.models import Subscription
from saleor_subscriptions.tenants.models import Installation

logger = logging.getLogger(__name__)

#: Who ends a subscription because its order was cancelled or refunded: the shop did it in Saleor (only
#: staff, or an app acting for them, can cancel or refund an order), and the transition table lets only a
#: customer or staff cancel at once.
ORDER_END_ACTOR = Actor.STAFF
ORDER_END_ACTOR_ID = "saleor"

#: The routes whose processed deliveries mean "this order is over": a late ORDER_CREATED starts nothing.
ORDER_ENDING_WEBHOOKS = ("order-cancelled", "order-fully-refunded")
ENDED = frozenset({SubscriptionStatus.CANCELLED, SubscriptionStatus.EXPIRED})


@dataclass(frozen=True)
class SubscriptionLine:
    """An order line that names a plan, checked against the catalog."""

    line_id: str
    version: PlanVersion
    quantity: int
    discount_code: str
    unit_price: Decimal | None = None
    """The unit price the checkout line carried (its metadata), when known."""
    totals: Mapping[str, Any] | None = None
    """Saleor's `totalPrice` of the order line (net, gross, tax)."""
    tax_rate: Decimal | None = None
    """Saleor's `taxRate` of the order line, a fraction (0.21), when given."""


def order_of(payload: Payload) -> Mapping[str, Any]:
    """The `order` of an order webhook's payload, with an id; BadPayload without one."""
    order = payload.get("order")
    if not isinstance(order, Mapping) or not isinstance(order.get("id"), str) or not order["id"]:
        raise BadPayload("the payload has no order")
    return order


def _amount(money: Any, what: str) -> Decimal:
    """The amount of a Saleor `Money` of the payload; BadPayload naming `what` when it is not exact."""
    try:
        return amount_of(money, what)
    except SaleorMoneyError as exc:
        raise BadPayload(str(exc)) from None


def is_paid(order: Mapping[str, Any]) -> bool:
    """Whether the order's transactions have charged its whole total (Saleor's charge status FULL or
    OVERCHARGED, or the charged amounts adding up to the gross total)."""
    if order.get("chargeStatus") in ("FULL", "OVERCHARGED"):
        return True
    total = _amount((order.get("total") or {}).get("gross"), "the order's total")
    transactions = order.get("transactions") or []
    charged = sum(
        (_amount(t.get("chargedAmount"), "a transaction's charged amount") for t in transactions), Decimal(0)
    )
    return charged >= total


def _lock_order(installation: Installation, order_id: str) -> None:
    """Serialises everything done for one order until the transaction ends (PostgreSQL advisory lock;
    SQLite, the embedded default, runs one writing transaction at a time anyway)."""
    assert connection.in_atomic_block, "the order lock lasts for a transaction"
    if connection.vendor != "postgresql":
        return
    digest = hashlib.sha256(f"saleor-order:{installation.pk}:{order_id}".encode()).digest()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(digest[:8], "big", signed=True)])


def _customer(order: Mapping[str, Any]) -> tuple[str | None, str]:
    user = order.get("user") if isinstance(order.get("user"), Mapping) else None
    user_id = str(user["id"]) if user and user.get("id") else None
    email = str((user or {}).get("email") or order.get("userEmail") or "").strip()
    if not email:
        raise BadPayload("the order has neither a customer nor a guest email")
    return user_id, email


def _channel_slug(order: Mapping[str, Any]) -> str:
    channel = order.get("channel")
    slug = channel.get("slug") if isinstance(channel, Mapping) else None
    if not isinstance(slug, str) or not slug:
        raise BadPayload("the order has no channel")
    return slug


def subscription_lines(installation: Installation, order: Mapping[str, Any]) -> list[SubscriptionLine]:
    """The order's subscription lines, each naming a plan version of this installation for the line's
    variant; BadPayload for half-written metadata, an unknown plan or version, a plan of another variant."""
    lines = order.get("lines")
    if not isinstance(lines, list):
        raise BadPayload("the order has no lines")
    found: list[SubscriptionLine] = []
    for line in lines:
        line_id = str(line.get("id") or "") if isinstance(line, Mapping) else ""
        if not line_id:
            raise BadPayload("an order line has no id")
        try:
            meta = line_metadata.decode(line.get("metadata") or [])
        except (line_metadata.BadLineMetadata, KeyError, TypeError) as exc:
            raise BadPayload(f"line {line_id}: bad subscription metadata: {exc}") from exc
        if meta is None:
            continue
        version = (
            PlanVersion.objects.select_related("plan")
            .filter(installation=installation, pk=meta.plan_version_id)
            .first()
        )
        if version is None or version.plan_id != meta.plan_id:
            raise BadPayload(
                f"line {line_id}: plan {meta.plan_id} has no version {meta.plan_version_id} in this shop"
            )
        variant = line.get("variant")
        variant_id = variant.get("id") if isinstance(variant, Mapping) else None
        if variant_id != version.plan.variant_id:
            raise BadPayload(f"line {line_id}: plan {meta.plan_id} is for another variant than {variant_id}")
        quantity = line.get("quantity")
        if isinstance(quantity, bool) or not isinstance(quantity, int):
            raise BadPayload(f"line {line_id}: no quantity")
        found.append(
            SubscriptionLine(
                line_id,
                version,
                quantity,
                meta.discount_code,
                meta.first_charge,
                line.get("totalPrice"),
                tax_rate_of(line.get("taxRate"), line_id),
            )
        )
    return found


def _renewal_order(installation: Installation, order: Mapping[str, Any]) -> bool:
    """An order the renewals made (its external reference is one of our invoice numbers); a sign-up's own
    order carries its first invoices, but is no renewal order."""
    reference = order.get("externalReference")
    invoices = Invoice.objects.filter(installation=installation).exclude(billing_reason=Invoice.Reason.SIGNUP)
    if reference and invoices.filter(number=reference).exists():
        return True
    return invoices.filter(saleor_order_id=order["id"]).exists()


def _order_ended(installation: Installation, order_id: str) -> bool:
    return WebhookDelivery.objects.filter(
        installation=installation,
        object_id=order_id,
        name__in=ORDER_ENDING_WEBHOOKS,
        status=WebhookDelivery.Status.PROCESSED,
    ).exists()


def _start(
    installation: Installation,
    order: Mapping[str, Any],
    line: SubscriptionLine,
    *,
    customer: tuple[str | None, str],
    channel_slug: str,
    warnings: list[str],
) -> Subscription:
    user_id, email = customer
    try:
        subscription = start_subscription(
            installation,
            line.version,
            customer_user_id=user_id,
            customer_email=email,
            quantity=line.quantity,
            channel_slug=channel_slug,
            actor=Actor.CUSTOMER,
            actor_id=user_id or email,
        )
    except LifecycleError as refused:
        raise BadPayload(f"line {line.line_id}: {refused.code.value}: {refused.message}") from refused
    subscription.saleor_order_id = order["id"]
    subscription.saleor_order_line_id = line.line_id
    subscription.billing_address = address_input(order.get("billingAddress")) or {}
    subscription.customer_vat_number = vat_number_of(order, warnings)
    subscription.shipping_address = address_input(order.get("shippingAddress")) or {}
    method = order.get("shippingMethod")
    subscription.shipping_method_id = str(method.get("id") or "") if isinstance(method, Mapping) else ""
    subscription.save(
        update_fields=[
            "saleor_order_id",
            "saleor_order_line_id",
            "billing_address",
            "customer_vat_number",
            "shipping_address",
            "shipping_method_id",
            "updated_at",
        ]
    )
    if line.discount_code:
        now = installation.now()
        try:
            code = usable_code(subscription, line.version, line.discount_code, now)
        except LifecycleError as refused:
            # The first charge was priced with the code; the sign-up still stands, the shop must look.
            warnings.append(f"line {line.line_id}: discount code not redeemed: {refused.message}")
            logger.warning("order %s line %s: %s", order["id"], line.line_id, refused.message)
        else:
            redeem(subscription, code, now)
    return subscription


def _line_totals(line: SubscriptionLine, order_id: str, currency: str) -> PlacedOrder:
    """Saleor's net, tax and gross of the subscription's order line, as the order the invoice takes its
    totals from (shipping belongs to the whole order, not to one subscription)."""
    totals = line.totals
    if not isinstance(totals, Mapping):
        raise BadPayload(f"line {line.line_id} has no total price")
    net = _amount(totals.get("net"), f"line {line.line_id}'s net")
    gross = _amount(totals.get("gross"), f"line {line.line_id}'s gross")
    tax = _amount(totals["tax"], f"line {line.line_id}'s tax") if totals.get("tax") else gross - net
    return PlacedOrder(
        order_id=order_id,
        net=round_to_minor_unit(net, currency),
        tax=round_to_minor_unit(tax, currency),
        gross=round_to_minor_unit(gross, currency),
        tax_rate=line.tax_rate,
    )


def _first_invoice(
    installation: Installation,
    order: Mapping[str, Any],
    line: SubscriptionLine,
    subscription: Subscription,
    warnings: list[str],
) -> Invoice:
    """The first invoice of a subscription its order just activated (§4)."""
    charge = SignupCharge(
        order=_line_totals(line, str(order["id"]), subscription.currency),
        unit_price=line.unit_price,
        channel_price=channel_price(installation, line.version, subscription.channel_slug),
        discount_code=line.discount_code,
        paid_method=method_that_paid(installation.pk, order),
    )
    made = make_first_invoice(subscription, charge, EmailNotifier())
    for warning in made.warnings:
        warnings.append(f"line {line.line_id}: {warning}")
        logger.warning("order %s line %s: %s", order["id"], line.line_id, warning)
    return made.invoice


def sign_up_from_order(installation: Installation, order: Mapping[str, Any], *, paid: bool) -> dict[str, Any]:
    """Start one subscription per subscription line of the order (customer, quantity, channel, plan version,
    addresses, shipping method, order and line ids, discount code) and, once the order is paid (`paid`, or
    its transactions cover its total), activate each that waits for its first payment (§5). Lines that
    already have their subscription are not started again; one already active is not activated again.
    Renewal orders and orders already cancelled or refunded start nothing."""
    order_id = str(order["id"])
    outcome: dict[str, Any] = {"order": order_id, "number": order.get("number")}
    with transaction.atomic():
        _lock_order(installation, order_id)
        if _renewal_order(installation, order):
            return outcome | {"skipped": "a renewal order"}
        if _order_ended(installation, order_id):
            return outcome | {"skipped": "the order was already cancelled or refunded"}
        lines = subscription_lines(installation, order)
        if not lines:
            return outcome | {"skipped": "no subscription line"}
        customer = _customer(order)
        channel_slug = _channel_slug(order)
        paid = paid or is_paid(order)
        started: list[int] = []
        activated: list[int] = []
        invoices: list[Invoice] = []
        warnings: list[str] = []
        for line in lines:
            subscription = Subscription.objects.filter(
                installation=installation, saleor_order_line_id=line.line_id
            ).first()
            if subscription is None:
                subscription = _start(
                    installation, order, line, customer=customer, channel_slug=channel_slug, warnings=warnings
                )
                started.append(subscription.pk)
            if not paid:
                continue
            if subscription.state is SubscriptionStatus.INCOMPLETE:
                subscription = activate_subscription(subscription, actor=Actor.APP, order_id=order_id)
                activated.append(subscription.pk)
                invoices.append(_first_invoice(installation, order, line, subscription, warnings))
            elif subscription.state in ENDED:
                warnings.append(f"subscription {subscription.pk} is {subscription.status}: paid too late")
                logger.warning("order %s paid, but subscription %s had ended", order_id, subscription.pk)
    return outcome | {
        "paid": paid,
        "started": started,
        "activated": activated,
        "invoices": [invoice.number or "" for invoice in invoices],
        "warnings": warnings,
    }


def end_order_subscriptions(
    installation: Installation, order: Mapping[str, Any], *, event: str
) -> dict[str, Any]:
    """The order was cancelled or fully refunded: every subscription it started ends now, without a credit
    (the money goes back with the refund, or was never taken); an unpaid sign-up simply ends (§5)."""
    order_id = str(order["id"])
    reason = f"order #{order.get('number') or order_id} {event.lower().replace('_', ' ')} in Saleor"
    ended: list[int] = []
    already: list[int] = []
    with transaction.atomic():
        _lock_order(installation, order_id)
        subscriptions: Sequence[Subscription] = list(
            Subscription.objects.filter(installation=installation, saleor_order_id=order_id).order_by("pk")
        )
        for subscription in subscriptions:
            if subscription.state in ENDED:
                already.append(subscription.pk)
                continue
            cancel_subscription(
                subscription,
                actor=ORDER_END_ACTOR,
                actor_id=ORDER_END_ACTOR_ID,
                effect="immediately",
                credit=False,
                reason=f"{event}: {reason}",
            )
            ended.append(subscription.pk)
    return {"order": order_id, "number": order.get("number"), "ended": ended, "already_ended": already}
