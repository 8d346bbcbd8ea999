"""The GraphQL documents the app sends to Saleor, and the subset of Saleor's schema they use.

Every operation and webhook subscription lives in `graphql/saleor/<name>.graphql` at the project's root, one
operation per file. Fragments that several documents share live in `graphql/saleor/fragments/`: `document`
appends to a file each shared fragment it spreads (and those spread them), so what goes over the wire (a
GraphQL request's `query`, or a webhook's `query` in the manifest) is one self-contained document.

`graphql/saleor/schema.graphql` is the subset of Saleor's schema that these documents use, made by
`scripts/make-saleor-schema` with `make_schema_subset` below (see docs/saleor.md).
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Iterable
from pathlib import Path

from graphql import (
    DocumentNode,
    EnumTypeDefinitionNode,
    FieldDefinitionNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    InputObjectTypeDefinitionNode,
    InputValueDefinitionNode,
    InterfaceTypeDefinitionNode,
    NamedTypeNode,
    Node,
    ObjectTypeDefinitionNode,
    OperationDefinitionNode,
    ScalarTypeDefinitionNode,
    SchemaDefinitionNode,
    TypeInfo,
    TypeInfoVisitor,
    UnionTypeDefinitionNode,
    VariableDefinitionNode,
    Visitor,
    build_ast_schema,
    get_named_type,
    is_scalar_type,
    lexicographic_sort_schema,
    parse,
    print_schema,
    type_from_ast,
    visit,
)

#: graphql/saleor/ of the project (this package is installed editable: the documents are not package data).
DOCUMENTS_DIR = Path(__file__).resolve().parents[2] / "graphql" / "saleor"
SCHEMA_FILE_NAME = "schema.graphql"
SCHEMA_PATH = DOCUMENTS_DIR / SCHEMA_FILE_NAME
FRAGMENTS_DIR_NAME = "fragments"

#: Directives kept in the subset; Saleor's own (@doc, @webhookEventsInfo) are documentation only.
_KEPT_DIRECTIVES = frozenset({"deprecated", "specifiedBy"})


class UnknownDocumentError(LookupError):
    """No `graphql/saleor/<name>.graphql`."""


def document_paths(directory: Path = DOCUMENTS_DIR) -> list[Path]:
    """Every document file (not the schema), sorted by name."""
    return sorted(p for p in directory.glob("*.graphql") if p.name != SCHEMA_FILE_NAME)


def document_names(directory: Path = DOCUMENTS_DIR) -> list[str]:
    return [p.stem for p in document_paths(directory)]


def document_sources(directory: Path = DOCUMENTS_DIR) -> list[str]:
    """Every document as sent (with its shared fragments), in the order of `document_paths`."""
    shared = shared_fragments(directory)
    return [with_fragments(path.read_text(encoding="utf-8"), shared) for path in document_paths(directory)]


@functools.cache
def document(name: str) -> str:
    """The text of `graphql/saleor/<name>.graphql` with the shared fragments it uses, as sent to Saleor."""
    path = DOCUMENTS_DIR / f"{name}.graphql"
    if name == Path(SCHEMA_FILE_NAME).stem or not path.is_file():
        raise UnknownDocumentError(name)
    return with_fragments(path.read_text(encoding="utf-8"), shared_fragments(DOCUMENTS_DIR))


@functools.cache
def shared_fragments(directory: Path = DOCUMENTS_DIR) -> dict[str, str]:
    """The text of each fragment of `<directory>/fragments/*.graphql`, by the fragment's name."""
    found: dict[str, str] = {}
    for path in sorted((directory / FRAGMENTS_DIR_NAME).glob("*.graphql")):
        source = path.read_text(encoding="utf-8")
        for definition in parse(source).definitions:
            if not isinstance(definition, FragmentDefinitionNode) or definition.loc is None:
                raise ValueError(f"{path.name} holds fragment definitions only")
            name = definition.name.value
            if name in found:
                raise ValueError(f"fragment {name} is defined twice in {directory / FRAGMENTS_DIR_NAME}")
            found[name] = source[definition.loc.start : definition.loc.end]
    return found


class _Spreads(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: list[str] = []

    def enter_fragment_spread(self, node: FragmentSpreadNode, *_args: object) -> None:
        self.names.append(node.name.value)


def _spread_in(source: str) -> list[str]:
    spreads = _Spreads()
    visit(parse(source), spreads)
    return spreads.names


def with_fragments(source: str, shared: dict[str, str]) -> str:
    """`source` followed by each shared fragment it spreads, directly or through another, once; a fragment the
    source defines itself is its own (an unknown one is left for validation to report)."""
    tree = parse(source)
    defined = {d.name.value for d in tree.definitions if isinstance(d, FragmentDefinitionNode)}
    added: list[str] = []
    pending = _spread_in(source)
    while pending:
        name = pending.pop(0)
        if name in defined or name in added or name not in shared:
            continue
        added.append(name)
        pending.extend(_spread_in(shared[name]))
    if not added:
        return source
    return source.rstrip("\n") + "\n" + "".join(f"\n{shared[name]}\n" for name in added)


def operation_name(source: str) -> str:
    """The name of the one operation in a document."""
    operations = [d for d in parse(source).definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) != 1 or operations[0].name is None:
        raise ValueError("a document holds exactly one named operation")
    return operations[0].name.value


# --- the schema subset -------------------------------------------------------------------------------------


class _Usage:
    """What the documents touch in the full schema: named types, and the fields (with arguments) used."""

    def __init__(self) -> None:
        self.types: set[str] = set()
        self.fields: dict[str, dict[str, set[str]]] = {}

    def add_field(self, type_name: str, field_name: str, args: Iterable[str] = ()) -> bool:
        fields = self.fields.setdefault(type_name, {})
        known = fields.get(field_name)
        new_args = set(args)
        if known is not None and new_args <= known:
            return False
        fields[field_name] = (known or set()) | new_args
        return True


class _UsageCollector(Visitor):
    def __init__(self, schema: GraphQLSchema, type_info: TypeInfo, usage: _Usage) -> None:
        super().__init__()
        self.schema = schema
        self.type_info = type_info
        self.usage = usage

    def enter_field(self, node: FieldNode, *_args: object) -> None:
        if node.name.value.startswith("__"):
            return
        parent = self.type_info.get_parent_type()
        field = self.type_info.get_field_def()
        if parent is None or field is None:
            raise ValueError(f"field {node.name.value!r} is not in the schema")
        self.usage.types.add(parent.name)
        self.usage.add_field(parent.name, node.name.value, (a.name.value for a in node.arguments or ()))

    def enter_inline_fragment(self, node: InlineFragmentNode, *_args: object) -> None:
        if node.type_condition is not None:
            self.usage.types.add(node.type_condition.name.value)

    def enter_fragment_definition(self, node: FragmentDefinitionNode, *_args: object) -> None:
        self.usage.types.add(node.type_condition.name.value)

    def enter_variable_definition(self, node: VariableDefinitionNode, *_args: object) -> None:
        type_ = type_from_ast(self.schema, node.type)
        if type_ is None:
            raise ValueError(f"unknown type of variable ${node.variable.name.value}")
        self.usage.types.add(get_named_type(type_).name)


def _collect(schema: GraphQLSchema, documents: Iterable[str]) -> _Usage:
    usage = _Usage()
    for source in documents:
        type_info = TypeInfo(schema)
        visit(parse(source), TypeInfoVisitor(type_info, _UsageCollector(schema, type_info, usage)))
    return usage


def _fields_of(type_: GraphQLNamedType) -> dict[str, GraphQLField]:
    if isinstance(type_, GraphQLObjectType | GraphQLInterfaceType):
        return dict(type_.fields)
    return {}


def _close(schema: GraphQLSchema, usage: _Usage) -> None:
    """Adds what the subset needs to be a valid schema, until nothing changes."""
    changed = True
    while changed:
        changed = False
        for name in sorted(usage.types):
            type_ = schema.get_type(name)
            if type_ is None:
                raise ValueError(f"unknown type {name}")
            reached: set[str] = set()
            if isinstance(type_, GraphQLInputObjectType):
                reached |= {get_named_type(f.type).name for f in type_.fields.values()}
            elif isinstance(type_, GraphQLObjectType | GraphQLInterfaceType):
                fields = _fields_of(type_)
                used = usage.fields.setdefault(name, {})
                if not used:
                    # A type named only in a type condition: give it one field so it is a valid type.
                    leaf = [n for n, f in fields.items() if is_scalar_type(get_named_type(f.type))]
                    pick = "id" if "id" in fields else (leaf or sorted(fields))[0]
                    changed |= usage.add_field(name, pick)
                # An implementation keeps every field (and argument) of the interfaces it keeps.
                for interface in type_.interfaces:
                    if interface.name in usage.types:
                        for field_name, args in list(usage.fields.get(interface.name, {}).items()):
                            changed |= usage.add_field(name, field_name, args)
                for field_name, args in usage.fields[name].items():
                    field = fields[field_name]
                    reached.add(get_named_type(field.type).name)
                    reached |= {get_named_type(field.args[a].type).name for a in args}
            elif isinstance(type_, GraphQLUnionType) and not any(t.name in usage.types for t in type_.types):
                reached.add(type_.types[0].name)
            new = reached - usage.types
            if new:
                usage.types |= new
                changed = True


def _strip_directives(node: Node) -> None:
    directives = getattr(node, "directives", None)
    if directives is not None:
        node.directives = tuple(d for d in directives if d.name.value in _KEPT_DIRECTIVES)


def _argument(node: InputValueDefinitionNode) -> InputValueDefinitionNode:
    node = copy.copy(node)
    node.description = None
    _strip_directives(node)
    return node


def _field(node: FieldDefinitionNode, args: set[str]) -> FieldDefinitionNode:
    node = copy.copy(node)
    node.description = None
    node.arguments = tuple(_argument(a) for a in node.arguments or () if a.name.value in args)
    _strip_directives(node)
    return node


def _subset_definition(node: Node, usage: _Usage) -> Node | None:
    if isinstance(node, SchemaDefinitionNode):
        node = copy.copy(node)
        node.operation_types = tuple(t for t in node.operation_types if t.type.name.value in usage.types)
        return node
    name = getattr(getattr(node, "name", None), "value", None)
    if name not in usage.types:
        return None
    node = copy.copy(node)
    node.description = None
    _strip_directives(node)
    if isinstance(node, ObjectTypeDefinitionNode | InterfaceTypeDefinitionNode):
        used = usage.fields[name]
        node.fields = tuple(_field(f, used[f.name.value]) for f in node.fields or () if f.name.value in used)
        node.interfaces = tuple(i for i in node.interfaces or () if i.name.value in usage.types)
    elif isinstance(node, InputObjectTypeDefinitionNode):
        node.fields = tuple(_argument(f) for f in node.fields or ())
    elif isinstance(node, EnumTypeDefinitionNode):
        values = []
        for original in node.values or ():
            value = copy.copy(original)
            value.description = None
            _strip_directives(value)
            values.append(value)
        node.values = tuple(values)
    elif isinstance(node, UnionTypeDefinitionNode):
        members: tuple[NamedTypeNode, ...] = tuple(node.types or ())
        node.types = tuple(t for t in members if t.name.value in usage.types)
    elif not isinstance(node, ScalarTypeDefinitionNode):
        raise ValueError(f"unexpected definition {node.kind} in the schema")
    return node


def make_schema_subset(full_schema_sdl: str, documents: Iterable[str]) -> str:
    """The SDL of the part of `full_schema_sdl` that `documents` use, without descriptions.

    Kept: the root types and the fields (with the arguments given) the documents select, the types of the
    variables and every input type they reach (whole, since values come at run time), enums (whole), scalars,
    the types named in fragments, and what that needs to be a valid schema (the fields of a kept interface on
    each kept implementation, one member of a union nothing else names). Printed sorted, so the output
    depends only on the inputs.
    """
    ast = parse(full_schema_sdl)
    schema = build_ast_schema(ast)
    usage = _collect(schema, documents)
    for root in (schema.query_type, schema.mutation_type, schema.subscription_type):
        if root is not None and usage.fields.get(root.name):
            usage.types.add(root.name)
    _close(schema, usage)
    definitions = [
        subset
        for definition in ast.definitions
        if (subset := _subset_definition(definition, usage)) is not None
    ]
    subset_schema = build_ast_schema(DocumentNode(definitions=tuple(definitions)))
    return print_schema(lexicographic_sort_schema(subset_schema)) + "\n"
