"""The fake Saleor answers as Saleor 3.21 does to everything the app sends it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest

from saleor_subscriptions.saleor.documents import document, document_names, operation_name
from tests.fakes.saleor import FakeSaleor, InstalledApp
from tests.fakes.saleor.fixtures import fake_saleor, fake_shop, installed_app, stub_app
from tests.fakes.saleor.ids import TaxedMoney
from tests.fakes.saleor.scenario import (
    ADDRESS_NL,
    ADDRESS_US,
    Shop,
    bulk_order,
    call,
    code_of,
    coffee_shop,
    data_of,
    draft,
    paid_order,
)
from tests.fakes.saleor.stub_app import StubApp
from tests.fakes.saleor.webhooks import subscription_events

__all__ = ["fake_saleor", "fake_shop", "installed_app", "stub_app"]  # the fixtures, imported for pytest


@pytest.fixture
def shop(fake_shop: Shop) -> Shop:
    return fake_shop


@pytest.fixture
def app(installed_app: InstalledApp) -> InstalledApp:
    return installed_app


# --- documents ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("query { order(externalReference: 1) { id nope } }", "GraphQLError"),
        ("query { order(externalReference: ", "GraphQLSyntaxError"),
        ("subscription { event { issuedAt } }", "GraphQLError"),
    ],
)
def test_a_document_that_does_not_validate_is_refused_with_400(
    fake_saleor: FakeSaleor, query: str, code: str
) -> None:
    response = httpx.post(fake_saleor.api_url, json={"query": query})
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["exception"]["code"] == code
    assert "data" not in response.json()


def test_variables_that_do_not_fit_the_schema_are_refused_with_400(
    fake_saleor: FakeSaleor, app: InstalledApp
) -> None:
    status, body = fake_saleor.post_graphql(
        "checkout_lines_add", {"id": "x", "lines": [{"quantity": 1}]}, app.token
    )
    assert status == 400
    assert "variantId" in body["errors"][0]["message"]


def _variables(fake: FakeSaleor, shop: Shop, app: InstalledApp) -> dict[str, Callable[[], dict[str, Any]]]:
    def checkout_id() -> str:
        return fake.checkout_create(user=shop.customer, lines=[(shop.variant, 1)]).id

    def completed_order_id() -> str:
        return str(paid_order(fake, shop).id)

    line = {"variantId": shop.other_variant.id, "quantity": 1, "price": "5.00"}
    return {
        "app": dict,
        "shop_name": dict,
        "channel": lambda: {"slug": "default-channel"},
        "channel_taxes": lambda: {"slug": "default-channel"},
        "checkout": lambda: {"id": checkout_id()},
        "checkout_lines_add": lambda: {"id": checkout_id(), "lines": [line]},
        "checkout_lines_update": lambda: {
            "id": (co := fake.checkout_create(lines=[(shop.variant, 1)])).id,
            "lines": [{"lineId": co.lines[0].id, "quantity": 3, "price": "7.00"}],
        },
        "draft_order_create": lambda: {
            "input": {
                "channelId": shop.channel.id,
                "userEmail": "x@example.com",
                "lines": [{"variantId": shop.variant.id, "quantity": 1}],
            }
        },
        "draft_order_complete": lambda: {"id": draft(fake, shop, app.token)["id"]},
        "invoice_create": lambda: {
            "orderId": completed_order_id(),
            "input": {"number": "F-1", "url": "https://x/1"},
        },
        "order_bulk_create": lambda: {
            "orders": [bulk_order(shop, fake.default_warehouse().id)],
            "stockUpdatePolicy": "SKIP",
        },
        "order_cancel": lambda: {"id": completed_order_id()},
        "order_confirm": lambda: {
            "id": data_of(
                fake,
                "order_bulk_create",
                {
                    "orders": [bulk_order(shop, fake.default_warehouse().id, status="UNCONFIRMED")],
                    "stockUpdatePolicy": "SKIP",
                },
                app.token,
            )["results"][0]["order"]["id"]
        },
        "order_line_discount_update": lambda: {
            "orderLineId": draft(fake, shop, app.token, "INV-7")["lines"][0]["id"],
            "input": {"valueType": "FIXED", "value": "0"},
        },
        "order_by_external_reference": lambda: {
            "externalReference": draft(fake, shop, app.token, "INV-9")["externalReference"]
        },
        "order_by_id": lambda: {"id": completed_order_id()},
        "order_payments": lambda: {
            "externalReference": draft(fake, shop, app.token, "INV-8")["externalReference"]
        },
        "product_variant": lambda: {"id": shop.variant.id, "channel": "default-channel"},
        "tax_country_rates": lambda: {"countryCode": "NL"},
        "token_verify": lambda: {"token": fake.customer_token(shop.customer)},
        "transaction_create": lambda: {
            "id": completed_order_id(),
            "transaction": {
                "name": "Stripe",
                "pspReference": "pi_2",
                "amountCharged": {"amount": "1.00", "currency": "USD"},
            },
        },
        "transaction_event_report": lambda: {
            "id": data_of(
                fake,
                "transaction_create",
                {
                    "id": completed_order_id(),
                    "transaction": {"name": "Subscriptions", "pspReference": "pi_3"},
                },
                app.token,
            )["transaction"]["id"],
            "type": "CHARGE_SUCCESS",
            "amount": "1.00",
            "pspReference": "pi_3",
        },
        "update_metadata": lambda: {
            "id": shop.variant.id,
            "input": [{"key": "subscription.plans", "value": "[]"}],
        },
        "update_private_metadata": lambda: {"id": shop.variant.id, "input": [{"key": "k", "value": "v"}]},
        "variant_tax_class": lambda: {"id": shop.variant.id},
    }


@pytest.mark.parametrize("name", [n for n in document_names() if not n.startswith(("webhook_", "sync_"))])
def test_every_operation_document_executes_with_the_apps_token(
    fake_saleor: FakeSaleor, shop: Shop, app: InstalledApp, name: str
) -> None:
    variables = _variables(fake_saleor, shop, app)
    if name not in variables:
        pytest.fail(
            f"graphql/saleor/{name}.graphql is new: give it variables here and check the fake serves it"
        )
    result = data_of(fake_saleor, name, variables[name](), app.token)
    assert fake_saleor.requests[-1].operation_name == operation_name(document(name))
    assert fake_saleor.requests[-1].app_id == app.id
    assert result  # a non-empty object: every field the schema declares non-null came back


@pytest.mark.parametrize("name", [n for n in document_names() if n.startswith(("webhook_", "sync_"))])
def test_every_subscription_document_names_the_event_of_its_file(fake_saleor: FakeSaleor, name: str) -> None:
    event = name.split("_", 1)[1].upper()
    assert subscription_events(fake_saleor.schema, document(name)) == [event]


# --- permissions ------------------------------------------------------------------------------------------


@pytest.fixture
def weak_app(fake_saleor: FakeSaleor, app: InstalledApp) -> Iterator[InstalledApp]:
    stub = StubApp(permissions=["MANAGE_CHECKOUTS"], identifier="weak.app").start()
    yield fake_saleor.install_app(stub.manifest_url)
    stub.stop()


@pytest.mark.parametrize(
    ("name", "variables", "needed"),
    [
        ("draft_order_create", lambda s: {"input": {"channelId": s.channel.id}}, "MANAGE_ORDERS"),
        ("draft_order_complete", lambda s: {"id": "T3JkZXI6MQ=="}, "MANAGE_ORDERS"),
        ("order_by_external_reference", lambda s: {"externalReference": "INV-1"}, "MANAGE_ORDERS"),
        ("order_bulk_create", lambda s: {"orders": []}, "MANAGE_ORDERS_IMPORT"),
        ("transaction_create", lambda s: {"id": "T3JkZXI6MQ==", "transaction": {}}, "HANDLE_PAYMENTS"),
        (
            "invoice_create",
            lambda s: {"orderId": "T3JkZXI6MQ==", "input": {"number": "1", "url": "u"}},
            "MANAGE_ORDERS",
        ),
        (
            "update_metadata",
            lambda s: {"id": s.variant.id, "input": [{"key": "k", "value": "v"}]},
            "MANAGE_PRODUCTS",
        ),
    ],
)
def test_an_operation_without_its_permission_is_denied(  # noqa: PLR0917 (fixtures and parameters)
    fake_saleor: FakeSaleor, shop: Shop, weak_app: InstalledApp, name: str, variables: Any, needed: str
) -> None:
    body = call(fake_saleor, name, variables(shop), weak_app.token)
    assert code_of(body) == "PermissionDenied"
    assert needed in body["errors"][0]["message"]
    assert fake_saleor.orders() == []


def test_a_custom_line_price_needs_handle_checkouts(
    fake_saleor: FakeSaleor, shop: Shop, weak_app: InstalledApp
) -> None:
    checkout = fake_saleor.checkout_create(lines=[(shop.variant, 1)])
    lines = [{"variantId": shop.other_variant.id, "quantity": 1, "price": "1.00"}]
    body = call(fake_saleor, "checkout_lines_add", {"id": checkout.id, "lines": lines}, weak_app.token)
    assert code_of(body) == "PermissionDenied"
    assert len(fake_saleor.checkout(checkout.id).lines) == 1


def test_an_unknown_app_token_is_anonymous_and_its_app_query_denied(fake_saleor: FakeSaleor) -> None:
    body = call(fake_saleor, "app", {}, "x" * 30)
    assert body["data"] == {"app": None}
    assert code_of(body) == "PermissionDenied"


def test_an_expired_customer_token_fails_what_needs_the_user(fake_saleor: FakeSaleor, shop: Shop) -> None:
    token = fake_saleor.customer_token(shop.customer, expires_in=-10)
    assert code_of(call(fake_saleor, "app", {}, token)) == "ExpiredSignatureError"
    body = call(fake_saleor, "token_verify", {"token": token}, None)["data"]["tokenVerify"]
    assert (body["isValid"], body["errors"][0]["code"]) == (False, "JWT_SIGNATURE_EXPIRED")


# --- orders -----------------------------------------------------------------------------------------------


def test_a_completed_draft_is_taxed_at_the_shipping_countrys_rate_on_net_prices(
    fake_saleor: FakeSaleor, shop: Shop, app: InstalledApp
) -> None:
    order_id = draft(fake_saleor, shop, app.token, billingAddress=ADDRESS_US)["id"]  # ships to NL: 21 %
    order = data_of(fake_saleor, "draft_order_complete", {"id": order_id}, app.token)["order"]
    assert (order["status"], order["externalReference"]) == ("UNFULFILLED", "INV-1")
    line = order["lines"][0]
    assert line["unitPrice"] == {
        "net": {"amount": 12.0, "currency": "USD"},
        "gross": {"amount": 14.52, "currency": "USD"},
    }
    assert line["totalPrice"]["gross"]["amount"] == 29.04
    # 24.00 + 4.95 shipping net; 29.04 + 5.99 gross
    assert order["total"] == {
        "net": {"amount": 28.95, "currency": "USD"},
        "gross": {"amount": 35.03, "currency": "USD"},
        "tax": {"amount": 6.08, "currency": "USD"},
    }
    fake_saleor.wait_for_webhooks()
    created = [d for d in fake_saleor.deliveries if d.event == "ORDER_CREATED"]
    assert [d.payload["order"]["total"]["gross"]["amount"] for d in created] == [35.03]
    assert created[0].payload["order"]["lines"][0]["taxRate"] == 0.21


def test_a_channel_with_gross_prices_takes_the_tax_out_of_the_price(fake_saleor: FakeSaleor) -> None:
    shop = coffee_shop(fake_saleor, slug="eu", currency="EUR", prices_entered_with_tax=True)
    order = fake_saleor.execute(
        document("draft_order_create"),
        {
            "input": {
                "channelId": shop.channel.id,
                "userEmail": "a@example.com",
                "billingAddress": ADDRESS_NL,
                "lines": [{"variantId": shop.variant.id, "quantity": 1, "price": "12.10"}],
            }
        },
    )["data"]["draftOrderCreate"]["order"]
    assert order["lines"][0]["unitPrice"]["net"]["amount"] == 10.0
    assert order["total"]["gross"] == {"amount": 12.1, "currency": "EUR"}


def test_completing_a_draft_without_billing_address_or_shipping_method_reports_both(
    fake_saleor: FakeSaleor, shop: Shop, app: InstalledApp
) -> None:
    order_id = draft(fake_saleor, shop, app.token, billingAddress=None, shippingMethod=None)["id"]
    result = call(fake_saleor, "draft_order_complete", {"id": order_id}, app.token)["data"][
        "draftOrderComplete"
    ]
    assert {e["code"] for e in result["errors"]} == {"BILLING_ADDRESS_NOT_SET", "SHIPPING_METHOD_REQUIRED"}
    assert fake_saleor.order(order_id).status == "DRAFT"


def test_an_external_reference_is_unique_and_finds_its_order_draft_or_not(
    fake_saleor: FakeSaleor, shop: Shop, app: InstalledApp
) -> None:
    order_id = draft(fake_saleor, shop, app.token)["id"]
    lookup = {"externalReference": "INV-1"}
    assert data_of(fake_saleor, "order_by_external_reference", lookup, app.token)["status"] == "DRAFT"
    again = call(
        fake_saleor,
        "draft_order_create",
        {"input": {"channelId": shop.channel.id, "externalReference": "INV-1"}},
        app.token,
    )
    assert again["data"]["draftOrderCreate"]["errors"][0]["code"] == "UNIQUE"
    data_of(fake_saleor, "draft_order_complete", {"id": order_id}, app.token)
    found = data_of(fake_saleor, "order_by_external_reference", lookup, app.token)
    assert (found["id"], found["status"]) == (order_id, "UNFULFILLED")
    assert call(fake_saleor, "order_by_external_reference", {"externalReference": "nope"}, app.token)[
        "data"
    ] == {"order": None}


def test_a_transaction_that_covers_the_total_makes_the_order_paid_and_sends_order_fully_paid(
    fake_saleor: FakeSaleor, shop: Shop, app: InstalledApp
) -> None:
    order_id = draft(fake_saleor, shop, app.token)["id"]
    data_of(fake_saleor, "draft_order_complete", {"id": order_id}, app.token)
    charge = {
        "name": "Stripe",
        "pspReference": "pi_9",
        "amountCharged": {"amount": "35.03", "currency": "USD"},
    }
    result = data_of(fake_saleor, "transaction_create", {"id": order_id, "transaction": charge}, app.token)
    assert result["transaction"]["order"] == {"id": order_id, "chargeStatus": "FULL"}
    fake_saleor.wait_for_webhooks()
    assert [d.event for d in fake_saleor.deliveries] == ["ORDER_CREATED", "ORDER_FULLY_PAID"]
    assert fake_saleor.deliveries[1].payload["order"]["transactions"][0]["pspReference"] == "pi_9"
    wrong = call(
        fake_saleor,
        "transaction_create",
        {"id": order_id, "transaction": charge | {"amountCharged": {"amount": "1", "currency": "EUR"}}},
        app.token,
    )
    assert wrong["data"]["transactionCreate"]["errors"][0]["code"] == "INCORRECT_CURRENCY"


def test_a_charge_reported_on_the_apps_transaction_pays_the_order_once_as_saleor_counts_it(
    fake_saleor: FakeSaleor, shop: Shop, app: InstalledApp, weak_app: InstalledApp
) -> None:
    order_id = draft(fake_saleor, shop, app.token)["id"]
    data_of(fake_saleor, "draft_order_complete", {"id": order_id}, app.token)
    opened = {"name": "Subscriptions", "pspReference": "pi_7", "availableActions": []}
    made = data_of(fake_saleor, "transaction_create", {"id": order_id, "transaction": opened}, app.token)
    transaction_id = made["transaction"]["id"]
    assert (made["transaction"]["events"], made["transaction"]["order"]["chargeStatus"]) == ([], "NONE")
    report = {"id": transaction_id, "type": "CHARGE_SUCCESS", "amount": "35.03", "pspReference": "pi_7"}

    first = data_of(fake_saleor, "transaction_event_report", report | {"message": "Renewal"}, app.token)
    again = data_of(fake_saleor, "transaction_event_report", report, app.token)
    other = call(fake_saleor, "transaction_event_report", report | {"amount": "1.00"}, app.token)
    weak = call(fake_saleor, "transaction_event_report", report, weak_app.token)  # no HANDLE_PAYMENTS

    assert (first["alreadyProcessed"], again["alreadyProcessed"]) == (False, True)
    assert first["transactionEvent"] == {
        "type": "CHARGE_SUCCESS",
        "pspReference": "pi_7",
        "amount": {"amount": 35.03, "currency": "USD"},
        "message": "Renewal",
    }
    assert other["data"]["transactionEventReport"]["errors"][0]["code"] == "INCORRECT_DETAILS"
    assert code_of(weak) == "PermissionDenied"
    [transaction] = fake_saleor.order(order_id).transactions
    assert [(e["type"], e["psp_reference"]) for e in transaction.events] == [
        ("CHARGE_SUCCESS", "pi_7"),
        ("CHARGE_FAILURE", "pi_7"),
    ]
    assert transaction.charged_value == Decimal("35.03")
    fake_saleor.wait_for_webhooks()
    assert [d.event for d in fake_saleor.deliveries] == ["ORDER_CREATED", "ORDER_FULLY_PAID"]


def test_an_invoice_is_refused_on_a_draft_and_attached_to_a_placed_order(
    fake_saleor: FakeSaleor, shop: Shop, app: InstalledApp
) -> None:
    order_id = draft(fake_saleor, shop, app.token)["id"]
    invoice = {"orderId": order_id, "input": {"number": "2026-0001", "url": "https://shop/invoices/1.pdf"}}
    refused = call(fake_saleor, "invoice_create", invoice, app.token)["data"]["invoiceCreate"]
    assert refused["errors"][0]["code"] == "INVALID_STATUS"
    data_of(fake_saleor, "draft_order_complete", {"id": order_id}, app.token)
    made = data_of(fake_saleor, "invoice_create", invoice, app.token)["invoice"]
    assert (made["number"], made["status"]) == ("2026-0001", "SUCCESS")
    assert [i.number for i in fake_saleor.order(order_id).invoices] == ["2026-0001"]


def test_checkout_line_metadata_and_custom_price_reach_the_order_and_quantity_0_removes_a_line(
    fake_saleor: FakeSaleor, shop: Shop, app: InstalledApp
) -> None:
    checkout = fake_saleor.checkout_create(
        user=shop.customer, lines=[(shop.variant, 1)], shipping_address=ADDRESS_US, billing_address=ADDRESS_US
    )
    plan = [{"key": "subscription.plan", "value": "plan-1"}]
    added = data_of(
        fake_saleor,
        "checkout_lines_add",
        {
            "id": checkout.id,
            "lines": [{"variantId": shop.other_variant.id, "quantity": 1, "price": "5.00", "metadata": plan}],
        },
        app.token,
    )
    normal_line = added["checkout"]["lines"][0]["id"]
    assert added["checkout"]["lines"][1]["unitPrice"]["gross"] == {"amount": 5.5, "currency": "USD"}
    data_of(
        fake_saleor,
        "checkout_lines_update",
        {"id": checkout.id, "lines": [{"lineId": normal_line, "quantity": 0}]},
        app.token,
    )
    fake_saleor.checkout_delivery_method_update(checkout.id, shop.shipping)
    assert fake_saleor.checkout(checkout.id).total.gross.amount == Decimal("10.95")  # 5.50 + 5.45 shipping
    fake_saleor.pay_checkout(checkout.id)
    order = fake_saleor.checkout_complete(checkout.id)
    assert [(line.quantity, line.metadata) for line in order.lines] == [(1, {"subscription.plan": "plan-1"})]
    assert [d.event for d in fake_saleor.deliveries] == ["ORDER_CREATED", "ORDER_FULLY_PAID"]
    assert fake_saleor.deliveries[0].payload["order"]["lines"][0]["metadata"] == plan


# --- orderBulkCreate --------------------------------------------------------------------------------------


def test_order_bulk_create_makes_orders_with_the_prices_given(
    fake_saleor: FakeSaleor, shop: Shop, app: InstalledApp
) -> None:
    orders = [
        bulk_order(shop, fake_saleor.default_warehouse().id, externalReference=f"INV-{i}") for i in (1, 2)
    ]
    result = data_of(
        fake_saleor, "order_bulk_create", {"orders": orders, "stockUpdatePolicy": "SKIP"}, app.token
    )
    assert result["count"] == 2
    assert [r["order"]["externalReference"] for r in result["results"]] == ["INV-1", "INV-2"]
    assert result["results"][0]["order"]["total"]["gross"] == {"amount": 24.2, "currency": "USD"}
    second = fake_saleor.order_by_external_reference("INV-2")
    assert second is not None and second.lines[0].unit_price == TaxedMoney.of(
        Decimal("10.00"), Decimal("12.10"), "USD"
    )


@pytest.mark.parametrize(
    ("policy", "made"),
    [("REJECT_EVERYTHING", []), ("REJECT_FAILED_ROWS", ["INV-1"]), ("IGNORE_FAILED", ["INV-1"])],
)
def test_order_bulk_create_error_policies(
    fake_saleor: FakeSaleor, shop: Shop, app: InstalledApp, policy: str, made: list[str]
) -> None:
    warehouse = fake_saleor.default_warehouse().id
    orders = [
        bulk_order(shop, warehouse, externalReference="INV-1"),
        bulk_order(shop, warehouse, externalReference="INV-2", channel="nowhere"),
    ]
    variables = {"orders": orders, "errorPolicy": policy, "stockUpdatePolicy": "SKIP"}
    result = call(fake_saleor, "order_bulk_create", variables, app.token)["data"]["orderBulkCreate"]
    assert result["results"][1]["errors"][0] == {
        "path": "channel",
        "message": "Channel instance with slug=nowhere doesn't exist.",
        "code": "NOT_FOUND",
    }
    assert [o.external_reference for o in fake_saleor.orders()] == made
    assert result["count"] == len(made)


def test_order_bulk_create_refuses_a_known_reference_and_needs_stock_unless_skipped(
    fake_saleor: FakeSaleor, shop: Shop, app: InstalledApp
) -> None:
    warehouse = fake_saleor.default_warehouse().id
    draft(fake_saleor, shop, app.token, reference="INV-1")
    taken = call(
        fake_saleor,
        "order_bulk_create",
        {"orders": [bulk_order(shop, warehouse, externalReference="INV-1")], "stockUpdatePolicy": "SKIP"},
        app.token,
    )
    assert taken["data"]["orderBulkCreate"]["results"][0]["errors"][0]["code"] == "UNIQUE"
    no_stock = call(fake_saleor, "order_bulk_create", {"orders": [bulk_order(shop, warehouse)]}, app.token)
    assert no_stock["data"]["orderBulkCreate"]["results"][0]["errors"][0]["code"] == "NON_EXISTING_STOCK"
    fake_saleor.set_stock(shop.variant, warehouse, 1)
    short = call(fake_saleor, "order_bulk_create", {"orders": [bulk_order(shop, warehouse)]}, app.token)
    assert short["data"]["orderBulkCreate"]["results"][0]["errors"][0]["code"] == "INSUFFICIENT_STOCK"
    assert len(fake_saleor.orders()) == 1


def test_order_bulk_create_crashes_like_saleor_3_21_without_a_lines_tax_class(
    fake_saleor: FakeSaleor, shop: Shop, app: InstalledApp
) -> None:
    order = bulk_order(shop, fake_saleor.default_warehouse().id)
    del order["lines"][0]["taxClassId"]
    body = call(fake_saleor, "order_bulk_create", {"orders": [order], "stockUpdatePolicy": "SKIP"}, app.token)
    assert (body["data"], code_of(body)) == ({"orderBulkCreate": None}, "ValueError")
