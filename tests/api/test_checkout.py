"""The checkout hook over HTTP: `subscriptionCheckoutLinesAdd` puts a subscription line into the fake Saleor's
checkout at the first charge's unit price with the plan in its metadata, leaves normal lines alone, re-prices
a changed quantity, and refuses each bad request with its code (BILLING_RULES §1, §2, §9).

The installation's clock stands on 16 November 2026 (UTC)."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from saleor_subscriptions.catalog.ids import plan_global_id
from saleor_subscriptions.catalog.models import Plan
from saleor_subscriptions.discounts.models import DiscountCode, DiscountRedemption
from saleor_subscriptions.saleor import line_metadata
from saleor_subscriptions.subscriptions.models import customer_key
from tests.factories import make_subscription
from tests.fakes.saleor.scenario import ADDRESS_US

pytestmark = pytest.mark.django_db

ADD = """
mutation Add($checkoutId: ID!, $lines: [SubscriptionCheckoutLineInput!]!, $discountCode: String) {
  subscriptionCheckoutLinesAdd(checkoutId: $checkoutId, lines: $lines, discountCode: $discountCode) {
    checkoutId
    lines {
      lineId variantId plan { id name } planVersion quantity discountCode updated
      firstCharge { total charged unitPrice currency periodStart periodEnd trialEnd
                    lines { kind description amount } }
    }
    errors { field code message variants }
  }
}
"""


def customers_checkout(shop, *lines: tuple[Any, int]) -> str:
    checkout = shop.fake.checkout_create(
        user=shop.saleor.customer.id,
        lines=list(lines),
        shipping_address=ADDRESS_US,
        billing_address=ADDRESS_US,
    )
    return str(checkout.id)


def guest_checkout(shop, *lines: tuple[Any, int]) -> str:
    return str(shop.fake.checkout_create(email="guest@example.com", lines=list(lines)).id)


def add(api, shop, checkout_id: str, plan_id: int | str, quantity: int = 1, **kwargs: Any) -> dict[str, Any]:
    variant = kwargs.pop("variant", shop.saleor.variant.id)
    code = kwargs.pop("code", None)
    if "token" not in kwargs and "api_url" not in kwargs:
        kwargs["token"] = shop.customer_token()
    plan = plan_global_id(plan_id) if isinstance(plan_id, int) else plan_id
    variables = {
        "checkoutId": checkout_id,
        "lines": [{"variantId": variant, "planId": plan, "quantity": quantity}],
        "discountCode": code,
    }
    result: dict[str, Any] = api.data(ADD, variables, **kwargs)
    return result


def refusal(result: dict[str, Any]) -> tuple[str | None, str]:
    [error] = result["errors"]
    assert result["lines"] == [] and result["checkoutId"] is None
    return error["field"], error["code"]


def subscription_lines(shop, checkout_id: str) -> list[Any]:
    return [line for line in shop.fake.checkout(checkout_id).lines if line_metadata.PLAN in line.metadata]


@pytest.fixture
def anchored(shop):
    """30.00 a month renewing on the 1st, with a 5.00 setup fee."""
    return shop.plan(
        price=Decimal("30.00"), setup_fee=Decimal("5.00"), anchor_mode="day_of_month", anchor_day=1
    )


def test_a_subscription_line_is_added_at_its_first_charge_and_a_normal_line_is_untouched(shop, api, anchored):
    checkout_id = customers_checkout(shop, (shop.saleor.other_variant, 1))

    result = add(api, shop, checkout_id, anchored.plan_id, quantity=2)

    assert result["errors"] == [] and result["checkoutId"] == checkout_id
    [line] = result["lines"]
    # 16 November to 1 December is 15 of November's 30 days: 2 x 15.00, plus 2 x 5.00 setup fee.
    assert line["firstCharge"] == {
        "total": "40.00",
        "charged": "40.00",
        "unitPrice": "20.00",
        "currency": "USD",
        "periodStart": "2026-11-16",
        "periodEnd": "2026-12-01",
        "trialEnd": None,
        "lines": [
            {
                "kind": "PRORATION",
                "description": line["firstCharge"]["lines"][0]["description"],
                "amount": "30.00",
            },
            {"kind": "SETUP_FEE", "description": "Setup fee × 2", "amount": "10.00"},
        ],
    }
    normal, subscription = shop.fake.checkout(checkout_id).lines
    assert (normal.variant_id, normal.quantity, normal.price_override, normal.metadata) == (
        shop.saleor.other_variant.id,
        1,
        None,
        {},
    )
    assert (subscription.id, subscription.variant_id, subscription.quantity) == (
        line["lineId"],
        shop.saleor.variant.id,
        2,
    )
    assert subscription.price_override == Decimal("20.00")
    assert line_metadata.decode(subscription.metadata) == line_metadata.SubscriptionLine(
        plan_id=anchored.plan_id, plan_version_id=anchored.pk, discount_code="", first_charge=Decimal("20.00")
    )
    # The line names the plan by its API id, the one the storefront got from the API (issue 12, item 9).
    assert subscription.metadata[line_metadata.PLAN] == line["plan"]["id"]
    assert base64.b64decode(subscription.metadata[line_metadata.PLAN]) == f"Plan:{anchored.plan_id}".encode()
    assert shop.fake.checkout(checkout_id).subtotal.net.amount == Decimal("57.50")  # 17.50 + 2 x 20.00


def test_a_changed_quantity_updates_the_same_line_and_prices_it_again(shop, api, anchored):
    DiscountCode.objects.create(
        installation=shop.installation, code="FIVE", kind="fixed", amount_off=Decimal("5"), currency="USD"
    )
    checkout_id = customers_checkout(shop, (shop.saleor.other_variant, 1))
    add(api, shop, checkout_id, anchored.plan_id, quantity=1)

    result = add(api, shop, checkout_id, anchored.plan_id, quantity=3, code="five")

    [line] = result["lines"]
    # 3 x 15.00 + 3 x 5.00 - 5.00 once = 55.00, carried as 3 x 18.33.
    assert (line["updated"], line["discountCode"], line["firstCharge"]["total"]) == (True, "FIVE", "55.00")
    assert (line["firstCharge"]["unitPrice"], line["firstCharge"]["charged"]) == ("18.33", "54.99")
    [subscription] = subscription_lines(shop, checkout_id)
    assert (subscription.quantity, subscription.price_override) == (3, Decimal("18.33"))
    assert subscription.metadata[line_metadata.DISCOUNT_CODE] == "FIVE"

    add(api, shop, checkout_id, anchored.plan_id, quantity=2)

    [subscription] = subscription_lines(shop, checkout_id)
    assert (subscription.quantity, subscription.price_override) == (2, Decimal("20.00"))
    assert line_metadata.decode(subscription.metadata).discount_code == ""  # type: ignore[union-attr]
    assert len(shop.fake.checkout(checkout_id).lines) == 2


def test_a_normal_line_of_the_same_variant_stays_a_line_of_its_own(shop, api, anchored):
    checkout_id = customers_checkout(shop, (shop.saleor.variant, 1))

    add(api, shop, checkout_id, anchored.plan_id, quantity=1)

    normal, subscription = shop.fake.checkout(checkout_id).lines
    assert (normal.variant_id, normal.quantity, normal.price_override, normal.metadata) == (
        shop.saleor.variant.id,
        1,
        None,
        {},
    )
    assert (subscription.variant_id, subscription.quantity, subscription.price_override) == (
        shop.saleor.variant.id,
        1,
        Decimal("20.00"),
    )


def test_a_guest_checkout_takes_a_line_from_an_anonymous_storefront(shop, api, anchored):
    checkout_id = guest_checkout(shop)

    result = add(api, shop, checkout_id, anchored.plan_id, api_url=shop.fake.api_url)

    assert result["errors"] == []
    assert len(subscription_lines(shop, checkout_id)) == 1


def test_a_trial_charges_only_the_setup_fee(shop, api):
    version = shop.plan(price=Decimal("30.00"), setup_fee=Decimal("5.00"), trial_days=14)
    checkout_id = customers_checkout(shop)

    [line] = add(api, shop, checkout_id, version.plan_id, quantity=2)["lines"]

    charge = line["firstCharge"]
    assert (charge["total"], charge["unitPrice"], charge["trialEnd"]) == ("10.00", "5.00", "2026-11-30")
    assert [entry["kind"] for entry in charge["lines"]] == ["TRIAL", "SETUP_FEE"]
    [subscription] = subscription_lines(shop, checkout_id)
    assert subscription.price_override == Decimal("5.00")


def test_a_trial_without_setup_fee_is_a_line_at_zero(shop, api):
    version = shop.plan(price=Decimal("30.00"), trial_intervals=1)
    checkout_id = customers_checkout(shop)

    add(api, shop, checkout_id, version.plan_id)

    [subscription] = subscription_lines(shop, checkout_id)
    assert subscription.price_override == Decimal("0.00")


def test_a_plan_without_a_price_charges_the_variants_channel_price(shop, api):
    version = shop.plan(price=None)
    checkout_id = customers_checkout(shop)

    [line] = add(api, shop, checkout_id, version.plan_id)["lines"]

    assert line["firstCharge"]["unitPrice"] == "9.99"


def test_a_percentage_code_that_applies_is_taken_off_the_first_period(shop, api, anchored):
    code = DiscountCode.objects.create(
        installation=shop.installation, code="HALF", kind="percentage", percent=50
    )
    code.plans.add(anchored.plan)
    checkout_id = customers_checkout(shop)

    [line] = add(api, shop, checkout_id, anchored.plan_id, code="HALF")["lines"]

    assert line["firstCharge"]["total"] == "12.50"  # 15.00 - 7.50 + 5.00 setup fee


# --- refusals -----------------------------------------------------------------------------------------------


def test_a_quantity_of_zero_is_refused(shop, api, anchored):
    checkout_id = customers_checkout(shop)

    assert refusal(add(api, shop, checkout_id, anchored.plan_id, quantity=0)) == (
        "quantity",
        "INVALID_QUANTITY",
    )
    assert subscription_lines(shop, checkout_id) == []


def test_a_plan_of_another_variant_is_refused(shop, api, anchored):
    checkout_id = customers_checkout(shop)

    result = add(api, shop, checkout_id, anchored.plan_id, variant=shop.saleor.other_variant.id)

    assert refusal(result) == ("planId", "PLAN_OF_ANOTHER_VARIANT")
    assert result["errors"][0]["variants"] == [shop.saleor.other_variant.id]


def test_a_plan_of_another_channel_is_refused(shop, api):
    shop.fake.add_channel("eu", "EUR")
    version = shop.plan(channel="eu", currency="EUR")
    checkout_id = customers_checkout(shop)

    assert refusal(add(api, shop, checkout_id, version.plan_id)) == ("planId", "CHANNEL_MISMATCH")


@pytest.mark.parametrize("plan_id", ["UGxhbjo5OTk5", "not-a-plan", "UHJvZHVjdFZhcmlhbnQ6MQ=="])
def test_an_unknown_plan_is_refused(shop, api, plan_id):
    checkout_id = customers_checkout(shop)

    assert refusal(add(api, shop, checkout_id, plan_id)) == ("planId", "PLAN_NOT_FOUND")


def test_an_archived_plan_is_refused(shop, api, anchored):
    Plan.objects.filter(pk=anchored.plan_id).update(status=Plan.Status.ARCHIVED)
    checkout_id = customers_checkout(shop)

    assert refusal(add(api, shop, checkout_id, anchored.plan_id)) == ("planId", "PLAN_ARCHIVED")


def test_a_checkout_saleor_does_not_know_is_refused(shop, api, anchored):
    unknown = "Q2hlY2tvdXQ6MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAw"

    assert refusal(add(api, shop, unknown, anchored.plan_id)) == ("checkoutId", "CHECKOUT_NOT_FOUND")


def test_a_customers_checkout_is_refused_to_an_anonymous_storefront(shop, api, anchored):
    checkout_id = customers_checkout(shop)

    result = add(api, shop, checkout_id, anchored.plan_id, api_url=shop.fake.api_url)

    assert refusal(result) == ("checkoutId", "CHECKOUT_OF_ANOTHER_CUSTOMER")


def test_a_customers_checkout_is_refused_to_another_customer(shop, api, anchored):
    bob = shop.fake.add_customer("bob@example.com", "Bob", "Jones")
    checkout_id = customers_checkout(shop)

    result = add(api, shop, checkout_id, anchored.plan_id, token=shop.fake.customer_token(bob.id))

    assert refusal(result) == ("checkoutId", "CHECKOUT_OF_ANOTHER_CUSTOMER")


def test_the_same_variant_and_plan_twice_is_refused(shop, api, anchored):
    checkout_id = customers_checkout(shop)
    line = {"variantId": shop.saleor.variant.id, "planId": plan_global_id(anchored.plan_id), "quantity": 1}

    result = api.data(ADD, {"checkoutId": checkout_id, "lines": [line, line]}, token=shop.customer_token())

    assert refusal(result) == ("lines", "DUPLICATED_INPUT_ITEM")


def test_no_lines_is_refused(shop, api):
    result = api.data(ADD, {"checkoutId": customers_checkout(shop), "lines": []}, token=shop.customer_token())

    assert refusal(result) == ("lines", "REQUIRED")


def test_what_saleor_refuses_is_refused_with_its_reason(shop, api, anchored):
    checkout_id = customers_checkout(shop)

    result = add(api, shop, checkout_id, anchored.plan_id, quantity=51)

    assert refusal(result) == ("quantity", "SALEOR_REFUSED")
    assert "QUANTITY_GREATER_THAN_LIMIT" in result["errors"][0]["message"]


def _code(shop, **fields: Any) -> DiscountCode:
    fields.setdefault("kind", "percentage")
    fields.setdefault("percent", Decimal(10))
    return DiscountCode.objects.create(installation=shop.installation, code="SAVE", **fields)


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda shop, plan: None, id="unknown"),
        pytest.param(lambda shop, plan: _code(shop, active=False), id="inactive"),
        pytest.param(
            lambda shop, plan: _code(shop, valid_until=datetime(2026, 11, 1, tzinfo=UTC)), id="expired"
        ),
        pytest.param(
            lambda shop, plan: _code(shop, valid_from=datetime(2026, 12, 1, tzinfo=UTC)), id="not yet"
        ),
        pytest.param(
            lambda shop, plan: _code(shop, kind="fixed", percent=None, amount_off=Decimal(5), currency="EUR"),
            id="other currency",
        ),
        pytest.param(
            lambda shop, plan: _code(shop).plans.add(shop.plan(name="Another").plan), id="for another plan"
        ),
        pytest.param(
            lambda shop, plan: DiscountRedemption.objects.create(
                installation=shop.installation,
                code=_code(shop, max_redemptions=1),
                subscription=make_subscription(plan),
                customer_key="email:someone@example.com",
            ),
            id="used up",
        ),
        pytest.param(
            lambda shop, plan: DiscountRedemption.objects.create(
                installation=shop.installation,
                code=_code(shop, max_per_customer=1),
                subscription=make_subscription(plan),
                customer_key=customer_key(shop.saleor.customer.id, "ann@example.com"),
            ),
            id="used by this customer",
        ),
    ],
)
def test_a_code_that_does_not_apply_is_refused(shop, api, anchored, make):
    make(shop, anchored)
    checkout_id = customers_checkout(shop)

    result = add(api, shop, checkout_id, anchored.plan_id, code="save")

    assert refusal(result) == ("discountCode", "INVALID_DISCOUNT_CODE")
    assert subscription_lines(shop, checkout_id) == []


def test_a_dashboard_token_without_permissions_cannot_add_priced_lines_to_a_customers_checkout(
    shop, api, anchored
):
    checkout_id = customers_checkout(shop)
    line = {"variantId": shop.saleor.variant.id, "planId": plan_global_id(anchored.plan_id), "quantity": 1}
    variables = {"checkoutId": checkout_id, "lines": [line]}

    refused = api.refused(ADD, variables, token=shop.staff_token(()))
    by_product_staff = api.refused(ADD, variables, token=shop.staff_token(("MANAGE_PRODUCTS",)))

    assert refused == by_product_staff == (200, "PERMISSION_DENIED")
    assert subscription_lines(shop, checkout_id) == []


def test_staff_with_handle_checkouts_may_add_lines_to_a_customers_checkout(shop, api, anchored):
    checkout_id = customers_checkout(shop)

    result = add(api, shop, checkout_id, anchored.plan_id, token=shop.staff_token(("HANDLE_CHECKOUTS",)))

    assert result["errors"] == [] and len(subscription_lines(shop, checkout_id)) == 1


def test_the_first_charges_lines_are_worded_in_the_language_asked_for_else_the_shops(shop, api, anchored):
    dutch_add = ADD.replace("kind description amount", "kind description(language: NL) amount")

    english = add(api, shop, customers_checkout(shop), anchored.plan_id, quantity=2)
    variables = {
        "checkoutId": customers_checkout(shop),
        "lines": [
            {"variantId": shop.saleor.variant.id, "planId": plan_global_id(anchored.plan_id), "quantity": 2}
        ],
    }
    dutch = api.data(dutch_add, variables, token=shop.customer_token())

    assert english["errors"] == [] and dutch["errors"] == []
    [english_line], [dutch_line] = english["lines"], dutch["lines"]
    in_english = {line["kind"]: line["description"] for line in english_line["firstCharge"]["lines"]}
    in_dutch = {line["kind"]: line["description"] for line in dutch_line["firstCharge"]["lines"]}
    assert in_english["SETUP_FEE"] == "Setup fee × 2"
    assert in_dutch["SETUP_FEE"] == "Opstartkosten × 2"
