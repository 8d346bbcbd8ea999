"""Relay-style cursor pagination of the staff lists, by keyset: a cursor is the sort value and the id of a
row,
so a page is the same rows however many rows come or go before it (no offsets).

Rows are ordered by the sort value, then by id in the same direction; an empty value (a subscription with no
next billing date) counts as later than any other, as PostgreSQL orders NULL by default (last going up, first
going down). `first`/`after` page forwards, `last`/`before` backwards; without either, the first 20.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, Generic, TypeVar

import graphene
from django.db.models import Model, Q, QuerySet

from saleor_subscriptions.api.errors import ApiErrorCode, api_error

M = TypeVar("M", bound=Model)

MAX_PAGE = 100
DEFAULT_PAGE = 20


class ValueKind(StrEnum):
    DATETIME = "datetime"
    TEXT = "text"
    DECIMAL = "decimal"
    INTEGER = "integer"


@dataclass(frozen=True)
class SortKey:
    """What a list can be sorted by: `name` (the API's), the queryset's field or annotation, its kind."""

    name: str
    expression: str
    kind: ValueKind
    nullable: bool = False


def bad_argument(argument: str, message: str) -> Exception:
    """A BAD_USER_INPUT error for one argument: the message starts with it and `extensions.field` names it."""
    return api_error(ApiErrorCode.BAD_USER_INPUT, f"{argument}: {message}", field=argument)


def _encode(value: Any) -> Any:
    if value is None or isinstance(value, int):
        return value
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def _decode(kind: ValueKind, raw: Any) -> Any:
    if raw is None:
        return None
    if kind is ValueKind.INTEGER:
        if not isinstance(raw, int) or isinstance(raw, bool):
            raise ValueError(raw)
        return raw
    if not isinstance(raw, str):
        raise ValueError(raw)
    if kind is ValueKind.DATETIME:
        moment = datetime.fromisoformat(raw)
        if moment.tzinfo is None:
            raise ValueError(raw)
        return moment
    if kind is ValueKind.DECIMAL:
        return Decimal(raw)
    return raw


def cursor_of(key: SortKey, item: Model) -> str:
    payload = json.dumps([key.name, _encode(getattr(item, key.expression)), item.pk], separators=(",", ":"))
    return base64.urlsafe_b64encode(payload.encode()).decode("ascii")


def parse_cursor(argument: str, key: SortKey, cursor: str) -> tuple[Any, int]:
    """The (sort value, id) of a cursor made under the same sort; BAD_USER_INPUT naming `argument` else."""
    try:
        name, raw, pk = json.loads(base64.urlsafe_b64decode(cursor.encode("ascii")))
        if name != key.name:
            raise bad_argument(argument, f"the cursor was made for sorting by {name}, not {key.name}")
        if not isinstance(pk, int) or isinstance(pk, bool) or pk < 1:
            raise ValueError(pk)
        return _decode(key.kind, raw), pk
    except (ValueError, TypeError, UnicodeError, binascii.Error, InvalidOperation):
        raise bad_argument(argument, "not a cursor of this list") from None


def _later(key: SortKey, value: Any, pk: int, ascending: bool) -> Q:
    """Rows after (value, pk) in the order (ascending or not), an empty value counting as the largest."""
    expr = key.expression
    if ascending:
        if value is None:
            return Q(**{f"{expr}__isnull": True, "pk__gt": pk})
        later = Q(**{f"{expr}__gt": value}) | Q(**{expr: value, "pk__gt": pk})
        if key.nullable:
            return later | Q(**{f"{expr}__isnull": True})
        return Q(**{f"{expr}__gte": value}) & later
    if value is None:
        return Q(**{f"{expr}__isnull": False}) | Q(**{f"{expr}__isnull": True, "pk__lt": pk})
    return Q(**{f"{expr}__lte": value}) & (Q(**{f"{expr}__lt": value}) | Q(**{expr: value, "pk__lt": pk}))


def _ordered(queryset: QuerySet[M], key: SortKey, ascending: bool) -> QuerySet[M]:
    if ascending:
        return queryset.order_by(key.expression, "pk")
    return queryset.order_by(f"-{key.expression}", "-pk")


@dataclass
class Page(Generic[M]):
    items: list[M]
    cursors: list[str]
    has_next: bool
    has_previous: bool


def _size(argument: str, value: int | None) -> int | None:
    if value is not None and not 1 <= value <= MAX_PAGE:
        raise bad_argument(argument, f"must be 1 to {MAX_PAGE}, not {value}")
    return value


@dataclass(frozen=True)
class PageRequest:
    """`first`/`after`/`last`/`before` as given, checked."""

    first: int | None = None
    after: str | None = None
    last: int | None = None
    before: str | None = None

    def checked(self) -> PageRequest:
        first, last = _size("first", self.first), _size("last", self.last)
        if first is not None and last is not None:
            raise bad_argument("last", "give first or last, not both")
        if self.after is not None and self.before is not None:
            raise bad_argument("before", "give after or before, not both")
        if self.after is not None and last is not None:
            raise bad_argument("after", "after pages forwards: use it with first")
        if self.before is not None and first is not None:
            raise bad_argument("before", "before pages backwards: use it with last")
        if first is None and last is None:
            first = None if self.before is not None else DEFAULT_PAGE
            last = DEFAULT_PAGE if self.before is not None else None
        return PageRequest(first, self.after, last, self.before)


def paginate(queryset: QuerySet[M], key: SortKey, descending: bool, request: PageRequest) -> Page[M]:
    """One page of `queryset` sorted by `key` (see the module doc); `request` must be `checked()`."""
    if request.last is not None:
        ascending = descending  # backwards: the reverse order, then turned round
        rows = _ordered(queryset, key, ascending)
        if request.before is not None:
            value, pk = parse_cursor("before", key, request.before)
            rows = rows.filter(_later(key, value, pk, ascending))
        found = list(rows[: request.last + 1])
        items = list(reversed(found[: request.last]))
        has_next, has_previous = request.before is not None, len(found) > request.last
    else:
        assert request.first is not None, "PageRequest.checked() sets first or last"
        ascending = not descending
        rows = _ordered(queryset, key, ascending)
        if request.after is not None:
            value, pk = parse_cursor("after", key, request.after)
            rows = rows.filter(_later(key, value, pk, ascending))
        found = list(rows[: request.first + 1])
        items = found[: request.first]
        has_next, has_previous = len(found) > request.first, request.after is not None
    return Page(items, [cursor_of(key, item) for item in items], has_next, has_previous)


class PageInfo(graphene.ObjectType):
    """Where a page stands in its list (Relay)."""

    has_next_page = graphene.Boolean(required=True)
    has_previous_page = graphene.Boolean(required=True)
    start_cursor = graphene.String()
    end_cursor = graphene.String()


@dataclass
class Edge(Generic[M]):
    node: M
    cursor: str


@dataclass
class Connection(Generic[M]):
    """A page with what its connection type shows; `total_count` and `extra` are computed only when asked."""

    page: Page[M]
    count: Callable[[], int]
    extra: dict[str, Callable[[], Any]] = field(default_factory=dict)

    @property
    def edges(self) -> list[Edge[M]]:
        return [Edge(item, cursor) for item, cursor in zip(self.page.items, self.page.cursors, strict=True)]

    @property
    def page_info(self) -> PageInfo:
        cursors: Sequence[str] = self.page.cursors
        return PageInfo(
            has_next_page=self.page.has_next,
            has_previous_page=self.page.has_previous,
            start_cursor=cursors[0] if cursors else None,
            end_cursor=cursors[-1] if cursors else None,
        )


def connection_type(
    name: str, node: type[graphene.ObjectType], description: str, **extra: Any
) -> type[graphene.ObjectType]:
    """`<name>CountableConnection {edges {node cursor} pageInfo totalCount}`, Saleor's shape of a list, with
    `extra` fields and resolvers."""
    edge = type(
        f"{name}CountableEdge",
        (graphene.ObjectType,),
        {
            "node": graphene.Field(node, required=True),
            "cursor": graphene.String(required=True),
        },
    )

    def resolve_total_count(root: Connection[Any], _info: Any) -> int:
        return root.count()

    return type(
        f"{name}CountableConnection",
        (graphene.ObjectType,),
        {
            "Meta": type("Meta", (), {"description": description}),
            "edges": graphene.List(graphene.NonNull(edge), required=True),
            "page_info": graphene.Field(PageInfo, required=True),
            "total_count": graphene.Int(required=True, description="Rows of the list under its filters."),
            "resolve_total_count": staticmethod(resolve_total_count),
            **extra,
        },
    )


SORT_DIRECTION = graphene.Enum("OrderDirection", [("ASC", "asc"), ("DESC", "desc")])
