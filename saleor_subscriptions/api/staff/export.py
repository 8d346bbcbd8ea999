"""CSV exports of the shop's subscriptions and invoices: `GET /api/export/subscriptions.csv` and
`/api/export/invoices.csv`, authenticated as the API is (the dashboard's token, `MANAGE_ORDERS`), with the
list queries' filters as query parameters: `filter` (the JSON of `SubscriptionFilterInput` or
`InvoiceFilterInput`) and, for subscriptions, `search`.

Rows are streamed newest first in chunks of `CHUNK` read by id (keyset), so memory stays constant however many
there are. A cell a spreadsheet would run as a formula (starting with =, +, -, @, a tab or a carriage return)
is written with a leading apostrophe, unless it is one of the app's own numbers.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.http import HttpRequest, JsonResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from graphql import GraphQLError, GraphQLInputType, coerce_input_value

from saleor_subscriptions.api.auth import authenticate
from saleor_subscriptions.api.errors import ApiErrorCode, RequestRefused, refusal_response
from saleor_subscriptions.api.ids import subscription_global_id
from saleor_subscriptions.api.schema import schema
from saleor_subscriptions.api.staff.access import READ_BILLING, require_any
from saleor_subscriptions.api.staff.billing_queries import filtered_invoices
from saleor_subscriptions.api.staff.queries import staff_subscriptions
from saleor_subscriptions.api.staff.subscription_details import load_payment_methods
from saleor_subscriptions.api.staff.subscription_fields import customer_name
from saleor_subscriptions.api.staff.subscription_filters import SubscriptionQuery
from saleor_subscriptions.api.types.plans import show_amount
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.subscriptions.models import Subscription
from saleor_subscriptions.tenants.models import Installation

M = TypeVar("M", bound=Model)

CHUNK = 1000
MAX_PARAMETER = 10_000
BAD_REQUEST, FORBIDDEN = 400, 403
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"-?\d+(\.\d+)?")

SUBSCRIPTION_COLUMNS = (
    "number",
    "id",
    "status",
    "customer_email",
    "customer_name",
    "customer_user_id",
    "plan",
    "variant_id",
    "channel",
    "currency",
    "quantity",
    "amount",
    "payment_method_type",
    "created_at",
    "next_billing_at",
    "current_period_start",
    "current_period_end",
    "cancel_at",
    "cancelled_at",
    "past_due_since",
)
INVOICE_COLUMNS = (
    "number",
    "status",
    "billing_reason",
    "subscription_number",
    "customer_email",
    "currency",
    "period_start",
    "period_end",
    "subtotal",
    "tax",
    "total",
    "credit_applied",
    "amount_due",
    "amount_paid",
    "due_at",
    "issued_at",
    "paid_at",
    "saleor_order_id",
)


def safe_cell(value: Any) -> str:
    """The text of a cell, neutralised when a spreadsheet would read it as a formula."""
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = str(value)
    if text.startswith(FORMULA_START) and not NUMBER.fullmatch(text):
        return "'" + text
    return text


class _Echo:
    def write(self, value: str) -> str:
        return value


def _chunks(rows: QuerySet[M], prepare: Callable[[list[M]], None]) -> Iterator[M]:
    """Every row, newest first, CHUNK at a time by id."""
    last: int | None = None
    while True:
        page = rows.order_by("-pk")
        if last is not None:
            page = page.filter(pk__lt=last)
        chunk = list(page[:CHUNK])
        if not chunk:
            return
        prepare(chunk)
        yield from chunk
        last = chunk[-1].pk


def _stream(name: str, header: Sequence[str], lines: Iterator[Sequence[Any]]) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def body() -> Iterator[str]:
        yield writer.writerow(header)
        for line in lines:
            yield writer.writerow([safe_cell(cell) for cell in line])

    response = StreamingHttpResponse(body(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _subscription_line(s: Subscription) -> Sequence[Any]:
    price = s.unit_price if s.unit_price is not None else s.plan_version.price
    amount = None if price is None else show_amount(price * s.quantity, s.currency)
    return (
        s.pk,
        subscription_global_id(s.pk),
        s.status,
        s.customer_email,
        customer_name(s),
        s.customer_user_id,
        s.plan_version.plan.name,
        s.plan_version.plan.variant_id,
        s.channel_slug,
        s.currency,
        s.quantity,
        amount,
        getattr(s, "staff_payment_method", None),
        s.created_at,
        s.next_billing_at,
        s.current_period_start,
        s.current_period_end,
        s.cancel_at,
        s.cancelled_at,
        s.past_due_since,
    )


def _invoice_line(i: Invoice) -> Sequence[Any]:
    money = [show_amount(getattr(i, f), i.currency) for f in ("subtotal", "tax", "total", "credit_applied")]
    return (
        i.number,
        i.status,
        i.billing_reason,
        i.subscription_id,
        i.subscription.customer_email,
        i.currency,
        i.period_start,
        i.period_end,
        *money,
        show_amount(i.amount_due, i.currency),
        show_amount(i.amount_paid, i.currency),
        i.due_at,
        i.issued_at,
        i.paid_at,
        i.saleor_order_id,
    )



def _argument(request: HttpRequest, name: str, type_name: str) -> Any:
    """The query parameter `name`, JSON coerced to the schema's input type `type_name`; None when absent."""
    raw = request.GET.get(name)
    if raw is None:
        return None
    if len(raw) > MAX_PARAMETER:
        raise ValueError(f"{name}: at most {MAX_PARAMETER} characters")
    try:
        value = json.loads(raw)
    except ValueError:
        raise ValueError(f"{name}: not JSON") from None
    type_ = schema.graphql_schema.get_type(type_name)
    assert type_ is not None, type_name
    problems: list[str] = []

    def on_error(path: Any, _invalid: Any, error: GraphQLError) -> None:
        problems.append(f"{name}: {error.message}")

    input_type: GraphQLInputType = type_
    coerced = coerce_input_value(value, input_type, on_error)
    if problems:
        raise ValueError(problems[0])
    return coerced


def _export(request: HttpRequest, write: Callable[[Installation], StreamingHttpResponse]) -> HttpResponseBase:
    if request.method != "GET":
        response = refusal_response(405, ApiErrorCode.INVALID_REQUEST, "use GET")
        response["Allow"] = "GET"
        return response
    try:
        principal = authenticate(request)
    except RequestRefused as refused:
        return JsonResponse(refused.as_json(), status=refused.status)
    try:
        require_any(principal, (READ_BILLING,))
        installation = principal.shop()
        return write(installation)
    except GraphQLError as error:
        extensions = dict(error.extensions or {})
        code = extensions.pop("code", ApiErrorCode.BAD_USER_INPUT.value)
        status = BAD_REQUEST if code == ApiErrorCode.BAD_USER_INPUT.value else FORBIDDEN
        return refusal_response(status, ApiErrorCode(code), error.message, **extensions)
    except ValueError as error:
        field = str(error).split(":", 1)[0]
        return refusal_response(BAD_REQUEST, ApiErrorCode.BAD_USER_INPUT, str(error), field=field)


def subscriptions_csv(request: HttpRequest) -> HttpResponseBase:
    def write(installation: Installation) -> StreamingHttpResponse:
        query = SubscriptionQuery(
            _argument(request, "filter", "SubscriptionFilterInput"), request.GET.get("search")
        )
        rows = staff_subscriptions(query.rows(installation))
        lines = (_subscription_line(s) for s in _chunks(rows, load_payment_methods))
        return _stream("subscriptions.csv", SUBSCRIPTION_COLUMNS, lines)

    return _export(request, write)


def invoices_csv(request: HttpRequest) -> HttpResponseBase:
    def write(installation: Installation) -> StreamingHttpResponse:
        rows = filtered_invoices(installation, _argument(request, "filter", "InvoiceFilterInput"))
        rows = rows.select_related("subscription")
        lines = (_invoice_line(i) for i in _chunks(rows, lambda _chunk: None))
        return _stream("invoices.csv", INVOICE_COLUMNS, lines)

    return _export(request, write)
