"""Aliased documents (`aliases`): valid against Saleor's own schema, and each alias answered on its own."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from graphql import build_schema, parse, validate

from saleor_subscriptions.saleor.aliases import aliased, aliased_variables, combined
from saleor_subscriptions.saleor.client import (
    SaleorClient,
    SaleorMutationError,
    SaleorRequestError,
    SaleorUnavailable,
    TokenRejectedError,
)

SHARED = Path(__file__).resolve().parents[3] / "shared" / "saleor"
BATCHED = [
    "order_payments",
    "order_by_external_reference",
    "order_confirm",
    "draft_order_create",
    "transaction_create",
    "transaction_event_report",
    "invoice_create",
]


@pytest.mark.parametrize("version", ["3.21", "3.23"])
@pytest.mark.parametrize("name", BATCHED)
def test_an_aliased_document_is_valid_in_saleors_schema(name, version):
    path = SHARED / f"schema-{version}.graphql"
    if not path.exists():
        path = Path("/work/shared/saleor") / f"schema-{version}.graphql"
    schema = build_schema(path.read_text())
    assert validate(schema, parse(aliased(name, 3))) == []


@pytest.mark.parametrize("version", ["3.21", "3.23"])
def test_line_metadata_and_the_draft_completed_in_one_document_are_valid_in_saleors_schema(version):
    schema = build_schema((Path("/work/shared/saleor") / f"schema-{version}.graphql").read_text())
    source = combined(("update_metadata", "update_metadata", "draft_order_complete"))
    assert validate(schema, parse(source)) == []
    assert source.startswith("mutation DraftOrderComplete(")


def test_variables_are_renamed_per_alias():
    assert aliased_variables([{"id": "A"}, {"id": "B"}]) == {"id_0": "A", "id_1": "B"}
    assert "a1: orderConfirm(id: $id_1)" in aliased("order_confirm", 2)


def client_answering(body: dict, status: int = 200) -> tuple[SaleorClient, list[dict]]:
    sent: list[dict] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(json.loads(request.content))
        return httpx.Response(status, json=body)

    return SaleorClient("https://shop.example.com/graphql/", "t", transport=httpx.MockTransport(answer)), sent


def test_each_alias_gets_its_own_answer_errors_and_resolver_errors():
    body = {
        "data": {
            "a0": {"order": {"id": "O0", "status": "UNFULFILLED"}, "errors": []},
            "a1": {"order": None, "errors": [{"field": "id", "code": "INVALID", "message": "no"}]},
            "a2": None,
        },
        "errors": [
            {"message": "denied", "path": ["a2"], "extensions": {"exception": {"code": "PermissionDenied"}}}
        ],
    }
    client, sent = client_answering(body)
    a0, a1, a2 = client.mutate_aliased(
        "order_confirm", [{"id": "O0"}, {"id": "O1"}, {"id": "O2"}], "orderConfirm"
    )
    assert a0["order"]["id"] == "O0"
    assert isinstance(a1, SaleorMutationError) and a1.codes == ["INVALID"]
    assert isinstance(a2, SaleorRequestError) and a2.codes == ["PermissionDenied"]
    assert len(sent) == 1 and sent[0]["variables"] == {"id_0": "O0", "id_1": "O1", "id_2": "O2"}


def test_an_error_naming_no_alias_or_a_refused_token_fails_the_request():
    client, _ = client_answering({"data": None, "errors": [{"message": "Syntax Error"}]}, status=400)
    with pytest.raises(SaleorRequestError):
        client.execute_aliased("order_confirm", [{"id": "O0"}, {"id": "O1"}])
    refused = {"message": "bad", "path": ["a0"], "extensions": {"exception": {"code": "InvalidTokenError"}}}
    client, _ = client_answering({"data": {"a0": None, "a1": None}, "errors": [refused]})
    with pytest.raises(TokenRejectedError):
        client.execute_aliased("order_confirm", [{"id": "O0"}, {"id": "O1"}])


def test_nothing_to_send_sends_nothing():
    client, sent = client_answering({})
    assert client.execute_aliased("order_confirm", []) == []
    assert sent == []


def test_a_429_is_waited_out_and_sent_again_even_for_a_mutation():
    answers = [
        httpx.Response(429, headers={"Retry-After": "2"}, text="slow down"),
        httpx.Response(200, json={"data": {"a0": {"order": {"id": "O0"}, "errors": []}}}),
    ]
    sent: list[bytes] = []
    waits: list[float] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request.content)
        return answers.pop(0)

    client = SaleorClient(
        "https://shop.example.com/graphql/", "t", transport=httpx.MockTransport(answer), sleep=waits.append
    )
    [confirmed] = client.mutate_aliased("order_confirm", [{"id": "O0"}], "orderConfirm", idempotent=False)
    assert confirmed["order"]["id"] == "O0"
    assert len(sent) == 2 and waits == [2.0]


def test_a_5xx_to_a_mutation_that_may_have_run_is_not_sent_again():
    sent: list[bytes] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request.content)
        return httpx.Response(502)

    client = SaleorClient("https://shop.example.com/graphql/", "t", transport=httpx.MockTransport(answer))
    with pytest.raises(SaleorUnavailable):
        client.mutate_aliased("invoice_create", [{"orderId": "O", "input": {}}], "invoiceCreate")
    assert len(sent) == 1
