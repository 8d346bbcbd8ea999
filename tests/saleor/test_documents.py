"""Every document in graphql/saleor/ is valid Saleor GraphQL: against the checked-in subset always, against
the full 3.21 and 3.23 schemas when ../shared/saleor exists; and the subset is the one the script makes."""

from __future__ import annotations

import functools
import subprocess
import sys
from pathlib import Path

import pytest
from graphql import (
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLObjectType,
    GraphQLSchema,
    OperationDefinitionNode,
    Visitor,
    build_schema,
    parse,
    validate,
    visit,
)

from saleor_subscriptions.saleor import documents
from tests.saleor.helpers import ROOT, SHARED_SALEOR, SKIP_NO_SHARED

DOCUMENTS = documents.document_names()
needs_shared = pytest.mark.skipif(not SHARED_SALEOR.is_dir(), reason=SKIP_NO_SHARED)


@functools.cache
def _schema(path: Path) -> GraphQLSchema:
    return build_schema(path.read_text(encoding="utf-8"))


def _errors(schema: GraphQLSchema, name: str) -> list[str]:
    return [error.message for error in validate(schema, parse(documents.document(name)))]


def test_the_documents_are_there():
    assert len(DOCUMENTS) >= 25
    assert not (ROOT / "graphql" / "__init__.py").exists(), "graphql/ must not shadow graphql-core"
    assert not (ROOT / "graphql" / "saleor" / "__init__.py").exists()


@pytest.mark.parametrize("name", DOCUMENTS)
def test_one_named_operation_per_document(name):
    source = documents.document(name)
    operations = [d for d in parse(source).definitions if isinstance(d, OperationDefinitionNode)]
    assert len(operations) == 1
    if name.startswith(("webhook_", "sync_")):  # named like the captures: the event, in PascalCase
        assert documents.operation_name(source) == "".join(part.title() for part in name.split("_")[1:])


@pytest.mark.parametrize("name", DOCUMENTS)
def test_a_sent_document_holds_every_fragment_it_spreads_once(name):
    tree = parse(documents.document(name))
    defined = [d.name.value for d in tree.definitions if isinstance(d, FragmentDefinitionNode)]
    spread: set[str] = set()
    visit(tree, _SpreadNames(spread))
    assert spread <= set(defined)
    assert len(defined) == len(set(defined))


def test_the_order_documents_share_their_fragments():
    shared = documents.shared_fragments()
    assert {"RenewalOrderFields", "OrderWebhookFields", "AddressFields"} <= set(shared)
    for name in ("draft_order_create", "draft_order_complete", "order_by_external_reference"):
        assert documents.document(name).endswith(shared["RenewalOrderFields"] + "\n")
    webhook = documents.document("webhook_order_created")
    assert webhook.endswith(f"{shared['OrderWebhookFields']}\n\n{shared['AddressFields']}\n")
    assert "fragment" not in (documents.DOCUMENTS_DIR / "webhook_order_created.graphql").read_text()


def test_a_fragment_a_document_defines_itself_is_not_added_again():
    shared = {"Shared": "fragment Shared on Order { id }"}
    own = "query Q { order(id: 1) { ...Shared } }\n\nfragment Shared on Order { number }\n"
    assert documents.with_fragments(own, shared) == own
    used = "query Q { order(id: 1) { ...Shared } }\n"
    assert documents.with_fragments(used, shared) == used + "\nfragment Shared on Order { id }\n"


class _SpreadNames(Visitor):
    def __init__(self, names: set[str]) -> None:
        super().__init__()
        self.names = names

    def enter_fragment_spread(self, node: FragmentSpreadNode, *_args: object) -> None:
        self.names.add(node.name.value)


def test_unknown_document():
    with pytest.raises(documents.UnknownDocumentError):
        documents.document("no_such_document")
    with pytest.raises(documents.UnknownDocumentError):
        documents.document("schema")


def test_the_subset_builds_as_a_schema():
    schema = _schema(documents.SCHEMA_PATH)
    assert schema.query_type is not None
    assert schema.mutation_type is not None
    assert schema.subscription_type is not None
    assert '"""' not in documents.SCHEMA_PATH.read_text(encoding="utf-8"), "descriptions are stripped"


@pytest.mark.parametrize("name", DOCUMENTS)
def test_valid_against_the_subset(name):
    assert _errors(_schema(documents.SCHEMA_PATH), name) == []


@needs_shared
@pytest.mark.parametrize("version", ["3.21", "3.23"])
@pytest.mark.parametrize("name", DOCUMENTS)
def test_valid_against_the_full_schema(name, version):
    assert _errors(_schema(SHARED_SALEOR / f"schema-{version}.graphql"), name) == []


@needs_shared
def test_the_subset_is_up_to_date(tmp_path):
    output = tmp_path / "schema.graphql"
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make-saleor-schema"), "--output", str(output)],
        check=True,
        capture_output=True,
    )
    assert output.read_bytes() == documents.SCHEMA_PATH.read_bytes(), "run scripts/make-saleor-schema"


@needs_shared
def test_the_subset_is_deterministic():
    full = (SHARED_SALEOR / "schema-3.21.graphql").read_text(encoding="utf-8")
    sources = [documents.document(name) for name in DOCUMENTS]
    assert documents.make_schema_subset(full, sources) == documents.make_schema_subset(
        full, reversed(sources)
    )


SMALL_SCHEMA = '''
"""Root."""
type Query {
  node(id: ID!): Node @deprecated(reason: "use thing")
  thing(id: ID!, channel: String, unused: Int): Thing
  search(filter: Filter): [Thing!]!
}
interface Node { id: ID! }
interface Named { name: String! }
type Thing implements Node & Named { id: ID! name: String! other: Other kind: Kind }
type Other implements Node { id: ID! size: Int }
type Lonely implements Node { id: ID! }
union Result = Thing | Other
input Filter { kind: Kind nested: Nested }
input Nested { deep: Int }
enum Kind { A B }
'''


def test_subset_of_a_small_schema():
    subset = documents.make_schema_subset(
        SMALL_SCHEMA,
        ["query Q($f: Filter) { search(filter: $f) { name } node(id: 1) { ... on Thing { kind } } }"],
    )
    schema = build_schema(subset)
    assert schema.query_type is not None
    assert set(schema.query_type.fields) == {"search", "node"}
    assert set(schema.query_type.fields["search"].args) == {"filter"}
    assert "Nested" in schema.type_map, "input types are kept whole, transitively"
    assert "Lonely" not in schema.type_map
    assert "Other" not in schema.type_map
    thing = schema.type_map["Thing"]
    assert isinstance(thing, GraphQLObjectType)
    assert set(thing.fields) == {"id", "name", "kind"}, "interface fields are kept on implementations"
    assert "@deprecated" in subset
    assert '"""' not in subset
