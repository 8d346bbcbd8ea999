"""The charges a plan makes, in order: what a customer will pay and when (BILLING_RULES §1, §2, §4).

Charges are paid in advance, so each is due on the first day of its period. Without a trial the first charge
is the setup fee (if any) and the first period, prorated when it is partial. With a trial the first charge is
the trial itself (0.00, plus the setup fee if any), due the day it starts; billing then starts at the trial's
end with the anchor rules applied from there; after a trial of N intervals a purchase-date calendar keeps
counting from the purchase date (Jan 31 + a one-month trial: Feb 28, Mar 31, Apr 30; see `Trial.calendar`).
A fixed term of N cycles ends the list after N full periods
(plus the partial first period, which does not count toward N).

`Schedule.to_json_dict` is the output contract of `saleor-subscriptions schedule`: dates are local ISO dates,
`period_end` is exclusive, and amounts are strings with exactly the currency's minor units.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from saleor_subscriptions.billing.clock import local_date
from saleor_subscriptions.billing.money import format_amount
from saleor_subscriptions.billing.plans import PlanTerms
from saleor_subscriptions.billing.pricing import PricedLine, price_period, price_trial, total

JsonDict = dict[str, object]


@dataclass(frozen=True)
class Charge:
    """One charge of a schedule: due on `due_date` (local) for [period_start, period_end), end exclusive."""

    due_date: date
    period_start: date
    period_end: date
    amount: Decimal
    lines: tuple[PricedLine, ...]


@dataclass(frozen=True)
class Schedule:
    """The first charges of a subscription to a plan, in the plan's currency."""

    currency: str
    charges: list[Charge] = field(default_factory=list)

    def to_json_dict(self) -> JsonDict:
        """The `schedule` command's JSON object: the currency, and per charge its dates, amount and lines."""
        return {
            "currency": self.currency,
            "charges": [
                {
                    "due_date": charge.due_date.isoformat(),
                    "period_start": charge.period_start.isoformat(),
                    "period_end": charge.period_end.isoformat(),
                    "amount": format_amount(charge.amount, self.currency),
                    "lines": [
                        {
                            "kind": line.kind.value,
                            "description": line.description,
                            "amount": format_amount(line.amount, self.currency),
                        }
                        for line in charge.lines
                    ],
                }
                for charge in self.charges
            ],
        }


def _charge(due_date: date, start: date, end: date, lines: list[PricedLine]) -> Charge:
    return Charge(due_date, start, end, total(lines), tuple(lines))


def build_schedule(
    terms: PlanTerms, start: datetime, tz: ZoneInfo, *, quantity: int = 1, periods: int = 12
) -> Schedule:
    """The first `periods` charges of a subscription to `terms` bought at instant `start` (§1, §2, §4): paid
    in advance, a trial first when the plan has one, ending early at the end of a fixed term."""
    if isinstance(periods, bool) or not isinstance(periods, int) or periods < 1:
        raise ValueError(f"a schedule lists at least 1 charge, not {periods!r}")
    bought_on = local_date(start, tz)
    charges: list[Charge] = []
    calendar = terms.trial.calendar(bought_on, terms.interval, terms.anchor)
    if terms.has_trial:
        lines = price_trial(terms, bought_on, calendar.start, quantity=quantity)
        charges.append(_charge(bought_on, bought_on, calendar.start, lines))
    full_periods = 0
    k = 0
    while len(charges) < periods:
        if terms.billing_cycles is not None and full_periods >= terms.billing_cycles:
            break
        period = calendar.period(k)
        lines = price_period(
            terms, period, quantity=quantity, include_setup_fee=(k == 0 and not terms.has_trial)
        )
        charges.append(_charge(period.start, period.start, period.end, lines))
        if not period.is_partial:
            full_periods += 1
        k += 1
    return Schedule(terms.currency, charges)
