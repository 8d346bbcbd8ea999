"""`saleor-subscriptions schedule`: print the charges a plan would make, as one JSON object.

Other tools read this output, so its shape is a contract (see `billing.schedule.Schedule.to_json_dict`).
Every flag is checked here and a bad one is a `UsageError` naming it: exit 2, one line on stderr, nothing on
stdout. No database is needed: this is the billing engine alone.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from saleor_subscriptions.billing.calendar import AnchorMode, BillingAnchor, ShortMonthRule
from saleor_subscriptions.billing.intervals import Interval, IntervalUnit
from saleor_subscriptions.billing.money import (
    describe_step,
    is_chargeable,
    is_representable,
    minor_units,
    parse_amount,
)
from saleor_subscriptions.billing.plans import PlanTerms, PlanTermsError, Trial
from saleor_subscriptions.billing.schedule import build_schedule
from saleor_subscriptions.cli.errors import UsageError

MAX_PERIODS = 1000
# The plan columns hold 18 digits with 6 decimals; beyond these a schedule means nothing to anyone.
MAX_AMOUNT = Decimal(10) ** 12
MAX_QUANTITY = 1_000_000
_WHOLE_NUMBER = re.compile(r"[+-]?\d+")
_FLAG_OF_FIELD = {
    "interval": "--interval",
    "price": "--price",
    "currency": "--currency",
    "setup_fee": "--setup-fee",
    "trial": "--trial-days",
    "billing_cycles": "--cycles",
    "anchor": "--anchor",
    "usage_prices": "--price",
}


def add_parser(subparsers: Any) -> None:
    """Register `schedule` and its flags (all read as text and checked in `run`)."""
    parser = subparsers.add_parser(
        "schedule",
        help="print the charges a plan makes, as JSON",
        description=(
            "Print the first charges of a subscription to a plan as one JSON object: due dates, periods "
            "(end exclusive) and amounts with their lines, in the plan's currency. No database is used."
        ),
    )
    units = ", ".join(unit.value for unit in IntervalUnit)
    parser.add_argument("--interval", required=True, metavar="UNIT", help=f"one of {units}")
    parser.add_argument("--interval-count", default="1", metavar="N", help="intervals per period (default 1)")
    parser.add_argument("--price", required=True, metavar="DEC", help="price per unit per period, e.g. 39.00")
    parser.add_argument("--currency", required=True, metavar="CODE", help="ISO 4217 code, e.g. EUR")
    parser.add_argument(
        "--start",
        required=True,
        metavar="ISO_DATETIME",
        help="the purchase instant; without an offset it is local time in --timezone",
    )
    parser.add_argument(
        "--timezone", default="UTC", metavar="TZ", help="IANA time zone of the dates (default UTC)"
    )
    parser.add_argument(
        "--anchor",
        default="purchase",
        metavar="purchase|DAY",
        help="renew on the purchase date (default) or on day 1..28 of the month (monthly and yearly plans)",
    )
    parser.add_argument(
        "--short-month-rule",
        default=ShortMonthRule.CLAMP.value,
        metavar="RULE",
        help="clamp (default) or first_of_next_month: a purchase on the 29th-31st renews on the 1st",
    )
    parser.add_argument("--setup-fee", default="0", metavar="DEC", help="charged once, times quantity")
    parser.add_argument("--trial-days", default="0", metavar="N", help="free days before billing starts")
    parser.add_argument(
        "--trial-intervals",
        default="0",
        metavar="N",
        help="free intervals before billing starts (not with --trial-days)",
    )
    parser.add_argument("--quantity", default="1", metavar="N", help="units, e.g. seats (default 1)")
    parser.add_argument("--cycles", default=None, metavar="N", help="a fixed term of N full periods")
    parser.add_argument(
        "--periods",
        default="12",
        metavar="N",
        help=f"how many charges to list (default 12, at most {MAX_PERIODS})",
    )
    parser.set_defaults(run=run)


def whole_number(flag: str, text: str, *, minimum: int, maximum: int | None = None) -> int:
    """A flag's whole-number value within bounds, or a UsageError naming the flag."""
    if not _WHOLE_NUMBER.fullmatch(text.strip()):
        raise UsageError(flag, f"must be a whole number, got {text!r}")
    value = int(text)
    if value < minimum:
        raise UsageError(flag, f"must be at least {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise UsageError(flag, f"must be at most {maximum}, got {value}")
    return value


def amount(flag: str, text: str, currency: str) -> Decimal:
    """A flag's amount in `currency`: plain decimal text, not negative, no finer than the minor unit, and in
    the currency's chargeable steps (§3: 4.835 KWD and 144.50 TWD cannot be charged), like `planCreate`."""
    try:
        value = parse_amount(text)
    except ValueError:
        raise UsageError(flag, f"must be an amount like 12.50, got {text!r}") from None
    if value < 0:
        raise UsageError(flag, f"must not be negative, got {text}")
    if value >= MAX_AMOUNT:
        raise UsageError(flag, f"must be less than {MAX_AMOUNT}, got {text}")
    if not is_representable(value, currency):
        raise UsageError(flag, f"{currency} has {minor_units(currency)} decimals, got {text}")
    if not is_chargeable(value, currency):
        raise UsageError(flag, f"{describe_step(currency)}, got {text}")
    return value


def time_zone(text: str) -> ZoneInfo:
    """The IANA time zone named by --timezone."""
    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise UsageError("--timezone", f"unknown time zone {text!r}") from None


def start_instant(text: str, tz: ZoneInfo) -> datetime:
    """The purchase instant; an ISO datetime without an offset is local time in `tz`."""
    try:
        instant = datetime.fromisoformat(text.strip())
    except ValueError:
        raise UsageError("--start", f"must be an ISO 8601 date and time, got {text!r}") from None
    if instant.tzinfo is None:
        return instant.replace(tzinfo=tz)
    return instant


def anchor(text: str, rule_text: str) -> BillingAnchor:
    """The billing anchor of --anchor and --short-month-rule (BILLING_RULES §2)."""
    try:
        rule = ShortMonthRule(rule_text)
    except ValueError:
        raise UsageError(
            "--short-month-rule", f"must be clamp or first_of_next_month, got {rule_text!r}"
        ) from None
    if text == AnchorMode.PURCHASE.value:
        return BillingAnchor(AnchorMode.PURCHASE, short_month_rule=rule)
    if not _WHOLE_NUMBER.fullmatch(text.strip()) or not 1 <= int(text) <= 28:
        raise UsageError("--anchor", f"must be 'purchase' or a day of the month from 1 to 28, got {text!r}")
    return BillingAnchor(AnchorMode.DAY_OF_MONTH, int(text), rule)


def plan_terms(args: argparse.Namespace) -> PlanTerms:
    """The plan the flags describe, every value checked; a UsageError names the first bad flag."""
    try:
        unit = IntervalUnit(args.interval)
    except ValueError:
        units = ", ".join(u.value for u in IntervalUnit)
        raise UsageError("--interval", f"must be one of {units}, got {args.interval!r}") from None
    count = whole_number("--interval-count", args.interval_count, minimum=1)
    currency = args.currency.strip().upper()
    try:
        minor_units(currency)
    except ValueError:
        raise UsageError("--currency", f"unknown currency {args.currency!r}") from None
    price = amount("--price", args.price, currency)
    setup_fee = amount("--setup-fee", args.setup_fee, currency)
    trial_days = whole_number("--trial-days", args.trial_days, minimum=0)
    trial_intervals = whole_number("--trial-intervals", args.trial_intervals, minimum=0, maximum=MAX_PERIODS)
    if trial_days and trial_intervals:
        raise UsageError("--trial-intervals", "a trial is a number of days or of intervals, not both")
    cycles = None if args.cycles is None else whole_number("--cycles", args.cycles, minimum=1)
    try:
        return PlanTerms(
            interval=Interval(unit, count),
            price=price,
            currency=currency,
            setup_fee=setup_fee,
            trial=Trial(days=trial_days, intervals=trial_intervals),
            billing_cycles=cycles,
            anchor=anchor(args.anchor, args.short_month_rule),
        )
    except PlanTermsError as exc:
        raise UsageError(_FLAG_OF_FIELD.get(exc.field, f"--{exc.field}"), exc.reason) from None


def run(args: argparse.Namespace) -> int:
    """Print the schedule as one JSON object; a bad flag is a UsageError (exit 2, nothing on stdout)."""
    terms = plan_terms(args)
    tz = time_zone(args.timezone)
    start = start_instant(args.start, tz)
    quantity = whole_number("--quantity", args.quantity, minimum=1, maximum=MAX_QUANTITY)
    periods = whole_number("--periods", args.periods, minimum=1, maximum=MAX_PERIODS)
    try:
        schedule = build_schedule(terms, start, tz, quantity=quantity, periods=periods)
    except (OverflowError, ValueError):
        # Only dates past the year 9999 fail here: every value was checked above.
        raise UsageError("--start", f"the schedule runs past the year 9999 from {args.start}") from None
    json.dump(schedule.to_json_dict(), sys.stdout)
    sys.stdout.write("\n")
    return 0
