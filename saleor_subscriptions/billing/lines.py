"""An invoice line as the engine makes it: its kind, what it is for, its amount (BILLING_RULES §3, §4, §9).

`kind` says why a line is there and `target` what it is for: the recurring price, the setup fee or usage.
Every decision on a line (which lines a discount reduces, which discounts reduced the plan rather than the
setup fee) is taken on these two fields; `description` and `reason` are text for people only, the engine's
English, and `facts` what that text says, typed, for writing it in the customer's language.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum


class LineKind(StrEnum):
    """Why an invoice line is there (§4)."""

    PLAN = "plan"
    SETUP_FEE = "setup_fee"
    PRORATION = "proration"
    TRIAL = "trial"
    DISCOUNT = "discount"
    USAGE = "usage"
    CREDIT = "credit"
    SHIPPING = "shipping"  # what Saleor charged to ship a renewal order (added once the order exists)


class LineTarget(StrEnum):
    """What a line's money is for (§4, §9): a discount line has the target of the line it reduces."""

    RECURRING = "recurring"  # the plan's price: a full period, a proration, a trial, a change of terms
    SETUP_FEE = "setup_fee"
    USAGE = "usage"


TARGET_OF_KIND = {
    LineKind.PLAN: LineTarget.RECURRING,
    LineKind.PRORATION: LineTarget.RECURRING,
    LineKind.TRIAL: LineTarget.RECURRING,
    LineKind.SETUP_FEE: LineTarget.SETUP_FEE,
    LineKind.USAGE: LineTarget.USAGE,
}
"""The target of every kind but discounts (which take their line's) and credits and shipping (none)."""


@dataclass(frozen=True)
class PricedLine:
    """One invoice line (§4): `amount` rounded to the chargeable step (§3), negative for discounts and
    credits; `target` what it is for (None for credit and shipping, which are for the whole invoice)."""

    kind: LineKind
    description: str
    amount: Decimal
    quantity: Decimal | int
    unit_amount: Decimal
    period_start: date | None
    period_end: date | None
    reason: str
    target: LineTarget | None = None
    facts: tuple[tuple[str, str], ...] = ()
    """The typed facts its text is written from in any language (`billing.wording_lines.facts`)."""

    def __post_init__(self) -> None:
        if self.target is None and self.kind in TARGET_OF_KIND:
            object.__setattr__(self, "target", TARGET_OF_KIND[self.kind])
        if self.kind is LineKind.DISCOUNT and self.target is None:
            raise ValueError("a discount line names the target it reduces")


def total(lines: Iterable[PricedLine]) -> Decimal:
    """An invoice's total: the sum of its rounded lines (§3)."""
    return sum((line.amount for line in lines), Decimal(0))
