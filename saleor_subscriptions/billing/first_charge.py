"""What a customer pays at checkout for a new subscription (BILLING_RULES §1, §2, §3, §9).

The Saleor checkout charges the subscription's first invoice: the setup fee x quantity plus the first period
x quantity, prorated when the plan's anchor makes the first period partial (§2); while a free trial runs,
only the setup fee (§1). A discount code reduces what it covers (§9). The lines are the engine's own
(`price_period`, `price_trial`), so the checkout shows exactly what the first invoice would.

Decisions:
- The purchase day is the local date on which the line is priced; a checkout completed on a later day keeps
  the price of the day its line was last added or changed.
- The credit balance is not used at checkout: a customer's balance belongs to subscriptions already running.
- A Saleor checkout line holds one unit price and Saleor charges unit price x quantity. When the invoice's
  total does not split into whole chargeable steps per unit (a fixed amount off is taken once per invoice, a
  percentage or a proration is rounded on the whole line), the unit price is rounded down to the chargeable
  step (§3: 0.01 EUR, 0.010 KWD, 1 TWD): the customer never pays more than the invoice's total, and at most
  quantity - 1 steps less; unit price x quantity is always an amount Stripe can charge.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from saleor_subscriptions.billing.calendar import BillingCalendar, Period
from saleor_subscriptions.billing.money import charge_step, minor_unit
from saleor_subscriptions.billing.plans import PlanTerms
from saleor_subscriptions.billing.pricing import Discount, PricedLine, price_period, price_trial, total


@dataclass(frozen=True)
class FirstCharge:
    """The first invoice of a sign-up and the unit price a checkout line carries for it."""

    lines: tuple[PricedLine, ...]
    total: Decimal
    quantity: int
    unit_price: Decimal
    currency: str
    period: Period | None
    """The first billing period; None while a trial runs."""
    trial_end: date | None
    """The local date billing starts after a trial; None without one."""

    @property
    def charged(self) -> Decimal:
        """What Saleor charges for the line: unit price x quantity (at most `total`)."""
        return self.unit_price * self.quantity


def unit_price_for(amount: Decimal, quantity: int, currency: str) -> Decimal:
    """`amount` / `quantity` cut down to whole chargeable steps of `currency` (§3), so that unit x quantity
    never exceeds `amount`, falls short of it by at most quantity - 1 steps, and can be charged."""
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        raise ValueError(f"a quantity is a whole number of at least 1, not {quantity!r}")
    if not amount.is_finite() or amount < 0:
        raise ValueError(f"an amount to split is at least 0, not {amount}")
    step = charge_step(currency)
    units = Fraction(amount) / Fraction(step) / quantity
    whole = units.numerator // units.denominator
    return (step * whole).quantize(minor_unit(currency))


def first_charge(
    terms: PlanTerms, purchase_day: date, *, quantity: int, discount: Discount | None = None
) -> FirstCharge:
    """The first invoice of a subscription bought on local date `purchase_day` (§1, §2, §9): with a trial, a
    free trial line and the setup fee x quantity; without one, the first period of the plan's calendar
    (prorated when partial) and the setup fee, each x quantity; the discount on what it covers."""
    if terms.has_trial:
        trial_end = terms.trial.end(purchase_day, terms.interval)
        lines = price_trial(terms, purchase_day, trial_end, quantity=quantity, discount=discount)
        period = None
    else:
        trial_end = None
        period = BillingCalendar(terms.interval, terms.anchor, purchase_day).period(0)
        lines = price_period(terms, period, quantity=quantity, include_setup_fee=True, discount=discount)
    amount = total(lines)
    return FirstCharge(
        lines=tuple(lines),
        total=amount,
        quantity=quantity,
        unit_price=unit_price_for(amount, quantity, terms.currency),
        currency=terms.currency,
        period=period,
        trial_end=trial_end,
    )
