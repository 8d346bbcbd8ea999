"""Stripe's integer amounts: how many decimals Stripe's API gives each currency, which is not always CLDR's.

Stripe's "Supported currencies" page (https://docs.stripe.com/currencies), as of this writing:

- two decimals unless listed below: `1000` is 10.00 USD; COP, IDR, PKR, HUF, … are two-decimal at Stripe even
  where CLDR (babel) says 0;
- zero-decimal currencies: the amount is the whole unit (`500` is ¥500);
- three-decimal currencies (BHD, JOD, KWD, OMR, TND): three decimals, but the last digit must be 0 (5.124 KWD
  cannot be charged; 5.120 is `5120`);
- special cases ISK, HUF, TWD: two-decimal in the API, but without fractions (ISK: charges and refunds must be
  divisible by 100 since April 2023, `invalid_charge_amount_no_decimal_compatible`; HUF and TWD are
  zero-decimal for payouts). Charging a fraction of them is refused here rather than leaving an amount that
  cannot be refunded or paid out. UGX is special too but Stripe lists it among the zero-decimal currencies:
  whole shillings, `5000` is 5,000 UGX.

The currency lists are the billing engine's (`billing.money`), which rounds every amount it makes to these
steps (BILLING_RULES §3). An amount Stripe cannot take is refused with `StripeAmountError` (a ValueError)
naming the amount and the rule, before anything is sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from saleor_subscriptions.billing.money import THREE_DECIMAL, WHOLE_UNITS_ONLY, ZERO_DECIMAL


@dataclass(frozen=True)
class StripeCurrency:
    code: str
    decimals: int  # the exponent of Stripe's integer amount
    step: int  # the integer amount must be a multiple of this (10 for KWD, 100 for ISK)
    rule: str  # the rule, for error messages


def stripe_currency(currency: str) -> StripeCurrency:
    """How Stripe writes amounts of `currency` (an ISO 4217 code, any case)."""
    code = currency.upper()
    if code in ZERO_DECIMAL:
        return StripeCurrency(code, 0, 1, f"{code} is a zero-decimal currency at Stripe: whole units only")
    if code in THREE_DECIMAL:
        return StripeCurrency(
            code, 3, 10, f"Stripe takes {code} with three decimals whose last digit is 0 (5.120, not 5.124)"
        )
    if code in WHOLE_UNITS_ONLY:
        return StripeCurrency(
            code, 2, 100, f"Stripe takes {code} with two decimals that must be 00: no fractions of a unit"
        )
    return StripeCurrency(code, 2, 1, f"Stripe takes {code} with two decimals")


class StripeAmountError(ValueError):
    """An amount Stripe cannot take in its currency, naming the amount and the rule."""

    def __init__(self, amount: object, currency: str, rule: str) -> None:
        self.amount = amount
        self.currency = currency
        self.rule = rule
        super().__init__(f"{amount} {currency} cannot be sent to Stripe: {rule}")


def to_minor(amount: Decimal, currency: str) -> int:
    """Stripe's integer amount of `amount` (Decimal) in `currency`; StripeAmountError when Stripe cannot take
    it exactly (more decimals than Stripe's, a KWD amount not ending in 0, a fraction of a króna, not a
    finite number). Never rounds."""
    spec = stripe_currency(currency)
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise StripeAmountError(amount, spec.code, "not a finite decimal amount")
    try:
        scaled = amount.scaleb(spec.decimals)
        whole = scaled == scaled.to_integral_value()
    except InvalidOperation:
        raise StripeAmountError(amount, spec.code, "not a decimal amount") from None
    if not whole:
        raise StripeAmountError(
            amount, spec.code, f"it has more decimals than {spec.code} allows ({spec.rule})"
        )
    minor = int(scaled)
    if minor % spec.step:
        raise StripeAmountError(amount, spec.code, spec.rule)
    return minor


def from_minor(amount: int, currency: str) -> Decimal:
    """The Decimal amount of Stripe's integer `amount` in `currency` (1000 USD → 10.00, 500 JPY → 500)."""
    return Decimal(int(amount)).scaleb(-stripe_currency(currency).decimals)
