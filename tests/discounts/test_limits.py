"""The limits of a discount code (§9): each refused with `discount_code_invalid`, and a reason for people."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from saleor_subscriptions.catalog.models import PlanVersion
from saleor_subscriptions.discounts.models import DiscountCode, DiscountRedemption
from saleor_subscriptions.lifecycle import preview_switch, switch_plan
from saleor_subscriptions.subscriptions.errors import LifecycleError
from saleor_subscriptions.subscriptions.models import Subscription
from saleor_subscriptions.tenants.models import Installation
from tests.lifecycle.helpers import CUSTOMER, active_since, at, period_invoice, plan, sandbox, set_clock

pytestmark = pytest.mark.django_db

# The shop's test clock is years away from the machine's: the code's dates are read on the shop's clock.
NOW = at(2031, 3, 16)


def _shop() -> Installation:
    return sandbox(NOW)


def _code(shop: Installation, code: str = "WELKOM10", **fields: Any) -> DiscountCode:
    fields.setdefault("kind", "percentage")
    if fields["kind"] == "percentage":
        fields.setdefault("percent", Decimal(10))
    return DiscountCode.objects.create(installation=shop, code=code, **fields)


def _basic_and_pro(shop: Installation) -> tuple[Subscription, PlanVersion]:
    sub = active_since(plan(shop, "30.00", name="Basic"), date(2031, 3, 1))
    period_invoice(sub)  # the period was paid at the list price
    return sub, plan(shop, "60.00", name="Pro")


def _redeemed_elsewhere(code: DiscountCode, version: PlanVersion, email: str) -> None:
    other = active_since(version, date(2031, 3, 1), customer_email=email)
    DiscountRedemption.objects.create(
        installation=code.installation, code=code, subscription=other, customer_key=other.customer_key
    )


def _refusal(sub: Subscription, version: PlanVersion, code: str) -> LifecycleError:
    with pytest.raises(LifecycleError) as error:
        preview_switch(sub, version, discount_code=code)
    assert (error.value.code, error.value.field) == ("discount_code_invalid", "discount_code")
    return error.value


def _accepted(sub: Subscription, version: PlanVersion, code: str) -> None:
    assert preview_switch(sub, version, discount_code=code).discount_code is not None


def test_a_code_matches_whatever_case_the_customer_types():
    shop = _shop()
    sub, pro = _basic_and_pro(shop)
    _code(shop, "Welkom10")
    preview = preview_switch(sub, pro, discount_code="  wELKOM10 ")
    assert preview.discount_code == "Welkom10"
    # 60.00 x 16/31 - 30.00 x 16/31 = 15.48, then 10% off: 1.55
    assert [line.amount for line in preview.lines][-1] == Decimal("-1.55")


def test_an_unknown_code_is_refused():
    shop = _shop()
    sub, pro = _basic_and_pro(shop)
    assert "does not exist" in _refusal(sub, pro, "NOPE").message


def test_a_code_of_another_shop_is_refused():
    shop = _shop()
    sub, pro = _basic_and_pro(shop)
    _code(sandbox(NOW, url="https://other.example.com/graphql/"))
    assert "does not exist" in _refusal(sub, pro, "WELKOM10").message


def test_an_inactive_code_is_refused():
    shop = _shop()
    sub, pro = _basic_and_pro(shop)
    _code(shop, active=False)
    assert "does not exist" in _refusal(sub, pro, "WELKOM10").message


def test_a_code_is_refused_before_its_first_day_on_the_shops_clock():
    shop = _shop()
    sub, pro = _basic_and_pro(shop)
    _code(shop, valid_from=datetime(2031, 3, 17, tzinfo=UTC))
    assert "not valid now" in _refusal(sub, pro, "WELKOM10").message
    set_clock(shop, datetime(2031, 3, 17, tzinfo=UTC))
    _accepted(Subscription.objects.get(pk=sub.pk), pro, "WELKOM10")


def test_a_code_is_refused_from_its_end_on_the_shops_clock():
    shop = _shop()
    sub, pro = _basic_and_pro(shop)
    _code(shop, valid_until=datetime(2031, 3, 16, 10, 0, 1, tzinfo=UTC))
    _accepted(sub, pro, "WELKOM10")
    set_clock(shop, datetime(2031, 3, 16, 10, 0, 1, tzinfo=UTC))
    assert "not valid now" in _refusal(Subscription.objects.get(pk=sub.pk), pro, "WELKOM10").message


def test_a_code_limited_to_other_plans_is_refused_and_one_without_plans_fits_all():
    shop = _shop()
    sub, pro = _basic_and_pro(shop)
    limited = _code(shop, "ONLYBASIC")
    limited.plans.add(sub.plan_version.plan)
    assert "does not apply to this plan" in _refusal(sub, pro, "ONLYBASIC").message
    limited.plans.add(pro.plan)
    _accepted(sub, pro, "ONLYBASIC")
    _code(shop, "ANYPLAN")
    _accepted(sub, pro, "ANYPLAN")


def test_a_code_used_up_in_total_is_refused():
    shop = _shop()
    sub, pro = _basic_and_pro(shop)
    code = _code(shop, max_redemptions=2)
    _redeemed_elsewhere(code, pro, "an@example.com")
    _accepted(sub, pro, "WELKOM10")
    _redeemed_elsewhere(code, pro, "kees@example.com")
    assert "used up" in _refusal(sub, pro, "WELKOM10").message


def test_a_code_used_by_this_customer_as_often_as_allowed_is_refused_for_them_only():
    shop = _shop()
    sub, pro = _basic_and_pro(shop)
    code = _code(shop, max_per_customer=1)
    _redeemed_elsewhere(code, pro, "Piet@Example.com")  # the same customer (key by lower-cased email)
    assert "as often as a customer may" in _refusal(sub, pro, "WELKOM10").message
    someone_else = active_since(sub.plan_version, date(2031, 3, 1), customer_email="an@example.com")
    _accepted(someone_else, pro, "WELKOM10")


def test_a_fixed_amount_in_another_currency_is_refused():
    shop = _shop()
    sub, pro = _basic_and_pro(shop)
    _code(shop, "VIJFUSD", kind="fixed", amount_off=Decimal(5), currency="USD")
    assert "another currency" in _refusal(sub, pro, "VIJFUSD").message
    _code(shop, "VIJF", kind="fixed", amount_off=Decimal(5), currency="EUR")
    _accepted(sub, pro, "VIJF")


def test_a_code_already_on_the_subscription_is_refused():
    shop = _shop()
    sub, pro = _basic_and_pro(shop)
    _code(shop)
    switch_plan(sub, pro, actor=CUSTOMER, discount_code="welkom10")
    assert DiscountRedemption.objects.get().customer_key == "email:piet@example.com"
    business = plan(shop, "90.00", name="Business")
    assert (
        "already on this subscription"
        in _refusal(Subscription.objects.get(pk=sub.pk), business, "WELKOM10").message
    )


def test_a_switch_with_a_code_counts_toward_its_limit():
    shop = _shop()
    sub, pro = _basic_and_pro(shop)
    _code(shop, max_redemptions=1)
    switch_plan(sub, pro, actor=CUSTOMER, discount_code="WELKOM10")
    other = active_since(sub.plan_version, date(2031, 3, 1), customer_email="an@example.com")
    with pytest.raises(LifecycleError) as error:
        switch_plan(other, pro, actor=CUSTOMER, discount_code="WELKOM10")
    assert (error.value.code, "used up" in error.value.message) == ("discount_code_invalid", True)
    assert Subscription.objects.get(pk=other.pk).plan_version_id == sub.plan_version_id
