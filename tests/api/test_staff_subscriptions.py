"""`subscriptions` for staff (MANAGE_ORDERS): each filter, the search, every sort both ways, cursor pages
forwards and backwards, counts per status, refused callers and arguments, and a constant number of queries
however long the page."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from saleor_subscriptions.api.ids import subscription_global_id
from saleor_subscriptions.catalog.ids import plan_global_id
from saleor_subscriptions.subscriptions.models import Subscription
from tests.api.staff_world import T0, StaffWorld, build, invoice
from tests.factories import make_subscription

pytestmark = pytest.mark.django_db

LIST = """
query List($filter: SubscriptionFilterInput, $search: String, $sortBy: SubscriptionSortingInput,
           $first: Int, $after: String, $last: Int, $before: String) {
  subscriptions(filter: $filter, search: $search, sortBy: $sortBy, first: $first, after: $after,
                last: $last, before: $before) {
    totalCount
    statusCounts { status count }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id number status customerEmail customerName amount paymentMethodType attention
                          plan { name } nextBillingAt createdAt } }
  }
}
"""


@pytest.fixture
def world(shop: Any) -> StaffWorld:
    return build(shop)


def listed(api: Any, world: StaffWorld, **variables: Any) -> dict[str, Any]:
    status, body = api.post(LIST, variables, token=world.token())
    assert status == 200 and "errors" not in body, body
    return body["data"]["subscriptions"]


def emails(page: dict[str, Any]) -> list[str]:
    return [edge["node"]["customerEmail"].split("@")[0] for edge in page["edges"]]


def refused(api: Any, world: StaffWorld, **variables: Any) -> dict[str, Any]:
    status, body = api.post(LIST, variables, token=world.token())
    assert status == 200 and body["data"] is None, body
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    return error


def test_the_list_is_every_subscription_but_unpaid_checkouts_newest_first(api, world):
    page = listed(api, world)

    assert emails(page) == ["fay", "eve", "dan", "cat", "bob", "ann"]
    assert page["totalCount"] == 6
    first = page["edges"][-1]["node"]
    assert first == {
        "id": subscription_global_id(world.subs["ann"].pk),
        "number": world.subs["ann"].pk,
        "status": "ACTIVE",
        "customerEmail": "ann@example.com",
        "customerName": "Ann Annson",
        "amount": "30.00",
        "paymentMethodType": "card",
        "attention": [],
        "plan": {"name": "Coffee monthly"},
        "nextBillingAt": "2026-03-02T09:00:00+00:00",
        "createdAt": "2026-01-01T09:00:00+00:00",
    }


def test_counts_per_status_leave_the_status_filter_out(api, world):
    page = listed(api, world, filter={"status": ["ACTIVE"]})

    assert emails(page) == ["fay", "eve", "ann"]
    assert page["totalCount"] == 3
    assert page["statusCounts"] == [
        {"status": "ACTIVE", "count": 3},
        {"status": "CANCELLED", "count": 1},
        {"status": "INCOMPLETE", "count": 1},
        {"status": "PAST_DUE", "count": 1},
        {"status": "SUSPENDED", "count": 1},
    ]


@pytest.mark.parametrize(
    ("filter_", "expected"),
    [
        ({"status": ["PAST_DUE", "SUSPENDED"]}, ["cat", "bob"]),
        ({"status": ["INCOMPLETE"]}, ["gus"]),
        ({"variant": "UHJvZHVjdFZhcmlhbnQ6OTk="}, ["cat"]),
        ({"channel": "eu-channel"}, ["cat"]),
        ({"customer": "BOB@example.com"}, ["bob"]),
        ({"customer": "VXNlcjo4"}, ["eve"]),
        ({"paymentMethodType": "sepa_debit"}, ["bob"]),
        (
            {"created": {"gte": "2026-01-02T09:00:00+00:00", "lte": "2026-01-03T09:00:00+00:00"}},
            ["cat", "bob"],
        ),
        ({"nextBilling": {"lte": "2026-02-25T09:00:00+00:00"}}, ["fay"]),
        ({"cancelled": {"gte": "2026-02-01T00:00:00+00:00"}}, ["dan"]),
        ({"attention": ["PAST_DUE"]}, ["bob"]),
        ({"attention": ["SUSPENDED"]}, ["cat"]),
        ({"attention": ["ACTION_REQUIRED"]}, ["eve"]),
        ({"attention": ["ORDER_FAILED"]}, ["fay"]),
        (
            {"attention": ["PAST_DUE", "SUSPENDED", "ACTION_REQUIRED", "ORDER_FAILED"]},
            ["fay", "eve", "cat", "bob"],
        ),
    ],
)
def test_each_filter(api, world, filter_, expected):
    assert emails(listed(api, world, filter=filter_)) == expected


def test_filter_by_plan_and_product(api, world):
    yearly = plan_global_id(world.yearly.plan_id)

    assert emails(listed(api, world, filter={"plans": [yearly]})) == ["cat"]
    product = world.shop.saleor.product.id
    assert emails(listed(api, world, filter={"product": product})) == [
        "fay",
        "eve",
        "dan",
        "cat",
        "bob",
        "ann",
    ]


def test_filter_by_the_saleor_order_that_started_or_renewed_it(api, world):
    Subscription.objects.filter(pk=world.subs["ann"].pk).update(saleor_order_id="T3JkZXI6MQ==")
    invoice(world.subs["bob"], "INV-0901", 7, saleor_order_id="T3JkZXI6Mg==")
    invoice(world.subs["cat"], "INV-0902", 7, saleor_order_id="T3JkZXI6MQ==")

    assert emails(listed(api, world, filter={"saleorOrder": "T3JkZXI6MQ=="})) == ["cat", "ann"]
    assert emails(listed(api, world, filter={"saleorOrder": "T3JkZXI6Mg=="})) == ["bob"]
    assert emails(listed(api, world, filter={"saleorOrder": "T3JkZXI6OTk="})) == []
    error = refused(api, world, filter={"saleorOrder": " "})
    assert error["extensions"]["field"] == "filter.saleorOrder"


def test_attention_is_shown_per_subscription(api, world):
    page = listed(
        api, world, filter={"attention": ["PAST_DUE", "SUSPENDED", "ACTION_REQUIRED", "ORDER_FAILED"]}
    )

    assert [edge["node"]["attention"] for edge in page["edges"]] == [
        ["ORDER_FAILED"],
        ["ACTION_REQUIRED"],
        ["SUSPENDED"],
        ["PAST_DUE"],
    ]


def test_an_answered_charge_or_a_paid_invoice_needs_no_attention(api, world):
    world.subs["eve"].invoices.update(status="paid")

    assert emails(listed(api, world, filter={"attention": ["ACTION_REQUIRED"]})) == []


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("bob@", ["bob"]),
        ("EXAMPLE.COM", ["fay", "eve", "dan", "cat", "bob", "ann"]),
        ("Catson", ["cat"]),
        ("inv-0004", ["eve"]),
        ("INV-0003", ["bob"]),
        ("nobody", []),
    ],
)
def test_search(api, world, term, expected):
    assert emails(listed(api, world, search=term)) == expected


def test_search_by_subscription_number_and_id(api, world):
    fay = world.subs["fay"]

    assert emails(listed(api, world, search=f"#{fay.pk}")) == ["fay"]
    assert emails(listed(api, world, search=str(fay.pk))) == ["fay"]
    assert emails(listed(api, world, search=subscription_global_id(fay.pk))) == ["fay"]


@pytest.mark.parametrize(
    ("field", "ascending"),
    [
        ("CREATED", ["ann", "bob", "cat", "dan", "eve", "fay"]),
        ("NEXT_BILLING", ["fay", "eve", "cat", "bob", "ann", "dan"]),
        ("STATUS", ["ann", "eve", "fay", "dan", "bob", "cat"]),
        ("CUSTOMER", ["ann", "bob", "cat", "dan", "eve", "fay"]),
        ("AMOUNT", ["ann", "eve", "bob", "dan", "fay", "cat"]),
    ],
)
def test_sorting_both_ways_and_paging_through_it(api, world, field, ascending):
    for direction, expected in (("ASC", ascending), ("DESC", list(reversed(ascending)))):
        sort = {"field": field, "direction": direction}
        assert emails(listed(api, world, sortBy=sort)) == expected
        seen, after = [], None
        while True:
            page = listed(api, world, sortBy=sort, first=4, after=after)
            seen += emails(page)
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
        assert seen == expected, (field, direction)
        back: list[str] = []
        before = None
        while True:
            page = listed(api, world, sortBy=sort, last=4, before=before)
            back = emails(page) + back
            if not page["pageInfo"]["hasPreviousPage"]:
                break
            before = page["pageInfo"]["startCursor"]
        assert back == expected, (field, direction)


def test_a_page_stays_the_same_when_rows_come_before_it(api, world):
    first = listed(api, world, first=2)
    make_subscription(
        world.monthly, status="active", customer_email="new@example.com", created_at=T0.replace(year=2027)
    )

    second = listed(api, world, first=2, after=first["pageInfo"]["endCursor"])

    assert emails(first) == ["fay", "eve"]
    assert emails(second) == ["dan", "cat"]
    assert second["pageInfo"]["hasPreviousPage"] is True


@pytest.mark.parametrize(
    ("variables", "field"),
    [
        ({"first": 101}, "first"),
        ({"first": 0}, "first"),
        ({"last": 500}, "last"),
        ({"first": 2, "last": 2}, "last"),
        ({"after": "bm90IGEgY3Vyc29y"}, "after"),
        ({"after": "x", "before": "y"}, "before"),
        (
            {"filter": {"created": {"gte": "2026-02-01T00:00:00+00:00", "lte": "2026-01-01T00:00:00+00:00"}}},
            "filter.created",
        ),
        (
            {
                "filter": {
                    "nextBilling": {"gte": "2026-02-01T00:00:00+00:00", "lte": "2026-01-01T00:00:00+00:00"}
                }
            },
            "filter.nextBilling",
        ),
        ({"filter": {"plans": ["not-a-plan"]}}, "filter.plans"),
        ({"search": "x" * 201}, "search"),
    ],
)
def test_bad_arguments_are_refused_naming_them(api, world, variables, field):
    error = refused(api, world, **variables)

    assert error["extensions"]["field"] == field
    assert error["message"].startswith(f"{field}: ")


def test_a_cursor_of_another_sort_is_refused(api, world):
    page = listed(api, world, first=1)

    error = refused(
        api, world, after=page["pageInfo"]["endCursor"], sortBy={"field": "CUSTOMER", "direction": "ASC"}
    )

    assert error["extensions"]["field"] == "after"


def test_an_unknown_sort_is_refused_by_the_schema(api, world):
    status, body = api.post(LIST, {"sortBy": {"field": "COLOUR", "direction": "ASC"}}, token=world.token())

    assert status == 400
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "COLOUR" in body["errors"][0]["message"]


@pytest.mark.parametrize(
    ("who", "code"),
    [
        ("customer", "AUTHENTICATION_REQUIRED"),
        ("anonymous", "AUTHENTICATION_REQUIRED"),
        ("MANAGE_PRODUCTS", "PERMISSION_DENIED"),
    ],
)
def test_only_staff_with_manage_orders_may_list(api, world, who, code):
    shop = world.shop
    auth: dict[str, Any] = {
        "customer": {"token": shop.customer_token()},
        "anonymous": {"api_url": shop.fake.api_url},
        "MANAGE_PRODUCTS": {"token": shop.staff_token(("MANAGE_PRODUCTS",))},
    }[who]

    status, body = api.post(LIST, {}, **auth)

    assert status == 200 and body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == code
    assert body["errors"][0]["extensions"]["permissions"] == ["MANAGE_ORDERS"]


def test_another_shops_subscriptions_are_not_listed(api, world):
    from tests.factories import make_installation, make_plan_version

    other = make_installation("https://other.example.com/graphql/")
    make_subscription(make_plan_version(other), status="active", customer_email="zed@example.com")

    assert "zed" not in emails(listed(api, world, first=100))


def queries_for(api: Any, world: StaffWorld, first: int) -> int:
    with CaptureQueriesContext(connection) as captured:
        page = listed(api, world, first=first)
    assert len(page["edges"]) == first
    return len(captured.captured_queries)


def test_the_number_of_queries_does_not_grow_with_the_page(api, world):
    for n in range(50):
        sub = make_subscription(
            world.yearly if n % 2 else world.monthly,
            status="active",
            customer_email=f"p{n}@example.com",
            pending_plan_version=world.yearly,
        )
        invoice(sub, f"INV-1{n:03}", 0)

    one, fifty = queries_for(api, world, 1), queries_for(api, world, 50)

    assert one == fifty
