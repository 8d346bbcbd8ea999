"""A webhook delivery that fails for a reason in its data is failed for good and staff are alerted (an ERROR
line `WEBHOOK FAILED`); one that fails because something is out of reach is retried (issue 13 item 4)."""

from __future__ import annotations

import logging

import pytest
from django.db import OperationalError

from saleor_subscriptions.saleor.client import SaleorUnavailable
from saleor_subscriptions.saleor.models import WebhookDelivery
from saleor_subscriptions.saleor.webhooks.tasks import _transient
from saleor_subscriptions.subscriptions.models import Subscription
from tests.lifecycle.helpers import plan
from tests.saleor.test_activation import deliver, monthly, order_payload, shop, subscription_line

__all__ = ["monthly", "shop"]

pytestmark = pytest.mark.django_db


def _failed_for_good(delivery: WebhookDelivery, reason: str, caplog: pytest.LogCaptureFixture) -> None:
    assert delivery.status == "failed"
    assert reason in delivery.outcome["error"], delivery.outcome
    assert (delivery.outcome["retry"], delivery.outcome["transient"], delivery.attempts) == (False, False, 1)
    alerts = [r for r in caplog.records if r.levelno == logging.ERROR and "WEBHOOK FAILED" in r.getMessage()]
    assert len(alerts) == 1 and f"delivery {delivery.pk}" in alerts[0].getMessage()
    assert not Subscription.objects.exists()


def test_a_paid_order_whose_plan_dates_leave_the_calendar_fails_for_good_and_alerts_staff(shop, caplog):
    # A version stored before terms had ranges: a period of 2^31 - 1 months.
    endless = plan(
        shop, "39.00", variant_id="UHJvZHVjdFZhcmlhbnQ6MQ==", currency="USD", interval_count=2**31 - 1
    )

    with caplog.at_level(logging.ERROR):
        delivery = deliver(shop, "order-fully-paid", order_payload(subscription_line(endless)))

    _failed_for_good(delivery, "out of range", caplog)


def test_a_paid_order_with_a_quantity_out_of_range_fails_for_good_and_alerts_staff(shop, monthly, caplog):
    with caplog.at_level(logging.ERROR):
        delivery = deliver(
            shop, "order-fully-paid", order_payload(subscription_line(monthly, quantity=2**31 - 1))
        )

    _failed_for_good(delivery, "quantity", caplog)


@pytest.mark.parametrize("failure", [SaleorUnavailable("timed out"), OperationalError("connection refused")])
def test_what_is_out_of_reach_is_retried(failure):
    assert _transient(failure)


@pytest.mark.parametrize(
    "failure",
    [
        ValueError("year 178958997 is out of range"),
        OverflowError("date value out of range"),
        KeyError("order"),
    ],
)
def test_what_is_wrong_in_the_data_is_not_retried(failure):
    assert not _transient(failure)
