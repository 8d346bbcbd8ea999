"""Reading a request's JSON body without letting its shape take the server down.

`json.loads` recurses once per nesting level: a body nested 100,000 levels deep raises `RecursionError` (a
500 on every intake), and one just under the interpreter's limit parses but breaks whatever walks it next.
`loads` refuses both with `TooDeep`, a `ValueError`, so every caller that already answers 400 for a body that
is not JSON does the same for these.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

MAX_DEPTH = 64
"""Nesting levels of arrays and objects a body may have (Saleor's and Stripe's payloads use under 15)."""


class TooDeep(ValueError):
    """The JSON is nested deeper than `MAX_DEPTH`."""


def depth(value: Any) -> int:
    """How many arrays and objects deep `value` is, walked without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        level += 1
        deepest = max(deepest, level)
        if deepest > MAX_DEPTH:
            return deepest
        stack.extend((child, level) for child in children)
    return deepest


def loads(body: bytes | str, *, parse_float: Callable[[str], Any] | None = None) -> Any:
    """`json.loads`, refusing (TooDeep) a body nested deeper than MAX_DEPTH."""
    try:
        value = json.loads(body, parse_float=parse_float)
    except RecursionError:
        raise TooDeep(f"the JSON is nested deeper than {MAX_DEPTH} levels") from None
    if depth(value) > MAX_DEPTH:
        raise TooDeep(f"the JSON is nested deeper than {MAX_DEPTH} levels")
    return value
