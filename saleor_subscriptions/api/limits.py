"""What one request may ask for: the body's size, and the query's depth, fields, root fields and cost.

A GraphQL document is cheap to send and can be dear to run: a thousand aliases of one query field run its
resolver a thousand times. So, as Saleor limits query cost, every document is measured before the standard
validation (whose overlapping-fields rule is itself quadratic in the aliases of one field) and before
anything runs; one over any limit is answered at once, 400 `QUERY_TOO_COMPLEX`, naming the limit.

- **depth**: nested selections, fragments followed (`{ a { b } }` is 2);
- **fields**: every field selected, aliases and fragment spreads counted each time they are used;
- **root fields**: fields of the operation itself (each runs its own database queries);
- **cost**: each field costs 1, and what is selected under a list is counted once per item it can return:
  its `first` argument when given as a number, else `LIST_SIZES` of the field, else `DEFAULT_LIST_SIZE`;
  under a connection (`subscriptions`, `invoices`, …) its `first` or `last`, else the largest page (100),
  for what is under `edges`.
  `MAX_COST` lets a customer's full `mySubscriptions(first: 100)` (cost 12,801) be asked twice.
- **introspection cost**: the same count for `__schema` and `__type`, whose lists are as long as this
  schema's longest (`types` 106, `fields` 22, …); it answers from memory, so its budget is larger:
  MAX_INTROSPECTION_COST, or twice the standard introspection query's cost on this schema when that is more
  (it grows with the schema), so GraphiQL's and code generators' standard introspection query fits
  (`tests/api/test_limits.py` checks it) and a nested `types { fields { type { fields … } } }` does not.

`bench/api_limits.py` times the largest requests allowed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from graphql import (
    DirectiveLocation,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SchemaMetaFieldDef,
    SelectionSetNode,
    TypeMetaFieldDef,
    get_introspection_query,
    get_named_type,
    is_introspection_type,
    parse,
)
from graphql.type.definition import GraphQLOutputType

MAX_DEPTH = 15
"""Deep enough for the standard introspection query (13); the app's own types nest 5 deep at most."""
MAX_FIELDS = 400
MAX_ROOT_FIELDS = 10
MAX_COST = 30_000
MAX_INTROSPECTION_COST = 1_000_000
INTROSPECTION_HEADROOM = 2
DEFAULT_LIST_SIZE = 10
LIST_SIZES = {"mySubscriptions": 100}
CONNECTION_PAGE_SIZE = 100
"""A connection's page without a literal `first` or `last`: the largest page, as a variable's value is not
known when the document is measured."""
"""Lists whose resolver returns more than `DEFAULT_LIST_SIZE` items without a `first` argument."""


@dataclass(frozen=True)
class TooComplex(Exception):
    """The document is over one limit: its name (`tokens`, `depth`, `fields`, `rootFields`, `cost`,
    `introspectionCost`), the maximum and
    what the document asks (at least)."""

    limit: str
    maximum: int
    found: int

    @property
    def message(self) -> str:
        return f"the query is too complex: {self.limit} {self.found} is over the limit of {self.maximum}"


@dataclass
class _Measure:
    fields: int = 0
    depth: int = 0


@cache
def _introspection_sizes(schema: GraphQLSchema) -> dict[str, int]:
    """The longest each introspection list of this schema is (`types`, `fields`, …): introspection answers
    from memory, but what it answers is as long as the schema makes it."""
    types = list(schema.type_map.values())
    with_fields = [t for t in types if isinstance(t, GraphQLObjectType | GraphQLInterfaceType)]
    fields = [f for t in with_fields for f in t.fields.values()]
    return {
        "types": len(types),
        "directives": len(schema.directives),
        "fields": max(len(t.fields) for t in with_fields),
        "args": max([len(f.args) for f in fields] + [len(d.args) for d in schema.directives]),
        "inputFields": max([len(t.fields) for t in types if isinstance(t, GraphQLInputObjectType)] + [0]),
        "enumValues": max([len(t.values) for t in types if isinstance(t, GraphQLEnumType)] + [0]),
        "interfaces": max([len(t.interfaces) for t in with_fields] + [0]),
        "possibleTypes": max([len(t.types) for t in types if isinstance(t, GraphQLUnionType)] + [0]),
        "locations": len(DirectiveLocation),
    }


def _is_connection(field_type: GraphQLOutputType | None) -> bool:
    """A Relay connection (`subscriptions`, `invoices`, …): a page of `edges` as long as its first or last."""
    named = get_named_type(field_type) if field_type is not None else None
    return isinstance(named, GraphQLObjectType) and "edges" in named.fields and "pageInfo" in named.fields


def _list_size(schema: GraphQLSchema, field: FieldNode, field_type: GraphQLOutputType | None) -> int:
    while isinstance(field_type, GraphQLNonNull):
        field_type = field_type.of_type
    connection = _is_connection(field_type)
    if not isinstance(field_type, GraphQLList) and not connection:
        return 1
    if field.name.value == "edges":
        return 1  # counted at its connection
    for argument in field.arguments or ():
        if argument.name.value in ("first", "last") and isinstance(argument.value, IntValueNode):
            digits = argument.value.value.lstrip("-")
            return MAX_INTROSPECTION_COST if len(digits) > 7 else max(1, int(argument.value.value))
    if not isinstance(field_type, GraphQLList):
        return CONNECTION_PAGE_SIZE
    name = field.name.value
    if is_introspection_type(get_named_type(field_type)) or name in ("types", "directives"):
        return max(1, _introspection_sizes(schema).get(name, DEFAULT_LIST_SIZE))
    return LIST_SIZES.get(name, DEFAULT_LIST_SIZE)


class _Walker:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: dict[str, FragmentDefinitionNode],
        introspection_limit: int | None = None,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.measure = _Measure()
        self.nesting = 0
        self.introspection_cost = 0
        self.introspection_limit = (
            introspection_limit if introspection_limit is not None else max_introspection_cost(schema)
        )

    def _field_type(self, parent: object, name: str) -> GraphQLOutputType | None:
        if name in ("__schema", "__type"):
            return SchemaMetaFieldDef.type if name == "__schema" else TypeMetaFieldDef.type
        if isinstance(parent, GraphQLObjectType) and name in parent.fields:
            field_type: GraphQLOutputType = parent.fields[name].type
            return field_type
        return None  # an unknown field or an interface's: the standard validation refuses it later

    def selections(
        self, selection_set: SelectionSetNode | None, parent: object, depth: int, seen: frozenset[str]
    ) -> int:
        """The cost of a selection set under `parent` at `depth`; counts its fields and depth on the way."""
        if selection_set is None:
            return 0
        self.nesting += 1
        if self.nesting > 2 * MAX_DEPTH:  # fragments inside fragments: nested, though not fields
            raise TooComplex("depth", MAX_DEPTH, self.nesting)
        cost = self._selections(selection_set, parent, depth, seen)
        self.nesting -= 1
        return cost

    def _selections(
        self, selection_set: SelectionSetNode, parent: object, depth: int, seen: frozenset[str]
    ) -> int:
        cost = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                cost += self.field(selection, parent, depth + 1, seen)
            elif isinstance(selection, InlineFragmentNode):
                inner = parent
                if selection.type_condition is not None:
                    inner = self.schema.get_type(selection.type_condition.name.value) or parent
                cost += self.selections(selection.selection_set, inner, depth, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in seen:
                    continue  # unknown or cyclic: the standard validation refuses it
                inner = self.schema.get_type(fragment.type_condition.name.value) or parent
                cost += self.selections(fragment.selection_set, inner, depth, seen | {name})
        return cost

    def field(self, node: FieldNode, parent: object, depth: int, seen: frozenset[str]) -> int:
        self.measure.fields += 1
        if self.measure.fields > MAX_FIELDS:
            raise TooComplex("fields", MAX_FIELDS, self.measure.fields)
        self.measure.depth = max(self.measure.depth, depth)
        if depth > MAX_DEPTH:
            raise TooComplex("depth", MAX_DEPTH, depth)
        field_type = self._field_type(parent, node.name.value)
        inner = get_named_type(field_type) if field_type is not None else None
        children = self.selections(node.selection_set, inner, depth, seen)
        cost = 1 + _list_size(self.schema, node, field_type) * children
        if depth == 1 and node.name.value in ("__schema", "__type"):
            self.introspection_cost += cost
            if self.introspection_cost > self.introspection_limit:
                raise TooComplex("introspectionCost", self.introspection_limit, self.introspection_cost)
            return 0
        return cost


@cache
def max_introspection_cost(schema: GraphQLSchema) -> int:
    """The introspection budget of this schema: MAX_INTROSPECTION_COST, or twice what the standard
    introspection query costs on it when that is more (the cost grows with the schema's types and fields)."""
    document = parse(get_introspection_query(descriptions=True))
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    walker = _Walker(schema, fragments, introspection_limit=2**62)
    for operation in document.definitions:
        if isinstance(operation, OperationDefinitionNode):
            walker.selections(operation.selection_set, _root_type(schema, operation), 0, frozenset())
    return max(MAX_INTROSPECTION_COST, INTROSPECTION_HEADROOM * walker.introspection_cost)


def _root_type(schema: GraphQLSchema, operation: OperationDefinitionNode) -> GraphQLObjectType | None:
    kind = operation.operation.value
    return {"query": schema.query_type, "mutation": schema.mutation_type}.get(kind)


def _root_fields(fragments: dict[str, FragmentDefinitionNode], operation: OperationDefinitionNode) -> int:
    """The fields of the operation's own selection set, fragments followed, nothing below them."""
    count = 0
    pending: list[tuple[SelectionSetNode, frozenset[str]]] = [(operation.selection_set, frozenset())]
    while pending:
        selection_set, seen = pending.pop()
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                count += 1
            elif isinstance(selection, InlineFragmentNode):
                pending.append((selection.selection_set, seen))
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = fragments.get(name)
                if fragment is not None and name not in seen:
                    pending.append((fragment.selection_set, seen | {name}))
        if count > MAX_ROOT_FIELDS:
            break
    return count


def check_limits(schema: GraphQLSchema, document: DocumentNode) -> int:
    """The cost of the document's operations (every one, as any may be chosen); TooComplex when it is over a
    limit of the module doc."""
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    operations: Iterable[OperationDefinitionNode] = (
        d for d in document.definitions if isinstance(d, OperationDefinitionNode)
    )
    walker = _Walker(schema, fragments)
    total = 0
    for operation in operations:
        roots = _root_fields(fragments, operation)
        if roots > MAX_ROOT_FIELDS:
            raise TooComplex("rootFields", MAX_ROOT_FIELDS, roots)
        total += walker.selections(operation.selection_set, _root_type(schema, operation), 0, frozenset())
        if total > MAX_COST:
            raise TooComplex("cost", MAX_COST, total)
    return total
