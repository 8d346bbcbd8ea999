"""One request for many: a document of `graphql/saleor/` repeated under aliases (`a0`, `a1`, …).

`aliased(name, n)` takes the document's one root field and repeats it n times, each copy under the alias
`a<i>` with its variables renamed `$<variable>_<i>`; the operation keeps its name (so a fault armed on
`TransactionCreate` in the fake Saleor, or Saleor's own logs, still name it) and the fragments are sent once.
Saleor runs the root fields of a mutation one after the other, in order, each with its own `errors`; a
resolver's exception comes back as a top-level error whose `path` starts with the alias. So each alias is
answered as its single call would be (see `SaleorClient.execute_aliased`). The shape is the document's own,
which the document tests validate against Saleor's schema; `tests/saleor/test_aliases.py` validates the
repeated documents too.
"""

from __future__ import annotations

import copy
import functools

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    NameNode,
    OperationDefinitionNode,
    VariableNode,
    Visitor,
    parse,
    print_ast,
    visit,
)

from saleor_subscriptions.saleor.documents import document


def alias(index: int) -> str:
    return f"a{index}"


def variable(name: str, index: int) -> str:
    return f"{name}_{index}"


class _Rename(Visitor):
    def __init__(self, index: int) -> None:
        super().__init__()
        self.index = index

    def enter_variable(self, node: VariableNode, *_args: object) -> VariableNode:
        return VariableNode(name=NameNode(value=variable(node.name.value, self.index)))


@functools.lru_cache(maxsize=256)
def aliased(name: str, count: int) -> str:
    """The document `name` with its root field repeated `count` times under aliases (module docstring)."""
    if count < 1:
        raise ValueError("an aliased document repeats its field at least once")
    return combined((name,) * count)


@functools.lru_cache(maxsize=256)
def combined(names: tuple[str, ...]) -> str:
    """The root fields of the documents `names` (all queries, or all mutations), in this order, as one
    operation: the i-th under the alias `a<i>` with its variables renamed `$<variable>_<i>`. The operation
    takes the last document's name (`DraftOrderComplete` for line metadata written, then the draft
    completed)."""
    if not names:
        raise ValueError("a combined document needs at least one document")
    fields = []
    definitions = []
    fragments: dict[str, object] = {}
    operation = None
    for index, name in enumerate(names):
        tree = parse(document(name))
        [this] = [d for d in tree.definitions if isinstance(d, OperationDefinitionNode)]
        if operation is not None and this.operation != operation.operation:
            raise ValueError(f"{name}: queries and mutations do not go in one document")
        operation = this
        [root] = this.selection_set.selections
        if not isinstance(root, FieldNode) or root.alias is not None:
            raise ValueError(f"{name}: an aliased document needs one root field without an alias")
        renamed = visit(copy.deepcopy(root), _Rename(index))
        renamed.alias = NameNode(value=alias(index))
        fields.append(renamed)
        for definition in this.variable_definitions or ():
            definitions.append(visit(copy.deepcopy(definition), _Rename(index)))
        for other in tree.definitions:
            if isinstance(other, FragmentDefinitionNode):
                fragments.setdefault(other.name.value, other)
    assert operation is not None
    repeated = copy.copy(operation)
    repeated.variable_definitions = tuple(definitions)
    repeated.selection_set = copy.copy(operation.selection_set)
    repeated.selection_set.selections = tuple(fields)
    return print_ast(DocumentNode(definitions=(repeated, *fragments.values())))


@functools.lru_cache(maxsize=256)
def root_field(name: str) -> str:
    """The name of the document's one root field (`transactionCreate`)."""
    tree = parse(document(name))
    [operation] = [d for d in tree.definitions if isinstance(d, OperationDefinitionNode)]
    [root] = operation.selection_set.selections
    assert isinstance(root, FieldNode)
    return root.name.value


def aliased_variables(variables: list[dict[str, object]]) -> dict[str, object]:
    """The variables of each alias, renamed as `aliased` renames them."""
    return {
        variable(key, index): value for index, values in enumerate(variables) for key, value in values.items()
    }
