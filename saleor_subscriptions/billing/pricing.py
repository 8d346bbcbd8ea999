"""The lines of an invoice for a period or a trial and how each figure came about (BILLING_RULES §3, §4, §9);
a change in the middle of a period is priced by `billing.change_lines`.

An invoice for one period holds, in this order: the plan price x quantity (a PLAN line for a full period, a
PRORATION line for a partial one), the setup fee x quantity on the first invoice, usage charges of the closed
period, one discount line per discounted line, then a credit line. Every line is rounded half up to the
currency's chargeable step on its own (its minor unit, or Stripe's coarser step: 0.010 KWD, 1 TWD; §3) and
the total is the sum of the rounded lines, so every total can be charged. `description` is what a customer
reads; `reason` is the formula a shop owner checks; decisions go by `kind` and `target` only.

Decisions:
- A discount on the price covers the lines whose target is the recurring price (PLAN and PRORATION), never
  usage; the setup fee only when it applies to the setup fee or both. Each discount line carries the target
  of the line it reduces.
- A fixed amount off is taken once per invoice (not per unit of quantity), spread over the discounted lines in
  invoice order (price first, then setup fee), and never takes a line below zero. A percentage is taken from
  each discounted line and rounded per line.
- A fixed amount off is not prorated on a partial period: it is capped at the line like any other.
- The credit line uses at most the balance (cut down to whole chargeable steps, never rounded up) and at most
  the invoice's total, so a total is never negative.
- Dates in descriptions show the period as it is stored, the end exclusive: "1 Dec 2026 - 1 Jan 2027"
  (with an en dash).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from saleor_subscriptions.billing.calendar import Period
from saleor_subscriptions.billing.lines import LineKind, LineTarget, PricedLine, total
from saleor_subscriptions.billing.money import format_amount, round_fraction, round_money, round_money_down
from saleor_subscriptions.billing.plans import PlanTerms
from saleor_subscriptions.billing.proration import prorate
from saleor_subscriptions.billing.wording import (
    TIMES,
    plan_label,
    show_amount,
    show_date,
    show_dates,
    show_number,
    times,
)
from saleor_subscriptions.billing.wording_lines import facts

# The line types live in `billing.lines`; they are named here too, where the engine's callers look for them.
__all__ = [
    "Discount",
    "DiscountTarget",
    "LineKind",
    "LineTarget",
    "PricedLine",
    "UsageCharge",
    "credit_line",
    "discount_lines",
    "plan_line",
    "price_period",
    "price_trial",
    "setup_fee_line",
    "total",
    "usage_line",
]


class DiscountTarget(StrEnum):
    """What a discount code reduces (§9)."""

    PRICE = "price"
    SETUP_FEE = "setup_fee"
    BOTH = "both"


_COVERED = {
    DiscountTarget.PRICE: frozenset({LineTarget.RECURRING}),
    DiscountTarget.SETUP_FEE: frozenset({LineTarget.SETUP_FEE}),
    DiscountTarget.BOTH: frozenset({LineTarget.RECURRING, LineTarget.SETUP_FEE}),
}


@dataclass(frozen=True)
class Discount:
    """A discount code's effect (§9): `percent` off or `amount_off`, exactly one, on the recurring price, the
    setup fee or both."""

    code: str
    percent: Decimal | None = None
    amount_off: Decimal | None = None
    applies_to: DiscountTarget = DiscountTarget.PRICE

    def __post_init__(self) -> None:
        object.__setattr__(self, "applies_to", DiscountTarget(self.applies_to))
        if not self.code.strip():
            raise ValueError("a discount has a code")
        if (self.percent is None) == (self.amount_off is None):
            raise ValueError(f"discount {self.code}: give a percentage or a fixed amount off, exactly one")
        if self.percent is not None and not (self.percent.is_finite() and 0 < self.percent <= 100):
            raise ValueError(
                f"discount {self.code}: a percentage is above 0 and at most 100, not {self.percent}"
            )
        if self.amount_off is not None and not (self.amount_off.is_finite() and self.amount_off > 0):
            raise ValueError(f"discount {self.code}: a fixed amount off is above 0, not {self.amount_off}")

    def covers(self, line: PricedLine) -> bool:
        """Whether this discount reduces `line`, by what the line is for (§9): never usage, a discount or a
        credit."""
        return line.kind is not LineKind.DISCOUNT and line.target in _COVERED[self.applies_to]


@dataclass(frozen=True)
class UsageCharge:
    """Metered use of one closed period, billed in arrears on the next invoice (§1): quantity x unit price."""

    metric: str
    quantity: Decimal
    unit_price: Decimal
    period_start: date
    period_end: date

    def __post_init__(self) -> None:
        if not (self.quantity.is_finite() and self.quantity >= 0):
            raise ValueError(f"usage of {self.metric!r}: a quantity is at least 0, not {self.quantity}")
        if not (self.unit_price.is_finite() and self.unit_price >= 0):
            raise ValueError(f"usage of {self.metric!r}: a price is at least 0, not {self.unit_price}")


def _check_quantity(quantity: int) -> None:
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        raise ValueError(f"a quantity is a whole number of at least 1, not {quantity!r}")


def plan_line(terms: PlanTerms, period: Period, quantity: int) -> PricedLine:
    """The plan price x quantity for `period` (§4), prorated by calendar days when it is partial (§2)."""
    currency, price = terms.currency, terms.price
    label = f"{plan_label(terms.interval)}{times(quantity)}, {show_dates(period.start, period.end)}"
    formula = f"{format_amount(price, currency)} {TIMES} {quantity}"
    said = {
        "currency": currency,
        "unit": terms.interval.unit.value,
        "count": terms.interval.count,
        "quantity": quantity,
        "price": price,
        "start": period.start,
        "end": period.end,
    }
    if period.is_partial:
        return PricedLine(
            kind=LineKind.PRORATION,
            description=f"{label} ({period.days} of {period.full_days} days)",
            amount=prorate(price * quantity, period.days, period.full_days, currency),
            quantity=quantity,
            unit_amount=price,
            period_start=period.start,
            period_end=period.end,
            reason=f"{formula} {TIMES} {period.days}/{period.full_days} days",
            facts=facts("proration", days=period.days, full_days=period.full_days, **said),
        )
    return PricedLine(
        kind=LineKind.PLAN,
        description=label,
        amount=round_money(price * quantity, currency),
        quantity=quantity,
        unit_amount=price,
        period_start=period.start,
        period_end=period.end,
        reason=formula,
        facts=facts("plan", **said),
    )


def setup_fee_line(terms: PlanTerms, quantity: int, start: date, end: date) -> PricedLine:
    """The one-off setup fee x quantity of the first invoice (§1)."""
    fee = terms.setup_fee
    return PricedLine(
        kind=LineKind.SETUP_FEE,
        description=f"Setup fee{times(quantity)}",
        amount=round_money(fee * quantity, terms.currency),
        quantity=quantity,
        unit_amount=fee,
        period_start=start,
        period_end=end,
        reason=f"{format_amount(fee, terms.currency)} {TIMES} {quantity}",
        facts=facts("setup_fee", currency=terms.currency, quantity=quantity, fee=fee),
    )


def usage_line(charge: UsageCharge, currency: str) -> PricedLine:
    """A usage charge of a closed period (§1, §4): quantity x unit price, rounded once."""
    metric = charge.metric[:1].upper() + charge.metric[1:]
    quantity = show_number(charge.quantity)
    return PricedLine(
        kind=LineKind.USAGE,
        description=f"{metric} {TIMES} {quantity}, {show_dates(charge.period_start, charge.period_end)}",
        amount=round_money(charge.quantity * charge.unit_price, currency),
        quantity=charge.quantity,
        unit_amount=charge.unit_price,
        period_start=charge.period_start,
        period_end=charge.period_end,
        reason=f"{quantity} {TIMES} {show_amount(charge.unit_price, currency)}",
        facts=facts(
            "usage",
            currency=currency,
            metric=charge.metric,
            quantity=charge.quantity,
            unit_price=charge.unit_price,
            start=charge.period_start,
            end=charge.period_end,
        ),
    )


def _reduced(line: PricedLine) -> dict[str, object]:
    """The facts a discount line keeps of the line it reduces, to name it in any language."""
    known = dict(line.facts)
    reduced: dict[str, object] = {"of_form": known.get("form", line.kind.value)}
    for name in ("unit", "count", "quantity"):
        if name in known:
            reduced[f"of_{name}"] = known[name]
    return reduced


def _discount_name(line: PricedLine) -> str:
    """The reduced line's name, for the discount line's description (text for people only)."""
    return "setup fee" if line.target is LineTarget.SETUP_FEE else line.description.split(",", 1)[0]


def discount_lines(discount: Discount, lines: Sequence[PricedLine], currency: str) -> list[PricedLine]:
    """One negative line per line the discount covers (§9): a percentage of each, rounded per line, or a fixed
    amount taken once and spread in order, never taking a line below zero."""
    result: list[PricedLine] = []
    offered = round_money(discount.amount_off, currency) if discount.amount_off is not None else Decimal(0)
    left = offered
    for line in lines:
        if not discount.covers(line) or line.amount <= 0:
            continue
        name = _discount_name(line)
        known = _reduced(line) | {"currency": currency, "code": discount.code, "of": line.amount}
        if discount.percent is not None:
            percent = show_number(discount.percent)
            off = round_fraction(Fraction(line.amount) * Fraction(discount.percent) / 100, currency)
            text = f"{percent}% off {name}"
            reason = f"{percent}% of {format_amount(line.amount, currency)}"
            said = facts("discount_percent", percent=discount.percent, **known)
        else:
            off = min(left, line.amount)
            left -= off
            text = f"{format_amount(off, currency)} off {name}"
            reason = (
                f"{format_amount(off, currency)} of {format_amount(offered, currency)} off, at most the "
                f"line's {format_amount(line.amount, currency)}"
            )
            said = facts("discount_amount", off=off, offered=offered, **known)
        if off <= 0:
            continue
        result.append(
            PricedLine(
                kind=LineKind.DISCOUNT,
                description=f"Discount {discount.code}: {text}",
                amount=-off,
                quantity=1,
                unit_amount=-off,
                period_start=line.period_start,
                period_end=line.period_end,
                reason=reason,
                target=line.target,
                facts=said,
            )
        )
    return result


def credit_line(balance: Decimal, lines: Sequence[PricedLine], currency: str) -> PricedLine | None:
    """The credit balance applied to an invoice (§8): at most the balance and at most the total; None when
    nothing is applied."""
    if not balance.is_finite() or balance < 0:
        raise ValueError(f"a credit balance is at least 0, not {balance}")
    used = min(round_money_down(balance, currency), total(lines))
    if used <= 0:
        return None
    return PricedLine(
        kind=LineKind.CREDIT,
        description="Credit balance applied",
        amount=-used,
        quantity=1,
        unit_amount=-used,
        period_start=None,
        period_end=None,
        reason=f"{format_amount(used, currency)} of a balance of {show_amount(balance, currency)}",
        facts=facts("credit", currency=currency, used=used, balance=balance),
    )


def _finish(
    lines: list[PricedLine], discount: Discount | None, credit_available: Decimal, currency: str
) -> list[PricedLine]:
    if discount is not None:
        lines += discount_lines(discount, lines, currency)
    credit = credit_line(credit_available, lines, currency)
    if credit is not None:
        lines.append(credit)
    return lines


def price_period(
    terms: PlanTerms,
    period: Period,
    *,
    quantity: int,
    include_setup_fee: bool = False,
    discount: Discount | None = None,
    usage: Sequence[UsageCharge] = (),
    credit_available: Decimal = Decimal(0),
) -> list[PricedLine]:
    """The lines of the invoice for `period` (§4): plan x quantity (prorated when partial), the setup fee when
    asked, usage, discounts, then the credit balance, each line rounded (§3)."""
    _check_quantity(quantity)
    lines = [plan_line(terms, period, quantity)]
    if include_setup_fee and terms.setup_fee > 0:
        lines.append(setup_fee_line(terms, quantity, period.start, period.end))
    lines += [usage_line(charge, terms.currency) for charge in usage]
    return _finish(lines, discount, credit_available, terms.currency)


def price_trial(
    terms: PlanTerms,
    trial_start: date,
    trial_end: date,
    *,
    quantity: int,
    discount: Discount | None = None,
    credit_available: Decimal = Decimal(0),
) -> list[PricedLine]:
    """The invoice that starts a trial (§1): a 0.00 trial line naming its dates, and the setup fee x quantity
    if the plan has one, discounted when the discount covers the setup fee."""
    _check_quantity(quantity)
    if trial_end <= trial_start:
        raise ValueError(f"a trial ends after it starts, not {trial_start} to {trial_end}")
    days = (trial_end - trial_start).days
    zero = round_money(Decimal(0), terms.currency)
    lines = [
        PricedLine(
            kind=LineKind.TRIAL,
            description=f"Free trial{times(quantity)}, {show_dates(trial_start, trial_end)}",
            amount=zero,
            quantity=quantity,
            unit_amount=zero,
            period_start=trial_start,
            period_end=trial_end,
            reason=f"{days} days free: the plan is charged from {show_date(trial_end)}",
            facts=facts(
                "trial",
                currency=terms.currency,
                quantity=quantity,
                days=days,
                start=trial_start,
                end=trial_end,
            ),
        )
    ]
    if terms.setup_fee > 0:
        lines.append(setup_fee_line(terms, quantity, trial_start, trial_end))
    return _finish(lines, discount, credit_available, terms.currency)
