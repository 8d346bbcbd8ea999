"""A plan's billing terms as the engine sees them (BILLING_RULES §1, §3).

Decisions:
- `price` and `setup_fee` must be whole minor units of the currency (39.00 EUR, not 39.001), because they are
  what a shop owner types and what a customer sees. A usage price may be finer (0.0015 per API call is a
  common metered price): each usage line is rounded once it is multiplied out.
- A float amount is refused: it cannot hold money exactly. Integers are accepted and become Decimal.
- A trial is either N days or N intervals, never both.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType

from saleor_subscriptions.billing.calendar import BillingAnchor, BillingCalendar, check_anchor_fits
from saleor_subscriptions.billing.errors import CodedError
from saleor_subscriptions.billing.intervals import Interval
from saleor_subscriptions.billing.money import is_representable, minor_units


class PlanTermsCode(StrEnum):
    INVALID = "invalid"


class PlanTermsError(CodedError, ValueError):
    """A plan's terms break a rule: names the field and the reason (the message is "field: reason")."""

    field: str

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(PlanTermsCode.INVALID, f"{field}: {reason}", field)
        self.reason = reason


@dataclass(frozen=True)
class Trial:
    """A free trial of `days` days or of `intervals` billing intervals (§1); at most one of them is set."""

    days: int = 0
    intervals: int = 0

    def __post_init__(self) -> None:
        for name in ("days", "intervals"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"trial {name} is a whole number of at least 0, not {value!r}")
        if self.days and self.intervals:
            raise ValueError("a trial is a number of days or of intervals, not both")

    @property
    def offered(self) -> bool:
        """Whether the plan has a trial at all (§1)."""
        return bool(self.days or self.intervals)

    def calendar(self, start: date, interval: Interval, anchor: BillingAnchor) -> BillingCalendar:
        """The billing calendar of a subscription bought on `start` (§2): it starts when the trial ends; after
        a trial of N intervals it keeps counting from the purchase date (`BillingCalendar.origin`), so a
        clamped trial end does not move the later renewals."""
        end = self.end(start, interval)
        if self.intervals:
            return BillingCalendar(interval, anchor, end, origin=start, origin_offset=self.intervals)
        return BillingCalendar(interval, anchor, end)

    def end(self, start: date, interval: Interval) -> date:
        """The local date the trial ends and billing starts (§1): `start` + days, or + N intervals counted
        with the plan's month clamping; `start` itself when there is no trial."""
        if self.intervals:
            return interval.after(start, self.intervals)
        return start + timedelta(days=self.days)


def _as_money(field_name: str, value: object) -> Decimal:
    if isinstance(value, bool | float):
        raise PlanTermsError(field_name, f"an amount is a Decimal, not {type(value).__name__} {value!r}")
    if isinstance(value, int):
        return Decimal(value)
    if not isinstance(value, Decimal):
        raise PlanTermsError(field_name, f"an amount is a Decimal, not {value!r}")
    if not value.is_finite():
        raise PlanTermsError(field_name, f"an amount is a finite number, not {value}")
    return value


@dataclass(frozen=True)
class PlanTerms:
    """What a plan charges and when (§1).

    `billing_cycles` N is a fixed term: the subscription expires after N paid full periods. A prorated partial
    first period does not count toward N, so a customer always gets N full periods.
    """

    interval: Interval
    price: Decimal
    currency: str
    setup_fee: Decimal = Decimal(0)
    trial: Trial = field(default_factory=Trial)
    billing_cycles: int | None = None
    anchor: BillingAnchor = field(default_factory=BillingAnchor)
    usage_prices: Mapping[str, Decimal] = field(default_factory=lambda: MappingProxyType({}))

    def __post_init__(self) -> None:
        if not isinstance(self.interval, Interval):
            raise PlanTermsError("interval", f"an Interval, not {self.interval!r}")
        try:
            minor_units(self.currency)
        except ValueError as exc:
            raise PlanTermsError("currency", str(exc)) from None
        for name in ("price", "setup_fee"):
            amount = _as_money(name, getattr(self, name))
            if amount < 0:
                raise PlanTermsError(name, f"must not be negative, got {amount}")
            if not is_representable(amount, self.currency):
                raise PlanTermsError(
                    name,
                    f"{self.currency} has {minor_units(self.currency)} decimals, {amount} has more",
                )
            object.__setattr__(self, name, amount)
        if not isinstance(self.trial, Trial):
            raise PlanTermsError("trial", f"a Trial, not {self.trial!r}")
        cycles = self.billing_cycles
        if cycles is not None and (isinstance(cycles, bool) or not isinstance(cycles, int) or cycles < 1):
            raise PlanTermsError("billing_cycles", f"a fixed term is at least 1 period, not {cycles!r}")
        if not isinstance(self.anchor, BillingAnchor):
            raise PlanTermsError("anchor", f"a BillingAnchor, not {self.anchor!r}")
        try:
            check_anchor_fits(self.interval, self.anchor)
        except ValueError as exc:
            raise PlanTermsError("anchor", str(exc)) from None
        prices: dict[str, Decimal] = {}
        for metric, unit_price in self.usage_prices.items():
            if not isinstance(metric, str) or not metric.strip():
                raise PlanTermsError("usage_prices", f"a metric is named, not {metric!r}")
            amount = _as_money("usage_prices", unit_price)
            if amount < 0:
                raise PlanTermsError(
                    "usage_prices", f"the price of {metric!r} must not be negative, got {amount}"
                )
            prices[metric] = amount
        object.__setattr__(self, "usage_prices", MappingProxyType(prices))

    @property
    def has_trial(self) -> bool:
        """Whether a subscription starts with a free trial (§1)."""
        return self.trial.offered

    @property
    def is_fixed_term(self) -> bool:
        """Whether the subscription expires after `billing_cycles` full periods (§1)."""
        return self.billing_cycles is not None

    def __hash__(self) -> int:
        # The generated hash would hash the usage-price mapping, which has none.
        return hash((self.interval, self.price, self.currency, self.setup_fee, self.anchor))
