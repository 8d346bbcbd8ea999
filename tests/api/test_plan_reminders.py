"""A plan's `invoiceLeadDays` and `renewalReminderDays` through the API (BILLING_RULES §1): the lead days are
kept exactly, the reminder is a term of its own with a default by interval."""

from __future__ import annotations

from typing import Any

import pytest

from saleor_subscriptions.catalog.models import Plan, PlanVersion
from tests.api.test_plans import create_input

pytestmark = pytest.mark.django_db

CREATE = """
mutation Create($input: PlanCreateInput!) {
  planCreate(input: $input) {
    plan { id terms { interval invoiceLeadDays renewalReminderDays } }
    errors { field code message }
  }
}
"""


def _create(api, shop, **terms: Any) -> dict[str, Any]:
    given = {"input": create_input(shop, **terms)}
    result: dict[str, Any] = api.data(CREATE, given, token=shop.staff_token())
    return result


@pytest.mark.parametrize(
    ("terms", "shown"),
    [
        ({"interval": "YEAR", "price": "390.00"}, (0, 7)),
        ({"interval": "YEAR", "price": "390.00", "invoiceLeadDays": 0}, (0, 7)),
        ({"interval": "YEAR", "price": "390.00", "renewalReminderDays": 0}, (0, 0)),
        ({"interval": "YEAR", "price": "390.00", "renewalReminderDays": 30}, (0, 30)),
        ({"interval": "YEAR", "price": "390.00", "invoiceLeadDays": 14}, (14, 0)),
        ({"interval": "YEAR", "price": "390.00", "renewalReminderDays": None}, (0, 7)),
        ({}, (0, 0)),
        ({"renewalReminderDays": 5}, (0, 5)),
    ],
)
def test_the_lead_days_are_the_plans_own_and_the_reminder_defaults_by_interval(shop, api, terms, shown):
    result = _create(api, shop, **terms)

    assert result["errors"] == []
    got = result["plan"]["terms"]
    assert (got["invoiceLeadDays"], got["renewalReminderDays"]) == shown
    version = PlanVersion.objects.get()
    assert version.invoice_lead_days == shown[0]
    assert version.reminder_days() == shown[1]


@pytest.mark.parametrize(
    "terms",
    [
        {"renewalReminderDays": -1},
        {"renewalReminderDays": 28},  # a month is at least 28 days
        {"interval": "WEEK", "renewalReminderDays": 7},
        {"interval": "YEAR", "price": "390.00", "renewalReminderDays": 365},
        {"interval": "YEAR", "price": "390.00", "invoiceLeadDays": 14, "renewalReminderDays": 14},
        {"interval": "YEAR", "price": "390.00", "invoiceLeadDays": 14, "renewalReminderDays": 7},
    ],
)
def test_a_reminder_that_could_not_go_out_before_its_renewal_and_invoice_is_refused(shop, api, terms):
    result = _create(api, shop, **terms)

    assert result["plan"] is None
    assert [(e["field"], e["code"]) for e in result["errors"]] == [("renewalReminderDays", "INVALID")]
    assert not Plan.objects.exists()
