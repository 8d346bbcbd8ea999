"""The metadata that makes a checkout (and so an order) line a subscription line names the plan by its API id
(issue 12, item 9): the id a storefront and the dashboard see, not the app's bare row id."""

from __future__ import annotations

from decimal import Decimal

import pytest

from saleor_subscriptions.saleor import line_metadata
from saleor_subscriptions.saleor.line_metadata import BadLineMetadata, SubscriptionLine, decode, encode


def test_the_line_names_plan_1_as_UGxhbjox():
    items = encode(SubscriptionLine(1, 4, "", Decimal("39.00")))

    assert {"key": line_metadata.PLAN, "value": "UGxhbjox"} in items
    assert decode(items) == SubscriptionLine(1, 4, "", Decimal("39.00"))


def test_a_line_written_with_the_bare_row_id_is_still_read():
    assert decode({line_metadata.PLAN: "12", line_metadata.PLAN_VERSION: "30"}) == SubscriptionLine(
        12, 30, "", None
    )


@pytest.mark.parametrize("value", ["plan-123", "T3JkZXI6MQ==", "UGxhbjow", "UGxhbjp4", "0", ""])
def test_a_plan_that_is_not_a_plan_api_id_is_refused(value):
    """Another app's value, an Order's id, Plan:0, Plan:x, a zero row id, nothing."""
    with pytest.raises(BadLineMetadata, match=line_metadata.PLAN):
        decode({line_metadata.PLAN: value, line_metadata.PLAN_VERSION: "3"})
