"""Which fields a request selects, so a list loads only what will be shown."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from graphql import FieldNode, FragmentSpreadNode, InlineFragmentNode, SelectionSetNode


def _fields(selection_set: SelectionSetNode | None, fragments: dict[str, Any]) -> Iterable[FieldNode]:
    if selection_set is None:
        return
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            yield selection
        elif isinstance(selection, InlineFragmentNode):
            yield from _fields(selection.selection_set, fragments)
        elif isinstance(selection, FragmentSpreadNode):
            fragment = fragments.get(selection.name.value)
            if fragment is not None:
                yield from _fields(fragment.selection_set, fragments)


def selected(info: Any, *path: str) -> set[str]:
    """The names of the fields selected under `path` (e.g. "edges", "node") of the field being resolved."""
    level = [node for node in info.field_nodes]
    for name in path:
        level = [
            f for node in level for f in _fields(node.selection_set, info.fragments) if f.name.value == name
        ]
    return {f.name.value for node in level for f in _fields(node.selection_set, info.fragments)}
