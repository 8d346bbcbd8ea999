"""A priced line's words in a language: the storefront's first charge and the plan editor's schedule preview
say "Standaard maandelijks, 16 december 2026 tot 15 januari 2027" to a Dutch shop, as its invoices do.

`description(language: ShopLanguage)` on a line: the language asked for, else the shop's (the caller's
installation), else English. The words come from the line's typed facts (`billing.wording_lines`); a line
without facts keeps the engine's English text.
"""

from __future__ import annotations

from typing import Any

import graphene

from saleor_subscriptions.api.context import context_of
from saleor_subscriptions.api.enums import enum_value
from saleor_subscriptions.api.types.installation_settings import ShopLanguageEnum
from saleor_subscriptions.billing.lines import PricedLine
from saleor_subscriptions.billing.wording_lines import describe


def description_field() -> graphene.String:
    return graphene.String(
        required=True,
        language=graphene.Argument(ShopLanguageEnum, description="Default: the shop's language."),
        description="What the line is for, in `language`.",
    )


def language_asked(info: Any, language: Any) -> str:
    """The language a line is worded in: the one asked for, else the caller's shop's, else English."""
    asked = enum_value(language)
    if asked:
        return str(asked)
    installation = context_of(info).principal.installation
    return installation.language if installation is not None else "en"


def worded(line: PricedLine, language: str) -> str:
    """The line's description in `language` (its facts worded), or the engine's text without facts."""
    text = describe(line.facts, language)
    return text.description if text is not None else line.description
