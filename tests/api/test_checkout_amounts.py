"""A subscription line's price in a Saleor checkout is an amount Stripe can charge (BILLING_RULES §3): 30.000
KWD a month renewing on the 1st, bought on 16 November, is 15 of 30 days; over 3 units the unit price is cut
down to whole steps of 0.010 KWD, never to 0.001."""

from __future__ import annotations

from decimal import Decimal

import pytest

from saleor_subscriptions.billing.money import is_chargeable
from tests.api.test_checkout import add, subscription_lines
from tests.fakes.saleor.scenario import ADDRESS_US

pytestmark = pytest.mark.django_db


def test_a_kwd_line_is_priced_in_steps_of_ten_fils(shop, api):
    shop.fake.add_channel("kuwait", "KWD", False)
    shop.fake.set_variant_price(shop.saleor.variant.id, "kuwait", "3.250")
    version = shop.plan(
        channel="kuwait",
        currency="KWD",
        price=Decimal("10.010"),
        anchor_mode="day_of_month",
        anchor_day=1,
    )
    checkout_id = str(
        shop.fake.checkout_create(
            channel="kuwait",
            user=shop.saleor.customer.id,
            shipping_address=ADDRESS_US,
            billing_address=ADDRESS_US,
        ).id
    )

    result = add(api, shop, checkout_id, version.plan_id, quantity=3)

    assert result["errors"] == []
    [line] = result["lines"]
    # 3 x 10.010 x 15/30 = 15.015 -> 15.020 (steps of 0.010); 15.020 / 3 = 5.00666 -> 5.000 a unit
    charge = line["firstCharge"]
    assert (charge["total"], charge["unitPrice"], charge["charged"]) == ("15.020", "5.000", "15.000")
    [saleor_line] = subscription_lines(shop, checkout_id)
    assert saleor_line.price_override == Decimal("5.000")
    assert is_chargeable(saleor_line.price_override * 3, "KWD")
