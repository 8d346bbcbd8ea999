"""`/graphql/`: the app's GraphQL API over HTTP.

`POST` with a JSON body `{"query", "variables", "operationName"}` (CSRF-exempt: callers authenticate with a
bearer token, never a cookie). JSON numbers are read as decimals, so an amount sent as a number keeps its
digits. Answers, as Saleor does:

- 200 with `{"data", "errors"?}` for a request that ran (a refused mutation has its payload's `errors`);
- 400 for a body that is not a GraphQL request, a query that does not parse or validate, is over a limit
  of `limits` (`QUERY_TOO_COMPLEX`), variables that do not fit their types, or a string with a control
  character or too long (`inputs`);
- 413 `REQUEST_TOO_LARGE` for a body over `API_MAX_BODY_BYTES` (refused before it is read when its
  Content-Length says so);
- 401 (503 when the shop's keys cannot be fetched) for a token or shop that is refused; nothing runs;
- 405 for other methods; `GET` serves GraphiQL, but only with DEBUG on.

Storefronts call it from the browser, on another origin: every answer allows any origin (CORS), and an
`OPTIONS` preflight is answered 204 for the headers the API reads. That is safe because no cookie is ever
read (`Access-Control-Allow-Credentials` is never sent): a caller is who its bearer token says.

Top-level errors carry `extensions.code` (an `ApiErrorCode`). An unexpected exception in a resolver is
logged with its traceback and answered as `INTERNAL_ERROR` without details.
"""

from __future__ import annotations

import logging
import threading
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from graphql import DocumentNode, ExecutionResult, GraphQLError, execute, parse, validate

from saleor_subscriptions import json_body
from saleor_subscriptions.api.auth import authenticate
from saleor_subscriptions.api.context import ApiContext
from saleor_subscriptions.api.errors import ApiErrorCode, RequestRefused
from saleor_subscriptions.api.inputs import InputRefused, check_inputs
from saleor_subscriptions.api.limits import TooComplex, check_limits
from saleor_subscriptions.api.schema import schema

logger = logging.getLogger(__name__)

BAD_REQUEST = 400
TOO_LARGE = 413
MAX_TOKENS = 5_000
"""Lexical tokens a document may have (parsing is linear in them): the standard introspection query has 183,
a query of MAX_FIELDS fields with arguments fewer than 5,000."""
MAX_COMMENTS = 1_000
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "POST, OPTIONS",
    "Access-Control-Allow-Headers": "Authorization, Content-Type, Saleor-Api-Url",
    "Access-Control-Max-Age": "86400",
}

GRAPHIQL = """<!doctype html>
<html><head><meta charset="utf-8"><title>saleor-subscriptions API</title>
<link rel="stylesheet" href="https://unpkg.com/graphiql@3/graphiql.min.css"></head>
<body style="margin:0"><div id="graphiql" style="height:100vh"></div>
<script src="https://unpkg.com/react@18/umd/react.production.min.js"></script>
<script src="https://unpkg.com/react-dom@18/umd/react-dom.production.min.js"></script>
<script src="https://unpkg.com/graphiql@3/graphiql.min.js"></script>
<script>
ReactDOM.createRoot(document.getElementById("graphiql")).render(React.createElement(GraphiQL, {
  fetcher: GraphiQL.createFetcher({url: window.location.pathname}),
  defaultHeaders: '{"Saleor-Api-Url": "https://your-shop.example.com/graphql/"}'
}));
</script></body></html>
"""


def _refused(status: int, code: ApiErrorCode, message: str) -> JsonResponse:
    return JsonResponse(RequestRefused(status, code, message).as_json(), status=status)


def _too_large() -> RequestRefused:
    limit = settings.API_MAX_BODY_BYTES
    return RequestRefused(TOO_LARGE, ApiErrorCode.REQUEST_TOO_LARGE, f"the body is over {limit} bytes")


def _body(request: HttpRequest) -> bytes:
    """The body, at most API_MAX_BODY_BYTES; refused unread when Content-Length is over the limit."""
    limit: int = settings.API_MAX_BODY_BYTES
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        raise _too_large()
    try:
        body = request.body
    except RequestDataTooBig:
        raise _too_large() from None
    if len(body) > limit:
        raise _too_large()
    return body


def _request_body(request: HttpRequest) -> tuple[str, dict[str, Any] | None, str | None]:
    """The query, variables and operation name of a POST body; RequestRefused when it is not one."""
    body = _body(request)
    try:
        payload = json_body.loads(body or b"null", parse_float=Decimal)
    except (ValueError, UnicodeDecodeError):
        raise RequestRefused(BAD_REQUEST, ApiErrorCode.INVALID_REQUEST, "the body is not JSON") from None
    if not isinstance(payload, dict):
        raise RequestRefused(BAD_REQUEST, ApiErrorCode.INVALID_REQUEST, "the body is not a JSON object")
    query, variables, operation = payload.get("query"), payload.get("variables"), payload.get("operationName")
    if not isinstance(query, str) or not query.strip():
        raise RequestRefused(BAD_REQUEST, ApiErrorCode.INVALID_REQUEST, "the body has no query string")
    if variables is not None and not isinstance(variables, dict):
        raise RequestRefused(BAD_REQUEST, ApiErrorCode.INVALID_REQUEST, "variables is not a JSON object")
    if operation is not None and not isinstance(operation, str):
        raise RequestRefused(BAD_REQUEST, ApiErrorCode.INVALID_REQUEST, "operationName is not a string")
    return query, variables, operation


def _with_code(error: GraphQLError, code: ApiErrorCode, *, keep: bool) -> dict[str, Any]:
    """The error as JSON with `extensions.code`: its own when it has one and `keep`, else `code`."""
    formatted: dict[str, Any] = dict(error.formatted)
    extensions: dict[str, Any] = dict(error.extensions or {})
    if not keep or "code" not in extensions:
        extensions["code"] = code.value
    formatted["extensions"] = extensions
    return formatted


def _formatted(error: GraphQLError) -> dict[str, Any]:
    original = error.original_error
    if original is not None and not isinstance(original, GraphQLError):
        logger.error("the API failed at %s", error.path, exc_info=original)
        internal = GraphQLError("internal error", error.nodes, path=error.path)
        return _with_code(internal, ApiErrorCode.INTERNAL_ERROR, keep=False)
    return _with_code(error, ApiErrorCode.BAD_USER_INPUT, keep=True)


def _errors(status: int, code: ApiErrorCode, errors: list[GraphQLError]) -> JsonResponse:
    return JsonResponse({"errors": [_with_code(e, code, keep=False) for e in errors]}, status=status)


def _too_complex(over: TooComplex) -> JsonResponse:
    code = ApiErrorCode.QUERY_TOO_COMPLEX.value
    extensions = {"code": code, "limit": over.limit, "maximum": over.maximum}
    return JsonResponse({"errors": [{"message": over.message, "extensions": extensions}]}, status=BAD_REQUEST)


CHECKED_DOCUMENTS = 256
"""How many query texts that passed parsing, the limits and validation are kept with their parsed document
(per process): a storefront sends the same few queries again and again, and parsing and validating one costs
more than running it (bench/README.md). Only documents that passed are kept; the check of the inputs, which
depends on the variables, runs every time."""

_checked: dict[str, DocumentNode] = {}
_checked_lock = threading.Lock()


def _remember(query: str, document: DocumentNode) -> None:
    with _checked_lock:
        if len(_checked) >= CHECKED_DOCUMENTS:
            _checked.pop(next(iter(_checked)))  # the oldest first in
        _checked[query] = document


@csrf_exempt
def graphql_view(request: HttpRequest) -> HttpResponse:
    """The API endpoint (see the module doc)."""
    response = _answer(request)
    for name, value in CORS_HEADERS.items():
        response[name] = value
    return response


def _answer(request: HttpRequest) -> HttpResponse:
    if request.method == "OPTIONS":
        return HttpResponse(status=204)
    if request.method == "GET" and settings.DEBUG:
        return HttpResponse(GRAPHIQL, content_type="text/html; charset=utf-8")
    if request.method != "POST":
        response = _refused(405, ApiErrorCode.INVALID_REQUEST, "send the GraphQL request as a JSON POST")
        response["Allow"] = "POST, OPTIONS"
        return response
    try:
        query, variables, operation = _request_body(request)
    except RequestRefused as refused:
        return JsonResponse(refused.as_json(), status=refused.status)
    document = _checked.get(query)
    if document is None:
        try:
            document = parse(query, max_lexical_tokens=MAX_TOKENS, max_comments=MAX_COMMENTS)
        except GraphQLError as error:
            if "Parsing aborted" in error.message:  # graphql-core's words for a document over a parse limit
                return _too_complex(TooComplex("tokens", MAX_TOKENS, MAX_TOKENS + 1))
            return _errors(BAD_REQUEST, ApiErrorCode.GRAPHQL_PARSE_FAILED, [error])
        try:
            check_limits(schema.graphql_schema, document)
        except TooComplex as over:
            return _too_complex(over)
        invalid = validate(schema.graphql_schema, document)
        if invalid:
            return _errors(BAD_REQUEST, ApiErrorCode.GRAPHQL_VALIDATION_FAILED, invalid)
        _remember(query, document)
    try:
        check_inputs(document, variables)
    except InputRefused as refused:
        extensions = {
            "code": ApiErrorCode.BAD_USER_INPUT.value,
            "field": refused.field,
            "reason": refused.code.value,
        }
        return JsonResponse(
            {"errors": [{"message": refused.message, "extensions": extensions}]}, status=BAD_REQUEST
        )
    try:
        principal = authenticate(request)
    except RequestRefused as refused:
        return JsonResponse(refused.as_json(), status=refused.status)
    result = execute(
        schema.graphql_schema,
        document,
        variable_values=variables,
        operation_name=operation,
        context_value=ApiContext(request=request, principal=principal),
    )
    assert isinstance(result, ExecutionResult), "the API's resolvers are synchronous"
    body: dict[str, Any] = {"data": result.data}
    if result.errors:
        body["errors"] = [_formatted(error) for error in result.errors]
    # Errors without a path come before execution: the variables did not fit, or no operation was chosen.
    unrun = result.data is None and any(error.path is None for error in result.errors or ())
    status = BAD_REQUEST if unrun else 200
    return JsonResponse(body, status=status, encoder=DjangoJSONEncoder)
