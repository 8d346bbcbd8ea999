"""What the other webhooks do once applied: ORDER_CANCELLED and ORDER_FULLY_REFUNDED end what the order
started (BILLING_RULES §5); PRODUCT_DELETED and PRODUCT_VARIANT_DELETED archive the plans of what was deleted
(§1) while running subscriptions go on; deliveries about one order applied at the same moment are applied one
after the other; a removed installation's deliveries are not applied."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connection

from saleor_subscriptions.billing.states import SubscriptionStatus
from saleor_subscriptions.catalog.archive import archive_plans
from saleor_subscriptions.catalog.models import Plan
from saleor_subscriptions.invoicing.models import CreditNote, Invoice
from saleor_subscriptions.saleor.models import WebhookDelivery
from saleor_subscriptions.saleor.webhooks.registry import WEBHOOKS
from saleor_subscriptions.saleor.webhooks.tasks import apply_delivery
from saleor_subscriptions.subscriptions.models import Subscription, SubscriptionEvent
from saleor_subscriptions.tenants.models import Installation
from tests.lifecycle.helpers import at, plan
from tests.saleor.test_activation import (
    ORDER_ID,
    deliver,
    events,
    monthly,
    normal_line,
    order_payload,
    shop,
    subscription_line,
)

__all__ = ["monthly", "shop"]

pytestmark = pytest.mark.django_db


# --- the order ends -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "event"),
    [("order-cancelled", "ORDER_CANCELLED"), ("order-fully-refunded", "ORDER_FULLY_REFUNDED")],
)
def test_cancelling_or_refunding_the_order_ends_its_active_subscription_now_without_credit(
    shop, monthly, name, event
):
    payload = order_payload(subscription_line(monthly))
    deliver(shop, "order-fully-paid", payload)

    delivery = deliver(shop, name, payload)

    subscription = Subscription.objects.get()
    assert subscription.status == "cancelled"
    assert subscription.ended_at is not None and subscription.next_billing_at is None
    ended = SubscriptionEvent.objects.get(subscription=subscription, kind="cancel_now")
    assert (ended.actor_type, ended.actor_id, ended.from_status) == ("staff", "saleor", "active")
    assert ended.reason.startswith(event) and "#40" in ended.reason
    assert not CreditNote.objects.exists()
    assert delivery.outcome["ended"] == [subscription.pk]


def test_cancelling_an_unpaid_order_ends_its_incomplete_sign_up(shop, monthly):
    payload = order_payload(subscription_line(monthly))
    deliver(shop, "order-created", payload)

    deliver(shop, "order-cancelled", payload)

    subscription = Subscription.objects.get()
    assert (subscription.status, events(subscription)) == ("cancelled", ["start", "cancel_now"])


def test_an_order_cancelled_twice_ends_its_subscription_once(shop, monthly):
    payload = order_payload(subscription_line(monthly))
    deliver(shop, "order-fully-paid", payload)
    deliver(shop, "order-cancelled", payload)

    second = deliver(shop, "order-fully-refunded", payload)

    assert second.outcome["already_ended"] == [Subscription.objects.get().pk]
    assert events(Subscription.objects.get()).count("cancel_now") == 1


def test_an_order_cancelled_before_its_order_created_was_applied_starts_nothing(shop, monthly):
    payload = order_payload(subscription_line(monthly))
    deliver(shop, "order-cancelled", payload)

    late = deliver(shop, "order-created", payload)

    assert late.outcome["skipped"] == "the order was already cancelled or refunded"
    assert not Subscription.objects.exists()


def test_cancelling_a_renewal_order_ends_nothing(shop, monthly):
    deliver(shop, "order-fully-paid", order_payload(subscription_line(monthly)))

    delivery = deliver(shop, "order-cancelled", order_payload(normal_line(), order_id="cmVuZXdhbC1vcmRlcg=="))

    assert delivery.outcome["ended"] == []
    assert Subscription.objects.get().status == "active"


# --- the catalog --------------------------------------------------------------------------------------------


def test_deleting_a_variant_archives_its_plans_and_running_subscriptions_go_on(shop, monthly):
    yearly = plan(shop, "390.00", variant_id=monthly.plan.variant_id, interval="year")
    elsewhere = plan(shop, "10.00", variant_id="b3RoZXI=")
    deliver(shop, "order-fully-paid", order_payload(subscription_line(monthly)))

    delivery = deliver(
        shop,
        "product-variant-deleted",
        {
            "productVariant": {
                "id": monthly.plan.variant_id,
                "name": "250 g",
                "sku": "COF-250",
                "product": {"id": "UHJvZHVjdDox", "name": "Coffee"},
                "metadata": [],
            }
        },
    )

    assert delivery.outcome["archived_plans"] == [monthly.plan_id, yearly.plan_id]
    statuses = dict(Plan.objects.values_list("pk", "status"))
    assert statuses == {monthly.plan_id: "archived", yearly.plan_id: "archived", elsewhere.plan_id: "active"}
    assert Plan.objects.get(pk=monthly.plan_id).archived_at == shop.now()
    assert Subscription.objects.get().status == "active"


def test_deleting_a_product_archives_the_plans_of_the_product_and_of_its_variants(shop):
    of_product = plan(shop, "10.00", variant_id="dmFyLTE=")
    of_listed_variant = plan(shop, "10.00", variant_id="dmFyLTI=")
    Plan.objects.filter(pk=of_listed_variant.plan_id).update(product_id="bW92ZWQ=")
    other_product = plan(shop, "10.00", variant_id="dmFyLTM=")
    Plan.objects.filter(pk=other_product.plan_id).update(product_id="b3RoZXI=")

    delivery = deliver(
        shop,
        "product-deleted",
        {
            "product": {
                "id": "UHJvZHVjdDox",
                "name": "Coffee",
                "variants": [{"id": "dmFyLTI="}],
                "metadata": [],
            }
        },
    )

    assert delivery.outcome["archived_plans"] == [of_product.plan_id, of_listed_variant.plan_id]
    assert Plan.objects.get(pk=other_product.plan_id).status == "active"


def test_a_variant_deletion_without_a_variant_fails(shop):
    delivery = deliver(shop, "product-variant-deleted", {"productVariant": None})

    assert delivery.status == "failed" and "no productVariant" in delivery.outcome["error"]


def test_archiving_twice_archives_once_and_needs_something_to_archive(shop, monthly):
    first = archive_plans(shop, variant_ids=[monthly.plan.variant_id], now=at(2026, 11, 17))
    again = archive_plans(shop, variant_ids=[monthly.plan.variant_id], now=at(2026, 11, 18))

    assert [p.pk for p in first] == [monthly.plan_id] and again == []
    assert Plan.objects.get(pk=monthly.plan_id).archived_at == at(2026, 11, 17)
    with pytest.raises(ValueError, match="needs a product"):
        archive_plans(shop)


# --- concurrency --------------------------------------------------------------------------------------------


def _together(*calls: Callable[[], object]) -> None:
    barrier = threading.Barrier(len(calls))
    failures: list[BaseException] = []

    def run(call: Callable[[], object]) -> None:
        try:
            barrier.wait()
            call()
        except BaseException as error:  # the test fails below, naming it
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not failures, failures


@pytest.mark.django_db(transaction=True)
def test_order_created_and_fully_paid_applied_at_the_same_moment_make_one_subscription(shop, monthly):
    payload = order_payload(subscription_line(monthly))
    webhooks = ["order-created", "order-fully-paid", "order-created", "order-fully-paid"]
    ids = [
        WebhookDelivery.objects.create(
            name=name,
            event=WEBHOOKS[name].event.lower(),
            installation=shop,
            body=json.dumps(payload).encode(),
            dedupe_key=uuid.uuid4().hex,
            accepted=True,
            object_id=ORDER_ID,
        ).pk
        for name in webhooks
    ]

    _together(*[lambda pk=pk: apply_delivery(pk) for pk in ids])

    assert list(WebhookDelivery.objects.values_list("status", flat=True)) == ["processed"] * 4
    subscription = Subscription.objects.get()
    assert subscription.status == SubscriptionStatus.ACTIVE
    assert events(subscription) == ["start", "activate", "invoiced"]
    assert list(Invoice.objects.values_list("subscription", "billing_reason")) == [
        (subscription.pk, "signup")
    ]


def test_deliveries_of_a_removed_installation_are_not_applied(shop, monthly):
    Installation.objects.filter(pk=shop.pk).update(
        status="removed", removed_at=at(2026, 11, 16) + timedelta(hours=1)
    )
    shop.refresh_from_db()

    delivery = deliver(shop, "order-fully-paid", order_payload(subscription_line(monthly)))

    assert delivery.status == "failed" and "removed" in delivery.outcome["error"]
    assert not Subscription.objects.exists()
