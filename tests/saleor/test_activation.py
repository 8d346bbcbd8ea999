"""Activation from Saleor orders (BILLING_RULES §5): ORDER_CREATED / ORDER_FULLY_PAID start and activate one
subscription per subscription line, in any order and any number of times; ORDER_CANCELLED and
ORDER_FULLY_REFUNDED end what the order started; deleting a product or variant archives its plans; a payload
that cannot be applied fails with its reason and writes nothing.

Deliveries are stored as the intake stores an accepted one and applied by the worker's `apply_delivery`.
The order payloads are built in the shape of `graphql/saleor/webhook_order_*.graphql` (checked below), so a
test cannot feed activation a field Saleor would not send.
"""

from __future__ import annotations

import json
import uuid
from decimal import Decimal
from typing import Any

import pytest
from graphql import FieldNode, FragmentDefinitionNode, FragmentSpreadNode, InlineFragmentNode, parse
from graphql.language import OperationDefinitionNode, SelectionSetNode

from saleor_subscriptions.catalog.archive import archive_plans
from saleor_subscriptions.catalog.models import Plan, PlanVersion
from saleor_subscriptions.discounts.models import DiscountCode, DiscountRedemption
from saleor_subscriptions.saleor import line_metadata
from saleor_subscriptions.saleor.documents import document
from saleor_subscriptions.saleor.models import WebhookDelivery
from saleor_subscriptions.saleor.webhooks.registry import WEBHOOKS
from saleor_subscriptions.saleor.webhooks.tasks import apply_delivery
from saleor_subscriptions.subscriptions.calendar import billing_calendar, set_period
from saleor_subscriptions.subscriptions.models import Subscription, SubscriptionEvent
from saleor_subscriptions.tenants.models import Installation
from tests.lifecycle.helpers import at, period_invoice, plan, sandbox

pytestmark = pytest.mark.django_db

ORDER_ID = "T3JkZXI6MTcwOTEzOTU="
USER_ID = "VXNlcjox"
EMAIL = "melissa.sanders@example.com"
ADDRESS = {
    "id": "QWRkcmVzczoxNDk=",
    "firstName": "Melissa",
    "lastName": "Sanders",
    "companyName": "Sanders Consulting",
    "streetAddress1": "500 Woodward Avenue",
    "streetAddress2": "Suite 1200",
    "city": "DETROIT",
    "cityArea": "",
    "postalCode": "48226",
    "country": {"code": "US", "country": "United States of America"},
    "countryArea": "MI",
    "phone": "+13135550188",
}
SHIPPING = ADDRESS | {"id": "QWRkcmVzczoxNDc=", "companyName": "", "streetAddress1": "1470 Pinewood Avenue"}


# --- payloads in the documents' shape -----------------------------------------------------------------------


def _money(amount: str, currency: str = "USD", *, tax: bool = False) -> dict[str, Any]:
    value: dict[str, Any] = {
        "net": {"amount": float(amount), "currency": currency},
        "gross": {"amount": float(amount), "currency": currency},
    }
    if tax:
        value["tax"] = {"amount": 0.0, "currency": currency}
    return value


def order_line(
    line_id: str, *, variant: str, price: str = "39.00", quantity: int = 1, metadata: list[dict[str, str]]
) -> dict[str, Any]:
    return {
        "id": line_id,
        "variant": {"id": variant, "product": {"id": "UHJvZHVjdDox"}},
        "productName": "Coffee club",
        "variantName": "250 g",
        "productSku": "COF-250",
        "quantity": quantity,
        "unitPrice": _money(price, tax=True),
        "undiscountedUnitPrice": _money(price),
        "totalPrice": _money(str(Decimal(price) * quantity), tax=True),
        "taxRate": 0.0,
        "metadata": metadata,
    }


def subscription_line(
    version: PlanVersion, line_id: str = "T3JkZXJMaW5lOjE=", *, quantity: int = 1, code: str = ""
) -> dict[str, Any]:
    """An order line as the checkout hook leaves it: the plan's variant, metadata naming plan and version."""
    metadata = line_metadata.encode(
        line_metadata.SubscriptionLine(version.plan_id, version.pk, code, Decimal("39.00"))
    )
    return order_line(line_id, variant=version.plan.variant_id, quantity=quantity, metadata=metadata)


def normal_line(line_id: str = "T3JkZXJMaW5lOjk5") -> dict[str, Any]:
    return order_line(line_id, variant="UHJvZHVjdFZhcmlhbnQ6Mzg0", price="8.00", metadata=[])


def order_payload(
    *lines: dict[str, Any],
    order_id: str = ORDER_ID,
    charged: str = "0",
    total: str | None = None,
    user: bool = True,
    external_reference: str | None = None,
    channel: str = "default-channel",
) -> dict[str, Any]:
    """An order webhook's body (the fields `OrderWebhookFields` selects), totals adding up the lines."""
    amount = total or str(sum(Decimal(str(line["totalPrice"]["gross"]["amount"])) for line in lines))
    return {
        "issuedAt": "2026-11-16T10:00:00+00:00",
        "version": "3.21.69",
        "recipient": {"id": "QXBwOjg="},
        "order": {
            "id": order_id,
            "number": "40",
            "externalReference": external_reference,
            "created": "2026-11-16T10:00:00+00:00",
            "status": "UNFULFILLED",
            "userEmail": EMAIL,
            "user": {"id": USER_ID, "email": EMAIL} if user else None,
            "channel": {"id": "Q2hhbm5lbDox", "slug": channel, "currencyCode": "USD"},
            "billingAddress": ADDRESS,
            "shippingAddress": SHIPPING,
            "shippingMethod": {"id": "U2hpcHBpbmdNZXRob2Q6MQ==", "name": "Default"},
            "shippingPrice": _money("0"),
            "lines": list(lines),
            "subtotal": _money(amount),
            "total": _money(amount, tax=True),
            "totalCharged": {"amount": float(charged), "currency": "USD"},
            "totalRefunded": {"amount": 0.0, "currency": "USD"},
            "chargeStatus": "FULL" if Decimal(charged) >= Decimal(amount) else "NONE",
            "authorizeStatus": "FULL",
            "transactions": [
                {
                    "id": "VHJhbnNhY3Rpb25JdGVtOjE=",
                    "pspReference": "pi_1",
                    "chargedAmount": {"amount": float(charged), "currency": "USD"},
                    "refundedAmount": {"amount": 0.0, "currency": "USD"},
                }
            ],
            "metadata": [],
        },
    }


def _selection(
    selection_set: SelectionSetNode, fragments: dict[str, FragmentDefinitionNode]
) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for node in selection_set.selections:
        if isinstance(node, FieldNode):
            sub = node.selection_set
            fields[(node.alias or node.name).value] = _selection(sub, fragments) if sub else None
        elif isinstance(node, FragmentSpreadNode):
            fields.update(_selection(fragments[node.name.value].selection_set, fragments))
        elif isinstance(node, InlineFragmentNode):
            fields.update(_selection(node.selection_set, fragments))
    return fields


def payload_shape(name: str) -> dict[str, Any]:
    """The keys a webhook's body has: the fields its subscription selects on `event`, fragments resolved."""
    ast = parse(document(name))
    fragments = {d.name.value: d for d in ast.definitions if isinstance(d, FragmentDefinitionNode)}
    operation = next(d for d in ast.definitions if isinstance(d, OperationDefinitionNode))
    event = operation.selection_set.selections[0]
    assert isinstance(event, FieldNode) and event.selection_set is not None
    return _selection(event.selection_set, fragments)


def assert_shape(value: Any, shape: dict[str, Any] | None, path: str = "") -> None:
    if shape is None or value is None:
        return
    if isinstance(value, list):
        for i, item in enumerate(value):
            assert_shape(item, shape, f"{path}[{i}]")
        return
    assert set(value) == set(shape), f"{path or 'payload'}: {sorted(set(value) ^ set(shape))}"
    for key, sub in shape.items():
        assert_shape(value[key], sub, f"{path}.{key}")


def deliver(installation: Installation, name: str, payload: dict[str, Any]) -> WebhookDelivery:
    """What the intake stores for an accepted delivery, applied by the worker."""
    webhook = WEBHOOKS[name]
    delivery = WebhookDelivery.objects.create(
        name=name,
        event=webhook.event.lower(),
        saleor_api_url=installation.saleor_api_url,
        installation=installation,
        body=json.dumps(payload).encode(),
        dedupe_key=uuid.uuid4().hex,
        accepted=True,
        object_id=webhook.subject(payload),
    )
    apply_delivery(delivery.pk)
    delivery.refresh_from_db()
    return delivery


@pytest.fixture
def shop() -> Installation:
    return sandbox(at(2026, 11, 16))


@pytest.fixture
def monthly(shop: Installation) -> PlanVersion:
    return plan(shop, "39.00", variant_id="UHJvZHVjdFZhcmlhbnQ6MQ==", currency="USD")


def events(subscription: Subscription) -> list[str]:
    return list(SubscriptionEvent.objects.filter(subscription=subscription).values_list("kind", flat=True))


# --- the payload builders -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [w.document for w in WEBHOOKS.values() if w.name.startswith("order-")])
def test_the_order_payloads_here_have_exactly_the_fields_the_webhook_documents_select(name, monthly):
    assert_shape(order_payload(subscription_line(monthly), normal_line()), payload_shape(name))


# --- sign-up ------------------------------------------------------------------------------------------------


def test_order_created_unpaid_starts_one_incomplete_subscription_per_subscription_line(shop, monthly):
    delivery = deliver(
        shop, "order-created", order_payload(subscription_line(monthly, quantity=2), normal_line())
    )

    assert delivery.status == "processed", delivery.outcome
    subscription = Subscription.objects.get()
    assert subscription.status == "incomplete"
    assert (subscription.customer_user_id, subscription.customer_email) == (USER_ID, EMAIL)
    assert (subscription.quantity, subscription.channel_slug, subscription.currency) == (
        2,
        "default-channel",
        "USD",
    )
    assert subscription.plan_version == monthly
    assert (subscription.saleor_order_id, subscription.saleor_order_line_id) == (ORDER_ID, "T3JkZXJMaW5lOjE=")
    assert subscription.billing_address["streetAddress1"] == "500 Woodward Avenue"
    assert subscription.billing_address["country"] == "US"
    assert subscription.shipping_address["streetAddress1"] == "1470 Pinewood Avenue"
    assert subscription.shipping_method_id == "U2hpcHBpbmdNZXRob2Q6MQ=="
    assert events(subscription) == ["start"]
    assert delivery.outcome["started"] == [subscription.pk] and delivery.outcome["activated"] == []


def test_order_fully_paid_after_order_created_activates_the_same_subscription(shop, monthly):
    payload = order_payload(subscription_line(monthly))
    deliver(shop, "order-created", payload)
    delivery = deliver(shop, "order-fully-paid", payload)

    subscription = Subscription.objects.get()
    assert subscription.status == "active"
    assert subscription.next_billing_at is not None
    assert events(subscription) == ["start", "activate", "invoiced"]
    assert delivery.outcome["activated"] == [subscription.pk]


@pytest.mark.parametrize(
    "sequence",
    [
        ["order-created", "order-fully-paid", "order-created", "order-fully-paid"],
        ["order-fully-paid", "order-created", "order-fully-paid", "order-created"],
        ["order-fully-paid", "order-fully-paid", "order-created", "order-created"],
    ],
)
def test_created_and_fully_paid_in_any_order_twice_each_make_one_subscription_activated_once(
    shop, monthly, sequence
):
    payload = order_payload(subscription_line(monthly))
    deliveries = [deliver(shop, name, payload) for name in sequence]

    assert [d.status for d in deliveries] == ["processed"] * 4
    subscription = Subscription.objects.get()
    assert subscription.status == "active"
    assert events(subscription) == ["start", "activate", "invoiced"]


def test_order_created_whose_transactions_cover_the_total_activates_at_once(shop, monthly):
    deliver(shop, "order-created", order_payload(subscription_line(monthly), normal_line(), charged="47.00"))

    assert Subscription.objects.get().status == "active"


def test_a_guest_checkout_subscribes_the_guest_email(shop, monthly):
    deliver(shop, "order-fully-paid", order_payload(subscription_line(monthly), user=False))

    subscription = Subscription.objects.get()
    assert (subscription.customer_user_id, subscription.customer_email) == ("", EMAIL)
    assert subscription.customer_key == f"email:{EMAIL}"


def test_a_plan_with_a_trial_starts_its_trial_when_paid(shop):
    trial = plan(shop, "39.00", variant_id="dHJpYWw=", trial_days=14)
    deliver(shop, "order-fully-paid", order_payload(subscription_line(trial)))

    assert Subscription.objects.get().status == "trialing"


def test_two_subscription_lines_make_two_subscriptions(shop, monthly):
    yearly = plan(shop, "390.00", variant_id=monthly.plan.variant_id, interval="year")
    payload = order_payload(subscription_line(monthly, "bGluZS0x"), subscription_line(yearly, "bGluZS0y"))
    deliver(shop, "order-fully-paid", payload)

    subscriptions = Subscription.objects.order_by("saleor_order_line_id")
    assert [(s.saleor_order_line_id, s.plan_version_id, s.status) for s in subscriptions] == [
        ("bGluZS0x", monthly.pk, "active"),
        ("bGluZS0y", yearly.pk, "active"),
    ]


def test_the_discount_code_of_the_line_is_redeemed(shop, monthly):
    code = DiscountCode.objects.create(installation=shop, code="WELCOME", kind="percentage", percent=10)
    deliver(shop, "order-fully-paid", order_payload(subscription_line(monthly, code="welcome")))

    redemption = DiscountRedemption.objects.get()
    assert (redemption.code, redemption.subscription) == (code, Subscription.objects.get())


def test_a_code_used_up_since_the_checkout_is_not_redeemed_but_the_sign_up_stands(shop, monthly):
    DiscountCode.objects.create(
        installation=shop, code="ONCE", kind="percentage", percent=10, max_redemptions=0
    )
    delivery = deliver(shop, "order-fully-paid", order_payload(subscription_line(monthly, code="ONCE")))

    assert delivery.status == "processed"
    assert Subscription.objects.get().status == "active"
    assert not DiscountRedemption.objects.exists()
    assert "used up" in delivery.outcome["warnings"][0]


def test_an_order_without_subscription_lines_starts_nothing(shop):
    delivery = deliver(shop, "order-created", order_payload(normal_line()))

    assert delivery.status == "processed"
    assert delivery.outcome["skipped"] == "no subscription line"
    assert not Subscription.objects.exists()


def test_a_renewal_order_starts_nothing(shop, monthly):
    deliver(shop, "order-fully-paid", order_payload(subscription_line(monthly)))
    subscription = Subscription.objects.get()
    set_period(subscription, billing_calendar(subscription).period(1))
    subscription.save()
    invoice = period_invoice(subscription)  # the next period's renewal invoice (the first is the sign-up's)
    renewal = order_payload(
        subscription_line(monthly, "cmVuZXdhbA=="),
        order_id="cmVuZXdhbC1vcmRlcg==",
        external_reference=invoice.number,
    )

    delivery = deliver(shop, "order-fully-paid", renewal)

    assert delivery.outcome["skipped"] == "a renewal order"
    assert Subscription.objects.count() == 1


# --- bad payloads: failed with the reason, nothing written --------------------------------------------------


def _assert_failed_writing_nothing(delivery: WebhookDelivery, reason: str) -> None:
    assert delivery.status == "failed"
    assert reason in delivery.outcome["error"], delivery.outcome
    assert delivery.outcome["retry"] is False
    assert "BadPayload" in delivery.traceback
    assert delivery.attempts == 1
    assert not Subscription.objects.exists()
    assert not SubscriptionEvent.objects.exists()


def test_a_payload_without_an_order_fails(shop):
    _assert_failed_writing_nothing(deliver(shop, "order-created", {"issuedAt": "2026-11-16"}), "no order")


def test_half_written_line_metadata_fails_the_whole_order_even_after_a_good_line(shop, monthly):
    half = order_line(
        "aGFsZg==", variant=monthly.plan.variant_id, metadata=[{"key": "subscription.plan", "value": "7"}]
    )
    delivery = deliver(shop, "order-fully-paid", order_payload(subscription_line(monthly), half))

    _assert_failed_writing_nothing(delivery, "bad subscription metadata: subscription.plan_version")


def test_a_line_refused_after_another_line_started_leaves_nothing_of_the_order(shop, monthly):
    archived = plan(shop, "10.00", variant_id=monthly.plan.variant_id, currency="USD")
    archive_plans(shop, plan_ids=[archived.plan_id])
    payload = order_payload(subscription_line(monthly, "Zmlyc3Q="), subscription_line(archived, "c2Vjb25k"))

    _assert_failed_writing_nothing(deliver(shop, "order-fully-paid", payload), "line c2Vjb25k: plan_archived")


def test_the_captured_plan_metadata_of_another_app_is_half_written(shop):
    captured = order_line(
        "Y2FwdA==",
        variant="UHJvZHVjdFZhcmlhbnQ6Mzg0",
        metadata=[{"key": "subscription.plan", "value": "plan-123"}],
    )
    _assert_failed_writing_nothing(
        deliver(shop, "order-created", order_payload(captured)), "subscription.plan"
    )


def test_a_plan_of_another_variant_fails(shop, monthly):
    line = subscription_line(monthly)
    line["variant"]["id"] = "T3RoZXJWYXJpYW50OjE="

    _assert_failed_writing_nothing(
        deliver(shop, "order-fully-paid", order_payload(line)), "is for another variant"
    )


def test_a_plan_of_another_channel_fails(shop, monthly):
    _assert_failed_writing_nothing(
        deliver(shop, "order-fully-paid", order_payload(subscription_line(monthly), channel="channel-nl")),
        "channel_mismatch",
    )


def test_a_version_of_another_plan_fails(shop, monthly):
    other = plan(shop, "10.00")
    line = subscription_line(monthly)
    line["metadata"] = line_metadata.encode(
        line_metadata.SubscriptionLine(other.plan_id, monthly.pk, "", None)
    )

    _assert_failed_writing_nothing(deliver(shop, "order-fully-paid", order_payload(line)), "has no version")


def test_a_plan_of_another_shop_fails(shop):
    elsewhere = plan(sandbox(at(2026, 11, 16), url="https://other.example.com/graphql/"), "39.00")

    _assert_failed_writing_nothing(
        deliver(shop, "order-fully-paid", order_payload(subscription_line(elsewhere))), "has no version"
    )


def test_an_order_with_neither_customer_nor_email_fails(shop, monthly):
    payload = order_payload(subscription_line(monthly), user=False)
    payload["order"]["userEmail"] = None

    _assert_failed_writing_nothing(
        deliver(shop, "order-created", payload), "neither a customer nor a guest email"
    )


def test_a_failed_delivery_runs_again_once_its_cause_is_fixed_and_a_processed_one_never_does(shop, monthly):
    archive_plans(shop, plan_ids=[monthly.plan_id])
    delivery = deliver(shop, "order-fully-paid", order_payload(subscription_line(monthly)))
    assert delivery.status == "failed" and "plan_archived" in delivery.outcome["error"]

    Plan.objects.filter(pk=monthly.plan_id).update(status="active", archived_at=None)
    assert apply_delivery(delivery.pk).status == "processed"
    assert apply_delivery(delivery.pk).status == "processed"

    delivery.refresh_from_db()
    assert delivery.attempts == 2
    assert events(Subscription.objects.get()) == ["start", "activate", "invoiced"]
