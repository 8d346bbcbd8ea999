"""The refusals of the adapters and faces have the one shape of `billing.errors.CodedError`: a StrEnum code,
a message for people and the field at fault, whatever else each keeps (its HTTP status, its lines)."""

from __future__ import annotations

from enum import StrEnum

import pytest

from saleor_subscriptions.api.errors import ApiErrorCode, RequestRefused
from saleor_subscriptions.api.inputs import InputErrorCode, InputRefused, check_string
from saleor_subscriptions.billing.errors import CodedError
from saleor_subscriptions.payments.accounts import StripeSettingsError, StripeSettingsErrorCode
from saleor_subscriptions.payments.refunds import RefundErrorCode, RefundRefused
from saleor_subscriptions.paypage.payments import PaymentNotAccepted, PaymentNotAcceptedCode
from saleor_subscriptions.portal.sessions import EntryErrorCode, EntryRefused
from saleor_subscriptions.saleor.allowed_urls import FIELD, UrlErrorCode, UrlRefused, parse_api_url
from saleor_subscriptions.saleor.checkout import CheckoutErrorCode, CheckoutRefused
from saleor_subscriptions.saleor.install import RegistrationErrorCode, RegistrationRefused

REFUSALS: list[tuple[CodedError, StrEnum, str | None]] = [
    (
        CheckoutRefused(CheckoutErrorCode.PLAN_ARCHIVED, "archived", "lines", ["v1"]),
        CheckoutErrorCode.PLAN_ARCHIVED,
        "lines",
    ),
    (
        StripeSettingsError("secret_key", StripeSettingsErrorCode.INVALID, "no"),
        StripeSettingsErrorCode.INVALID,
        "secret_key",
    ),
    (
        RegistrationRefused(400, "auth_token", RegistrationErrorCode.REQUIRED, "no"),
        RegistrationErrorCode.REQUIRED,
        "auth_token",
    ),
    (UrlRefused(403, UrlErrorCode.NOT_ALLOWED, "no"), UrlErrorCode.NOT_ALLOWED, FIELD),
    (
        PaymentNotAccepted(PaymentNotAcceptedCode.OTHER_INVOICE, "no"),
        PaymentNotAcceptedCode.OTHER_INVOICE,
        None,
    ),
    (RefundRefused("amount", RefundErrorCode.TOO_LARGE, "no"), RefundErrorCode.TOO_LARGE, "amount"),
    (EntryRefused("return_url", EntryErrorCode.INVALID, "no"), EntryErrorCode.INVALID, "return_url"),
    (RequestRefused(400, ApiErrorCode.INVALID_REQUEST, "no"), ApiErrorCode.INVALID_REQUEST, None),
    (InputRefused("name", InputErrorCode.TOO_LONG, "no"), InputErrorCode.TOO_LONG, "name"),
]


@pytest.mark.parametrize(("refusal", "code", "field"), REFUSALS, ids=lambda value: type(value).__name__)
def test_each_refusal_is_a_coded_error(refusal: CodedError, code: StrEnum, field: str | None):
    assert isinstance(refusal, CodedError)
    assert (refusal.code, refusal.field) == (code, field)
    assert refusal.message


def test_the_api_answer_of_a_refused_string_keeps_its_reason():
    with pytest.raises(InputRefused) as refused:
        check_string("input.name", "x" * 1001)

    assert (refused.value.code, refused.value.field) == (InputErrorCode.TOO_LONG, "input.name")


def test_a_refused_url_keeps_its_status():
    with pytest.raises(UrlRefused) as refused:
        parse_api_url("ftp://saleor.example/graphql/")

    assert (refused.value.status, refused.value.code) == (400, UrlErrorCode.INVALID)
