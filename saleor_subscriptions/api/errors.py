"""Errors of the app's API, Saleor-style.

Two kinds, as in Saleor:

- A mutation refused for its input answers normally, with its payload's `errors: [XxxError!]!`, each
  `{field, code, message}` with `code` from the mutation area's enum (`PlanErrorCode`, `CheckoutErrorCode`).
- Who is asking (a token that does not verify, an unknown shop, a missing permission) and what cannot be read
  at all (malformed JSON, a query that does not parse or validate) are top-level GraphQL errors whose
  `extensions.code` is an `ApiErrorCode`. A request whose token is refused is not run at all (HTTP 401, or
  503 when the shop's keys cannot be fetched); a missing permission refuses only the field that needs it.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.http import JsonResponse
from graphql import GraphQLError

from saleor_subscriptions.billing.errors import CodedError


class ApiErrorCode(StrEnum):
    """The `extensions.code` of a top-level error: who is asking, or a request that cannot be run."""

    INVALID_REQUEST = "INVALID_REQUEST"
    REQUEST_TOO_LARGE = "REQUEST_TOO_LARGE"
    QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"
    GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
    GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
    BAD_USER_INPUT = "BAD_USER_INPUT"
    INTERNAL_ERROR = "INTERNAL_ERROR"
    INVALID_TOKEN = "INVALID_TOKEN"
    EXPIRED_TOKEN = "EXPIRED_TOKEN"
    INVALID_SIGNATURE = "INVALID_SIGNATURE"
    UNKNOWN_SIGNING_KEY = "UNKNOWN_SIGNING_KEY"
    WRONG_TOKEN_TYPE = "WRONG_TOKEN_TYPE"
    WRONG_APP = "WRONG_APP"
    ISSUER_MISMATCH = "ISSUER_MISMATCH"
    UNKNOWN_SHOP = "UNKNOWN_SHOP"
    SHOP_REMOVED = "SHOP_REMOVED"
    JWKS_UNAVAILABLE = "JWKS_UNAVAILABLE"
    SHOP_REQUIRED = "SHOP_REQUIRED"
    AUTHENTICATION_REQUIRED = "AUTHENTICATION_REQUIRED"
    PERMISSION_DENIED = "PERMISSION_DENIED"


class RequestRefused(CodedError):
    """The whole request is refused before it runs: answered with `status` and one top-level error."""

    code: ApiErrorCode

    def __init__(self, status: int, code: ApiErrorCode, message: str) -> None:
        super().__init__(code, message)
        self.status = status

    def as_json(self) -> dict[str, Any]:
        return {"errors": [{"message": self.message, "extensions": {"code": self.code.value}}]}


def api_error(code: ApiErrorCode, message: str, **extensions: Any) -> GraphQLError:
    """A top-level error for one field (a missing permission, no shop named, bad arguments of a query)."""
    return GraphQLError(message, extensions={"code": code.value, **extensions})


def refusal_response(status: int, code: ApiErrorCode, message: str, **extensions: Any) -> JsonResponse:
    """A refusal of the app's plain HTTP endpoints (CSV exports, the logo) in the API's error shape."""
    return JsonResponse(
        {"errors": [{"message": message, "extensions": {"code": code.value, **extensions}}]}, status=status
    )
