"""The fake Saleor's payment controls against the stub app (which answers `{"success": true}` with the status
a test sets): what Saleor does with an answer it cannot use, and the refusals of the mutations themselves. The
app's real answers are covered by tests/saleor/test_storefront_payments*.py."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from .fake import FakeSaleor
from .fixtures import fake_saleor, fake_shop
from .scenario import ADDRESS_US, Shop
from .storefront import CheckoutView
from .stub_app import StubApp

__all__ = ["fake_saleor", "fake_shop"]


@pytest.fixture
def payment_stub(fake_saleor: FakeSaleor, fake_shop: Shop) -> Iterator[StubApp]:
    app = StubApp(webhooks=["sync_transaction_initialize_session"]).start()
    try:
        fake_saleor.install_app(app.manifest_url)
        yield app
    finally:
        app.stop()


def checkout_of(fake: FakeSaleor, shop: Shop) -> CheckoutView:
    checkout = fake.checkout_create(
        user=shop.customer, lines=[(shop.variant, 1)], shipping_address=ADDRESS_US, billing_address=ADDRESS_US
    )
    return fake.checkout_delivery_method_update(checkout.id, shop.shipping)


def test_an_answer_that_does_not_fit_saleors_schema_fails_the_transaction(
    fake_saleor, fake_shop, payment_stub
):
    checkout = checkout_of(fake_saleor, fake_shop)
    result = fake_saleor.transaction_initialize(checkout, payment_stub.identifier, data={"x": 1})

    assert result.errors == [] and result.result == "CHARGE_FAILURE"
    assert result.message.startswith("Missing or invalid value in the response: ")
    transaction = result.transaction
    assert transaction is not None and transaction.app is not None
    assert transaction.app.identifier == payment_stub.identifier
    assert (transaction.charged_value, transaction.authorized_value) == (Decimal(0), Decimal(0))
    [request] = payment_stub.received("/api/webhooks/sync_transaction_initialize_session")
    assert request.header("Saleor-Event") == "transaction_initialize_session"
    assert result.delivery is not None and result.delivery.payload["data"] == {"x": 1}
    assert result.delivery.payload["action"] == {
        "amount": float(checkout.total.gross.amount),
        "currency": "USD",
        "actionType": "CHARGE",
    }


def test_an_app_error_fails_the_transaction_and_nothing_is_paid(fake_saleor, fake_shop, payment_stub):
    payment_stub.webhook_status = 500
    checkout = checkout_of(fake_saleor, fake_shop)
    result = fake_saleor.transaction_initialize(checkout, payment_stub.identifier)
    assert (result.result, result.message) == ("CHARGE_FAILURE", "The app answered HTTP 500.")
    assert fake_saleor.transaction_pending(result.transaction) == 0


def test_unknown_gateways_and_uninitialized_transactions_are_refused(fake_saleor, fake_shop, payment_stub):
    checkout = checkout_of(fake_saleor, fake_shop)
    unknown = fake_saleor.transaction_initialize(checkout, "no.such.app")
    assert unknown.transaction is None and [e["code"] for e in unknown.errors] == ["NOT_FOUND"]
    config = fake_saleor.payment_gateway_initialize(checkout, payment_stub.identifier)  # no such webhook
    assert [e["code"] for e in config.errors] == ["NOT_FOUND"] and config.delivery is None

    paid = fake_saleor.pay_checkout(checkout.id)  # a transaction no app initialized
    processed = fake_saleor.transaction_process(paid)
    assert processed.errors == [
        {"field": "id", "code": "INVALID", "message": "Missing call of transactionInitialize mutation."}
    ]
    refund = fake_saleor.transaction_refund(paid)
    assert [e["code"] for e in refund.errors] == ["MISSING_TRANSACTION_ACTION_REQUEST_WEBHOOK"]
    assert paid.charged_value == checkout.total.gross.amount
