"""Staff make, change and deactivate discount codes through /graphql/ (MANAGE_ORDERS or MANAGE_DISCOUNTS, or
an API key with `write`; BILLING_RULES §9): every option of the code, each refusal naming its input field and
changing nothing, the event naming the staff user, and the code then used as checkout and renewals use it."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.forms.models import model_to_dict

from saleor_subscriptions.api.ids import global_id
from saleor_subscriptions.catalog.ids import plan_global_id
from saleor_subscriptions.discounts.models import DiscountCode, DiscountCodeEvent, DiscountRedemption
from saleor_subscriptions.lifecycle.discounts import code_refusal
from saleor_subscriptions.tenants.api_keys import create_api_key
from tests.api.staff_support import staff_token, staff_user_id, subscription

pytestmark = pytest.mark.django_db

FIELDS = """id code kind percent amountOff currency duration durationPeriods appliesTo plans maxRedemptions
maxPerCustomer validFrom validUntil active redemptionCount"""
CREATE = f"""
mutation Create($input: DiscountCodeCreateInput!, $reason: String) {{
  staffDiscountCodeCreate(input: $input, reason: $reason) {{
    discountCode {{ {FIELDS} }} errors {{ field code message }}
  }}
}}
"""
UPDATE = f"""
mutation Update($id: ID!, $input: DiscountCodeUpdateInput!, $reason: String) {{
  staffDiscountCodeUpdate(id: $id, input: $input, reason: $reason) {{
    discountCode {{ {FIELDS} }} errors {{ field code message }}
  }}
}}
"""
DEACTIVATE = """
mutation Deactivate($id: ID!, $reason: String) {
  staffDiscountCodeDeactivate(id: $id, reason: $reason) {
    discountCode { code active } errors { field code message }
  }
}
"""
PERCENT = {"code": "welcome10", "kind": "PERCENTAGE", "percent": "10"}
NOV_1 = datetime(2026, 11, 1, tzinfo=UTC)
DEC_31 = datetime(2026, 12, 31, tzinfo=UTC)


def _codes(shop: Any) -> Any:
    """Every code of the shop with its plans, and every code event: what a refusal must leave alone."""
    rows = DiscountCode.objects.filter(installation=shop.installation).order_by("pk")
    return [model_to_dict(row) for row in rows], list(DiscountCodeEvent.objects.values_list("pk", flat=True))


def _events(code: DiscountCode) -> list[tuple[str, str, str, str, dict[str, Any]]]:
    return list(
        DiscountCodeEvent.objects.filter(code=code)
        .order_by("pk")
        .values_list("kind", "actor_type", "actor_id", "reason", "data")
    )


def test_staff_make_a_percentage_code_for_every_plan(api, shop):
    answer = api.data(CREATE, {"input": PERCENT, "reason": "launch"}, token=staff_token(shop))

    assert answer["errors"] == []
    shown = answer["discountCode"]
    code = DiscountCode.objects.get(installation=shop.installation)
    assert shown == {
        "id": global_id("DiscountCode", code.pk),
        "code": "WELCOME10",
        "kind": "percentage",
        "percent": "10",
        "amountOff": None,
        "currency": "",
        "duration": "once",
        "durationPeriods": None,
        "appliesTo": "price",
        "plans": [],
        "maxRedemptions": None,
        "maxPerCustomer": None,
        "validFrom": None,
        "validUntil": None,
        "active": True,
        "redemptionCount": 0,
    }
    [(kind, actor, actor_id, reason, data)] = _events(code)
    assert (kind, actor, actor_id, reason) == ("created", "staff", staff_user_id(shop), "launch")
    assert (data["code"], data["percent"], data["plans"]) == ("WELCOME10", "10", [])


def test_staff_make_a_fixed_repeating_code_with_every_limit(api, shop):
    coffee = shop.plan()
    given = {
        "code": "LOYAL-5_EUR",
        "kind": "FIXED",
        "amountOff": "5.00",
        "currency": "usd",
        "duration": "REPEATING",
        "durationPeriods": 3,
        "appliesTo": "BOTH",
        "plans": [plan_global_id(coffee.plan_id)],
        "maxRedemptions": 100,
        "maxPerCustomer": 1,
        "validFrom": NOV_1.isoformat(),
        "validUntil": DEC_31.isoformat(),
    }

    answer = api.data(CREATE, {"input": given}, token=staff_token(shop, ("MANAGE_DISCOUNTS",)))

    assert answer["errors"] == []
    code = DiscountCode.objects.get(installation=shop.installation)
    assert (code.code, code.kind, code.amount_off, code.currency) == (
        "LOYAL-5_EUR",
        "fixed",
        Decimal(5),
        "USD",
    )
    assert (code.duration, code.duration_periods, code.applies_to) == ("repeating", 3, "both")
    assert (code.max_redemptions, code.max_per_customer, code.valid_from, code.valid_until) == (
        100,
        1,
        NOV_1,
        DEC_31,
    )
    assert list(code.plans.all()) == [coffee.plan]
    assert answer["discountCode"]["plans"] == [plan_global_id(coffee.plan_id)]
    # The code is now usable as a sign-up uses it: on its plan, in its dates, and not on another plan.
    other = shop.plan(name="Tea")
    now = datetime(2026, 11, 16, tzinfo=UTC)
    assert (
        code_refusal(shop.installation.pk, coffee.plan_id, "USD", "loyal-5_eur", now, customer_key=None)[1]
        == ""
    )
    assert code_refusal(shop.installation.pk, other.plan_id, "USD", "LOYAL-5_EUR", now, customer_key=None)[1]


def _refused(api: Any, shop: Any, query: str, variables: dict[str, Any]) -> tuple[str | None, str]:
    before = _codes(shop)
    (answer,) = [api.data(query, variables, token=staff_token(shop))]
    assert answer["discountCode"] is None
    assert _codes(shop) == before
    [error] = answer["errors"]
    assert error["message"]
    return error["field"], error["code"]


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"code": "  "}, "input.code", "REQUIRED"),
        ({"code": "WELCOME 10"}, "input.code", "INVALID"),
        ({"code": "-WELCOME"}, "input.code", "INVALID"),
        ({"code": "W" * 65}, "input.code", "INVALID"),
        ({"percent": None}, "input.percent", "REQUIRED"),
        ({"percent": "0"}, "input.percent", "INVALID"),
        ({"percent": "-5"}, "input.percent", "INVALID"),
        ({"percent": "100.01"}, "input.percent", "INVALID"),
        ({"percent": "12.34567"}, "input.percent", "INVALID"),
        ({"amountOff": "5.00"}, "input.amountOff", "INVALID"),
        ({"kind": "FIXED", "percent": None}, "input.amountOff", "REQUIRED"),
        ({"kind": "FIXED", "percent": None, "amountOff": "5"}, "input.currency", "REQUIRED"),
        (
            {"kind": "FIXED", "percent": None, "amountOff": "5", "currency": "XYZ"},
            "input.currency",
            "INVALID",
        ),
        ({"kind": "FIXED", "amountOff": "5", "currency": "USD"}, "input.percent", "INVALID"),
        (
            {"kind": "FIXED", "percent": None, "amountOff": "0", "currency": "USD"},
            "input.amountOff",
            "INVALID",
        ),
        (
            {"kind": "FIXED", "percent": None, "amountOff": "5.001", "currency": "USD"},
            "input.amountOff",
            "NOT_CHARGEABLE",
        ),
        (
            {"kind": "FIXED", "percent": None, "amountOff": "4.835", "currency": "KWD"},
            "input.amountOff",
            "NOT_CHARGEABLE",
        ),
        (
            {"kind": "FIXED", "percent": None, "amountOff": "144.50", "currency": "TWD"},
            "input.amountOff",
            "NOT_CHARGEABLE",
        ),
        (
            {"kind": "FIXED", "percent": None, "amountOff": "1000000", "currency": "USD"},
            "input.amountOff",
            "INVALID",
        ),
        ({"duration": "REPEATING"}, "input.durationPeriods", "REQUIRED"),
        ({"duration": "REPEATING", "durationPeriods": 0}, "input.durationPeriods", "INVALID"),
        ({"duration": "REPEATING", "durationPeriods": 1201}, "input.durationPeriods", "INVALID"),
        ({"duration": "FOREVER", "durationPeriods": 2}, "input.durationPeriods", "INVALID"),
        ({"maxRedemptions": 0}, "input.maxRedemptions", "INVALID"),
        ({"maxPerCustomer": -1}, "input.maxPerCustomer", "INVALID"),
        ({"validFrom": DEC_31.isoformat(), "validUntil": NOV_1.isoformat()}, "input.validUntil", "INVALID"),
        ({"plans": ["UGxhbjo5OTk5"]}, "input.plans", "INVALID"),
        ({"plans": ["not an id"]}, "input.plans", "INVALID"),
    ],
)
def test_create_refusals_name_their_field(api, shop, changes, field, code):
    assert _refused(api, shop, CREATE, {"input": PERCENT | changes}) == (field, code)


def test_a_code_is_once_per_shop_in_any_case_and_fixed_codes_match_their_plans(api, shop):
    assert api.data(CREATE, {"input": PERCENT}, token=staff_token(shop))["errors"] == []
    assert _refused(api, shop, CREATE, {"input": PERCENT | {"code": "Welcome10"}}) == (
        "input.code",
        "CODE_TAKEN",
    )
    euro = shop.plan(name="Coffee EUR", currency="EUR")
    fixed = {"code": "FIVE", "kind": "FIXED", "amountOff": "5", "currency": "USD"}
    assert _refused(api, shop, CREATE, {"input": fixed | {"plans": [plan_global_id(euro.plan_id)]}}) == (
        "input.plans",
        "INVALID",
    )
    assert _refused(api, shop, CREATE, {"input": PERCENT | {"code": "X"}, "reason": "r" * 201}) == (
        "reason",
        "INVALID",
    )


def _made(api: Any, shop: Any, **changes: Any) -> DiscountCode:
    assert api.data(CREATE, {"input": PERCENT | changes}, token=staff_token(shop))["errors"] == []
    return DiscountCode.objects.get(installation=shop.installation, code=str(PERCENT["code"]).upper())


def test_staff_change_a_code_and_the_event_lists_each_change(api, shop):
    coffee = shop.plan()
    code = _made(api, shop, maxRedemptions=10)
    variables = {
        "id": global_id("DiscountCode", code.pk),
        "input": {"percent": "15", "plans": [plan_global_id(coffee.plan_id)], "clear": ["MAX_REDEMPTIONS"]},
        "reason": "better offer",
    }

    answer = api.data(UPDATE, variables, token=staff_token(shop))

    assert answer["errors"] == []
    assert (answer["discountCode"]["percent"], answer["discountCode"]["maxRedemptions"]) == ("15", None)
    code.refresh_from_db()
    assert (code.percent, code.max_redemptions, list(code.plans.all())) == (Decimal(15), None, [coffee.plan])
    kind, actor, actor_id, reason, data = _events(code)[-1]
    assert (kind, actor, actor_id, reason) == ("updated", "staff", staff_user_id(shop), "better offer")
    assert data == {"percent": ["10", "15"], "plans": [[], [coffee.plan_id]], "max_redemptions": [10, None]}


def test_a_redeemed_code_keeps_what_it_takes_off_but_its_limits_may_change(api, shop):
    code = _made(api, shop)
    sub = subscription(shop)
    DiscountRedemption.objects.create(
        installation=shop.installation, code=code, subscription=sub, customer_key=sub.customer_key
    )
    shown = global_id("DiscountCode", code.pk)

    for given, field in (
        ({"percent": "20"}, "input.percent"),
        ({"duration": "FOREVER"}, "input.duration"),
        ({"appliesTo": "BOTH"}, "input.appliesTo"),
        ({"kind": "FIXED", "amountOff": "5", "currency": "USD"}, "input.kind"),
    ):
        assert _refused(api, shop, UPDATE, {"id": shown, "input": given}) == (field, "CODE_REDEEMED")

    answer = api.data(UPDATE, {"id": shown, "input": {"maxRedemptions": 1}}, token=staff_token(shop))
    assert answer["errors"] == []
    assert answer["discountCode"]["redemptionCount"] == 1


def test_update_refusals(api, shop):
    code = _made(api, shop)
    _made_other = api.data(CREATE, {"input": PERCENT | {"code": "OTHER"}}, token=staff_token(shop))
    assert _made_other["errors"] == []
    shown = global_id("DiscountCode", code.pk)

    assert _refused(api, shop, UPDATE, {"id": shown, "input": {"code": "other"}}) == (
        "input.code",
        "CODE_TAKEN",
    )
    assert _refused(api, shop, UPDATE, {"id": shown, "input": {"percent": "101"}}) == (
        "input.percent",
        "INVALID",
    )
    assert _refused(api, shop, UPDATE, {"id": shown, "input": {"duration": "REPEATING"}}) == (
        "input.durationPeriods",
        "REQUIRED",
    )
    assert _refused(api, shop, UPDATE, {"id": "RGlzY291bnRDb2RlOjk5OTk=", "input": {}}) == ("id", "NOT_FOUND")
    assert _refused(api, shop, UPDATE, {"id": "nonsense", "input": {}}) == ("id", "NOT_FOUND")


def test_staff_deactivate_a_code_and_subscriptions_keep_it(api, shop):
    coffee = shop.plan()
    code = _made(api, shop)
    shown = global_id("DiscountCode", code.pk)

    answer = api.data(DEACTIVATE, {"id": shown, "reason": "campaign over"}, token=staff_token(shop))

    assert answer == {"discountCode": {"code": "WELCOME10", "active": False}, "errors": []}
    assert _events(code)[-1][:4] == ("deactivated", "staff", staff_user_id(shop), "campaign over")
    now = datetime(2026, 11, 16, tzinfo=UTC)
    assert code_refusal(shop.installation.pk, coffee.plan_id, "USD", "WELCOME10", now, customer_key=None)[1]
    assert _refused(api, shop, DEACTIVATE, {"id": shown}) == ("id", "ALREADY_INACTIVE")
    assert _refused(api, shop, DEACTIVATE, {"id": "RGlzY291bnRDb2RlOjk5OTk="}) == ("id", "NOT_FOUND")


def test_who_may(api, shop):
    code = _made(api, shop)
    before = _codes(shop)
    calls = (
        (CREATE, {"input": PERCENT | {"code": "NEW"}}),
        (UPDATE, {"id": global_id("DiscountCode", code.pk), "input": {"percent": "50"}}),
        (DEACTIVATE, {"id": global_id("DiscountCode", code.pk)}),
    )
    reader = create_api_key(shop.installation, "reader", ["read"], created_by="staff").secret
    for query, variables in calls:
        assert api.refused(query, variables, token=shop.customer_token()) == (200, "AUTHENTICATION_REQUIRED")
        assert api.refused(query, variables, api_url=shop.fake.api_url) == (200, "AUTHENTICATION_REQUIRED")
        assert api.refused(query, variables, token=staff_token(shop, ("MANAGE_PRODUCTS",))) == (
            200,
            "PERMISSION_DENIED",
        )
        assert api.refused(query, variables, token=reader) == (200, "PERMISSION_DENIED")
    assert _codes(shop) == before

    writer = create_api_key(shop.installation, "writer", ["write"], created_by="staff")
    answer = api.data(DEACTIVATE, {"id": global_id("DiscountCode", code.pk)}, token=writer.secret)
    assert answer["errors"] == []
    assert _events(code)[-1][1:3] == ("staff", f"api-key:{writer.key.prefix}")
