"""Staff schedule a plan-wide price change through /graphql/ (`staffPlanPriceChangeSchedule`, MANAGE_ORDERS;
BILLING_RULES §1): a new version for new subscribers, every live subscriber told now and moved from its first
boundary after the notice, by the same code path as `planUpdate(migrateSubscriptions)`; refusals name their
argument and change nothing."""

from __future__ import annotations

from datetime import date

import pytest

from saleor_subscriptions.catalog.ids import plan_global_id
from saleor_subscriptions.catalog.models import Plan
from saleor_subscriptions.subscriptions.models import Subscription
from tests.api.staff_support import staff_events, staff_token, staff_user_id
from tests.factories import make_subscription

pytestmark = pytest.mark.django_db

SCHEDULE = """
mutation Schedule($planId: ID!, $newPrice: Decimal, $terms: PlanTermsInput, $effectiveFrom: Date) {
  staffPlanPriceChangeSchedule(
    planId: $planId, newPrice: $newPrice, terms: $terms, effectiveFrom: $effectiveFrom
  ) {
    plan { id } newVersion scheduledSubscriptions errors { field code message }
  }
}
"""


def test_every_live_subscriber_is_told_and_moved_after_the_notice(api, shop):
    version = shop.plan(price_change_notice_days=30)
    # Periods from 16 November and from 1 December; paused is live, cancelled is not.
    first = make_subscription(version, status="active")
    second = make_subscription(
        version,
        status="paused",
        calendar_start=date(2026, 11, 1),
        current_period_start=date(2026, 11, 1),
        current_period_end=date(2026, 12, 1),
    )
    ended = make_subscription(version, status="cancelled")

    answer = api.data(
        SCHEDULE, {"planId": plan_global_id(version.plan_id), "newPrice": "33.00"}, token=staff_token(shop)
    )

    assert (answer["errors"], answer["newVersion"], answer["scheduledSubscriptions"]) == ([], 2, 2)
    newest = Plan.objects.get(pk=version.plan_id).versions.get(version=2)
    assert str(newest.price) == "33.000000"
    # 16 November + 30 days is 16 December: the first boundary on or after it.
    moved = {
        s.pk: (s.pending_plan_version_id, s.pending_plan_version_from) for s in Subscription.objects.all()
    }
    assert moved == {
        first.pk: (newest.pk, date(2026, 12, 16)),
        second.pk: (newest.pk, date(2027, 1, 1)),
        ended.pk: (None, None),
    }
    assert staff_events(first) == [
        ("price_change_scheduled", "staff", staff_user_id(shop), "new price from 2026-12-16")
    ]


def test_a_later_effective_day_waits_for_the_boundary_on_or_after_it(api, shop):
    version = shop.plan(price_change_notice_days=30)
    sub = make_subscription(version, status="active")
    variables = {
        "planId": plan_global_id(version.plan_id),
        "newPrice": "33.00",
        "effectiveFrom": "2026-12-20",
    }
    answer = api.data(SCHEDULE, variables, token=staff_token(shop))
    assert answer["errors"] == []
    assert Subscription.objects.get(pk=sub.pk).pending_plan_version_from == date(2027, 1, 16)


@pytest.mark.parametrize(
    ("extra", "field", "code"),
    [
        ({"newPrice": "33.00", "effectiveFrom": "2026-11-20"}, "effectiveFrom", "PRICE_CHANGE_TOO_SOON"),
        ({"terms": {"interval": "YEAR"}}, "terms", "PRICE_CHANGE_OTHER_CALENDAR"),
        ({"newPrice": "-1"}, "newPrice", "INVALID"),
    ],
)
def test_refusals_name_the_argument_and_change_nothing(api, shop, extra, field, code):
    version = shop.plan(price_change_notice_days=30)
    sub = make_subscription(version, status="active")
    answer = api.data(SCHEDULE, {"planId": plan_global_id(version.plan_id), **extra}, token=staff_token(shop))
    assert answer["scheduledSubscriptions"] == 0 and answer["plan"] is None
    assert [(e["field"], e["code"]) for e in answer["errors"]] == [(field, code)]
    assert version.plan.versions.count() == 1
    assert Subscription.objects.get(pk=sub.pk).pending_plan_version_id is None
    assert staff_events(sub) == []


def test_nothing_to_move_and_an_unknown_plan_are_refused(api, shop):
    version = shop.plan()
    answer = api.data(SCHEDULE, {"planId": plan_global_id(version.plan_id)}, token=staff_token(shop))
    assert [(e["field"], e["code"]) for e in answer["errors"]] == [(None, "NOTHING_TO_MIGRATE")]
    answer = api.data(SCHEDULE, {"planId": plan_global_id(version.plan_id + 99)}, token=staff_token(shop))
    assert [(e["field"], e["code"]) for e in answer["errors"]] == [("planId", "NOT_FOUND")]
