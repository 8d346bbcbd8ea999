"""An invoice line's text in a language, from its typed facts (BILLING_RULES §4).

The engine gives every line its `facts` (`PricedLine.facts`): the form of its text (`plan`, `proration`,
`discount_percent`, …) and the values it names (dates, amounts, quantity, code, days). `describe` writes the
line's description and reason from them in a language: one catalogue per language below, English and Dutch
now; another language is one more entry in `CATALOGUES` (and its `Words`). The English catalogue writes
exactly the engine's own text (a test holds every form to it), so an English invoice reads as before.

Facts are strings: dates ISO (`2026-12-16`), amounts and numbers plain decimals without trailing zeros
(`39`), so that they are stored with the line as issued and can be written again in any language.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

from babel.dates import format_date

from saleor_subscriptions.billing.money import format_amount, is_representable

Facts = tuple[tuple[str, str], ...]

TIMES = "\u00d7"
DASH = "\u2013"
MINUS = "\u2212"
_EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def facts(form: str, **values: object) -> Facts:
    """A line's facts: its text's `form` and the values it names, as sorted (name, text) pairs."""
    pairs = {"form": form} | {name: _text(value) for name, value in values.items() if value is not None}
    return tuple(sorted(pairs.items()))


def _text(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


class LineText(NamedTuple):
    description: str
    reason: str


@dataclass(frozen=True)
class Words:
    """How one language writes the parts of a line's text."""

    day: Callable[[date], str]
    decimal_sign: str
    plan_names: Mapping[str, str]  # unit: the plan of one interval, "Monthly plan"
    plan_every: str  # a plan of several intervals, "Plan every {count} {units}"
    units: Mapping[str, str]  # unit: its plural, "months"
    names: Mapping[str, str]  # the name a discount gives the line it reduces, by that line's form


def _en_day(day: date) -> str:
    return f"{day.day} {_EN_MONTHS[day.month - 1]} {day.year}"


def _nl_day(day: date) -> str:
    text: str = format_date(day, format="long", locale="nl_NL")
    return text


WORDS: dict[str, Words] = {
    "en": Words(
        day=_en_day,
        decimal_sign=".",
        plan_names={
            "day": "Daily plan",
            "week": "Weekly plan",
            "month": "Monthly plan",
            "year": "Yearly plan",
        },
        plan_every="Plan every {count} {units}",
        units={"day": "days", "week": "weeks", "month": "months", "year": "years"},
        names={
            "setup_fee": "setup fee",
            "trial": "Free trial",
            "change": "Plan change",
            "switch": "Plan change",
        },
    ),
    "nl": Words(
        day=_nl_day,
        decimal_sign=",",
        plan_names={
            "day": "Dagabonnement",
            "week": "Weekabonnement",
            "month": "Maandabonnement",
            "year": "Jaarabonnement",
        },
        plan_every="Abonnement per {count} {units}",
        units={"day": "dagen", "week": "weken", "month": "maanden", "year": "jaar"},
        names={
            "setup_fee": "opstartkosten",
            "trial": "Gratis proefperiode",
            "change": "Planwijziging",
            "switch": "Planwijziging",
        },
    ),
}

# form: (description, reason), with {placeholders} filled from the facts as `_values` writes them.
CATALOGUES: dict[str, dict[str, tuple[str, str]]] = {
    "en": {
        "plan": ("{plan}{times}, {dates}", "{price} {x} {quantity}"),
        "proration": (
            "{plan}{times}, {dates} ({days} of {full_days} days)",
            "{price} {x} {quantity} {x} {days}/{full_days} days",
        ),
        "setup_fee": ("Setup fee{times}", "{fee} {x} {quantity}"),
        "usage": ("{metric} {x} {quantity}, {dates}", "{quantity} {x} {unit_price}"),
        "trial": ("Free trial{times}, {dates}", "{days} days free: the plan is charged from {end}"),
        "discount_percent": ("Discount {code}: {percent}% off {name}", "{percent}% of {of}"),
        "discount_amount": (
            "Discount {code}: {off} off {name}",
            "{off} of {offered} off, at most the line's {of}",
        ),
        "credit": ("Credit balance applied", "{used} of a balance of {balance}"),
        "change": (
            "Plan change, {dates} ({days} of {full_days} days)",
            "({new} {minus} {old}) {x} {days}/{full_days} days",
        ),
        "switch": (
            "Plan change, {dates} ({days} of {full_days} days)",
            "{new} {x} {days}/{full_days} days {minus} {paid_unused} unused of what was paid for "
            "{paid_dates}",
        ),
        "date_move_credit": (
            "Billing date moved: unused days, {dates}",
            "{paid_unused} unused of what was paid for {paid_dates} ({days} days)",
        ),
        "shipping": ("Shipping", "as charged by the shop for the renewal order"),
        "shipping_method": ("Shipping: {method}", "as charged by the shop for the renewal order"),
        "rounding": (
            "Rounded down to a whole unit price",
            "the checkout charges a unit price: {quantity} {x} {unit_price} = {charged} of {expected}",
        ),
    },
    "nl": {
        "plan": ("{plan}{times}, {dates}", "{price} {x} {quantity}"),
        "proration": (
            "{plan}{times}, {dates} ({days} van {full_days} dagen)",
            "{price} {x} {quantity} {x} {days}/{full_days} dagen",
        ),
        "setup_fee": ("Opstartkosten{times}", "{fee} {x} {quantity}"),
        "usage": ("{metric} {x} {quantity}, {dates}", "{quantity} {x} {unit_price}"),
        "trial": (
            "Gratis proefperiode{times}, {dates}",
            "{days} dagen gratis: het abonnement wordt berekend vanaf {end}",
        ),
        "discount_percent": ("Korting {code}: {percent}% op {name}", "{percent}% van {of}"),
        "discount_amount": (
            "Korting {code}: {off} op {name}",
            "{off} van {offered} korting, hoogstens de {of} van de regel",
        ),
        "credit": ("Tegoed verrekend", "{used} van een tegoed van {balance}"),
        "change": (
            "Planwijziging, {dates} ({days} van {full_days} dagen)",
            "({new} {minus} {old}) {x} {days}/{full_days} dagen",
        ),
        "switch": (
            "Planwijziging, {dates} ({days} van {full_days} dagen)",
            "{new} {x} {days}/{full_days} dagen {minus} {paid_unused} ongebruikt van wat betaald is voor "
            "{paid_dates}",
        ),
        "date_move_credit": (
            "Factuurdatum verplaatst: ongebruikte dagen, {dates}",
            "{paid_unused} ongebruikt van wat betaald is voor {paid_dates} ({days} dagen)",
        ),
        "shipping": ("Verzending", "zoals de winkel berekende voor de verlengingsorder"),
        "shipping_method": ("Verzending: {method}", "zoals de winkel berekende voor de verlengingsorder"),
        "rounding": (
            "Afgerond naar een hele prijs per stuk",
            "de checkout rekent een prijs per stuk: {quantity} {x} {unit_price} = {charged} van {expected}",
        ),
    },
}

_AMOUNTS = (
    "price",
    "fee",
    "of",
    "off",
    "offered",
    "used",
    "new",
    "old",
    "paid_unused",
    "charged",
    "expected",
)
_FINE_AMOUNTS = ("unit_price", "balance")  # every digit of a finer unit price, else the minor units
_NUMBERS = ("quantity", "percent")


def language_of_code(code: str) -> str:
    """The catalogue for a language code ("nl", "nl-BE", "en_GB"); English for one without a catalogue."""
    short = code.split("-", maxsplit=1)[0].split("_", maxsplit=1)[0].lower()
    return short if short in CATALOGUES else "en"


def describe(line_facts: Facts | Mapping[str, str], language: str) -> LineText | None:
    """The line's description and reason in `language` (a catalogue's code), or None for a line without
    facts (one stored before lines kept them)."""
    known = dict(line_facts)
    form = known.get("form")
    if form is None:
        return None
    catalogue = CATALOGUES[language_of_code(language)]
    description, reason = catalogue[form]
    values = _values(known, WORDS[language_of_code(language)])
    return LineText(description.format(**values), reason.format(**values))


@lru_cache(maxsize=4096)
def describe_once(line_facts: Facts, language: str) -> LineText | None:
    """`describe`, remembered: the lines of a renewal batch repeat the same facts (one plan, one period
    shape, one price) in one language, so each is worded once (the text depends on nothing else)."""
    return describe(line_facts, language)


def _values(known: Mapping[str, str], words: Words) -> dict[str, str]:
    currency = known.get("currency", "EUR")

    def number(text: str) -> str:
        return format(Decimal(text).normalize(), "f").replace(".", words.decimal_sign)

    def amount(text: str, *, fine: bool = False) -> str:
        value = Decimal(text)
        plain = format(value.normalize(), "f") if fine and not is_representable(value, currency) else None
        return (plain or format_amount(value, currency)).replace(".", words.decimal_sign)

    def dates(start: str, end: str) -> str:
        return f"{words.day(date.fromisoformat(start))} {DASH} {words.day(date.fromisoformat(end))}"

    values = dict(known) | {"x": TIMES, "minus": MINUS}
    for name in _AMOUNTS:
        if name in known:
            values[name] = amount(known[name])
    for name in _FINE_AMOUNTS:
        if name in known:
            values[name] = amount(known[name], fine=True)
    for name in _NUMBERS:
        if name in known:
            values[name] = number(known[name])
    quantity = known.get("quantity", "1")
    values["times"] = "" if Decimal(quantity) == 1 else f" {TIMES} {number(quantity)}"
    if "start" in known and "end" in known:
        values["dates"] = dates(known["start"], known["end"])
        values["end"] = words.day(date.fromisoformat(known["end"]))
    if "paid_start" in known and "paid_end" in known:
        values["paid_dates"] = dates(known["paid_start"], known["paid_end"])
    if "unit" in known:
        values["plan"] = _plan(words, known["unit"], int(known.get("count", "1")))
    if "metric" in known:
        values["metric"] = known["metric"][:1].upper() + known["metric"][1:]
    if "of_form" in known:
        values["name"] = _name_of_reduced(known, words)
    return values


def _plan(words: Words, unit: str, count: int) -> str:
    if count == 1:
        return words.plan_names[unit]
    return words.plan_every.format(count=count, units=words.units[unit])


def _name_of_reduced(known: Mapping[str, str], words: Words) -> str:
    """The reduced line's name: its description up to the first comma ("Monthly plan x 2", "setup fee")."""
    form = known["of_form"]
    if form in words.names:
        name = words.names[form]
        if form == "trial":
            quantity = known.get("of_quantity", "1")
            name += "" if Decimal(quantity) == 1 else f" {TIMES} {quantity}"
        return name
    quantity = known.get("of_quantity", "1")
    times = "" if Decimal(quantity) == 1 else f" {TIMES} {quantity}"
    return f"{_plan(words, known['of_unit'], int(known.get('of_count', '1')))}{times}"
