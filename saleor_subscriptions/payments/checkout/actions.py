"""TRANSACTION_CHARGE_REQUESTED, TRANSACTION_REFUND_REQUESTED and TRANSACTION_CANCELATION_REQUESTED: staff
(or Saleor) act on a transaction the app started; each reads the intent at Stripe first.

- charge: captures an authorised PaymentIntent (fully or partly) and then saves its payment method for
  renewals; one already captured answers its success.
- refund: refunds at Stripe, partly or fully; more than is left to refund is refused with REFUND_FAILURE
  naming what is left. The idempotency key holds the amount Saleor had recorded as refunded, so a retried
  request replays the same refund while a later partial refund is a new one. A refund Stripe has not
  finished (`pending`) is answered with its id only: Saleor waits for the outcome.
- cancel: cancels an intent that has not been paid (an authorisation is released).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction

from saleor_subscriptions.payments.accounts import StripeSettingsError, account_for, stripe_client
from saleor_subscriptions.payments.checkout import intents, renewal_refunds, results
from saleor_subscriptions.payments.checkout.payloads import Action, PayloadError, action_of
from saleor_subscriptions.payments.checkout.sessions import payment_row, remember_method
from saleor_subscriptions.payments.models import CheckoutPayment
from saleor_subscriptions.payments.stripe_amounts import from_minor, to_minor
from saleor_subscriptions.saleor.money import SaleorMoneyError, amount_of
from saleor_subscriptions.tenants.models import Installation

CANCELABLE = ("requires_payment_method", "requires_confirmation", "requires_action", "requires_capture")


def _prepared(
    installation: Installation, payload: Mapping[str, Any], expected: str
) -> tuple[Action, CheckoutPayment, Any, dict[str, Any], bool]:
    action = action_of(payload)
    if action.action_type != expected:
        raise PayloadError("action.actionType", f"must be {expected}, got {action.action_type!r}")
    row = payment_row(installation, payload)
    if action.currency != row.currency:
        raise PayloadError(
            "action.currency", f"{action.currency} is not the payment's currency {row.currency}"
        )
    account = account_for(installation.pk, row.channel_slug)
    client = stripe_client(account.secret_key)
    return action, row, client, intents.retrieve(client, row.intent_id), account.livemode


def _minor(amount: Decimal, currency: str, field: str = "action.amount") -> int:
    """Saleor's amount in Stripe's minor units; one Stripe cannot take is refused naming the field."""
    try:
        return to_minor(amount, currency)
    except ValueError as exc:
        raise PayloadError(field, str(exc)) from exc


def _saleor_amount(payload: Mapping[str, Any], key: str) -> Decimal:
    """The transaction's `key` Money (0 when the payload has none); PayloadError when it is not exact."""
    transaction_ = payload.get("transaction")
    money = transaction_.get(key) if isinstance(transaction_, Mapping) else None
    if not isinstance(money, Mapping) or money.get("amount") is None:
        return Decimal(0)
    try:
        return amount_of(money, f"transaction.{key}")
    except SaleorMoneyError as exc:
        raise PayloadError(f"transaction.{key}", str(exc)) from None


def charge_requested(installation: Installation, payload: Mapping[str, Any]) -> dict[str, Any]:
    amount, psp = None, ""
    with transaction.atomic():
        try:
            action, row, client, intent, livemode = _prepared(installation, payload, "CHARGE")
            psp = row.intent_id
            amount = action.amount
            currency = row.currency
            if row.kind == CheckoutPayment.Kind.SETUP_INTENT:
                raise PayloadError("transaction", "nothing can be charged: the payment only saved a method")
            if intent["status"] == "requires_capture":
                capturable = int(intent["amount_capturable"])
                wanted = _minor(action.amount, currency)
                if wanted > capturable:
                    raise PayloadError(
                        "action.amount",
                        f"{action.amount} {currency} is more than the {from_minor(capturable, currency)} "
                        f"{currency} authorised",
                    )
                key = f"saleor:{installation.pk}:{row.saleor_transaction_id}:capture:{wanted}"
                intent = intents.capture(client, row.intent_id, wanted, key)
            remember_method(row, intent, client)
            row.save()
        except (PayloadError, StripeSettingsError) as error:
            return results.action_failure("CHARGE", str(error), amount=amount)
        except intents.StripeFailure as failure:
            return results.action_failure("CHARGE", failure.message, psp, amount)
    if intent["status"] != "succeeded":
        message = f"the payment is {intent['status']}: only an authorised payment can be charged"
        return results.action_failure("CHARGE", message, row.intent_id, amount)
    received = from_minor(int(intent["amount_received"]), currency)
    return results.action_success(
        "CHARGE", row.intent_id, received, row.intent_id, livemode, "captured", ["REFUND"]
    )


def _left_to_refund(intent: dict[str, Any]) -> tuple[int, int]:
    """(captured, already refunded) of the intent's charge, in minor units."""
    charge = intent.get("latest_charge")
    if intent["status"] != "succeeded" or not isinstance(charge, dict):
        return 0, 0
    return int(charge.get("amount_captured") or 0), int(charge.get("amount_refunded") or 0)


def refund_requested(installation: Installation, payload: Mapping[str, Any]) -> dict[str, Any]:
    renewal = renewal_refunds.renewal_attempt(installation, payload)
    if renewal is not None:
        try:
            refunded_before = _saleor_amount(payload, "refundedAmount")
        except PayloadError as error:
            return results.action_failure("REFUND", str(error))
        return renewal_refunds.refund_renewal(installation, renewal, payload, refunded_before)
    amount = None
    with transaction.atomic():
        try:
            action, row, client, intent, livemode = _prepared(installation, payload, "REFUND")
            amount, currency = action.amount, row.currency
            captured, refunded = _left_to_refund(intent)
            wanted = _minor(action.amount, currency)
            if wanted <= 0:
                raise PayloadError("action.amount", "must be more than 0")
            if wanted > captured - refunded:
                paid, left = from_minor(captured, currency), from_minor(captured - refunded, currency)
                raise PayloadError(
                    "action.amount",
                    f"refunding {action.amount} {currency} is more than the {left} {currency} left to refund "
                    f"(paid {paid} {currency}, refunded {from_minor(refunded, currency)} {currency})",
                )
            recorded = _minor(
                _saleor_amount(payload, "refundedAmount"), currency, "transaction.refundedAmount"
            )
            key = f"saleor:{installation.pk}:{row.saleor_transaction_id}:refund:{recorded}:{wanted}"
            refund = intents.refund(client, row.intent_id, wanted, key)
        except (PayloadError, StripeSettingsError) as error:
            return results.action_failure("REFUND", str(error), amount=amount)
        except intents.StripeFailure as failure:
            return results.action_failure("REFUND", failure.message, amount=amount)
    refunded_amount = from_minor(int(refund["amount"]), currency)
    more_left = captured - refunded - wanted > 0
    return results.refund_answer(refund, refunded_amount, row.intent_id, livemode, more_left, amount)


def cancel_requested(installation: Installation, payload: Mapping[str, Any]) -> dict[str, Any]:
    amount, psp = None, ""
    with transaction.atomic():
        try:
            action, row, client, intent, livemode = _prepared(installation, payload, "CANCEL")
            psp = row.intent_id
            amount = action.amount
            if intent["status"] in CANCELABLE:
                intent = intents.cancel(client, row.intent_id)
            row.status = str(intent["status"])
            row.save(update_fields=["status", "updated_at"])
        except (PayloadError, StripeSettingsError) as error:
            return results.action_failure("CANCEL", str(error), amount=amount)
        except intents.StripeFailure as failure:
            return results.action_failure("CANCEL", failure.message, psp, amount)
    if intent["status"] != "canceled":
        message = f"the payment is {intent['status']} and cannot be canceled (refund it instead)"
        return results.action_failure("CANCEL", message, row.intent_id, amount)
    return results.action_success(
        "CANCEL", row.intent_id, action.amount, row.intent_id, livemode, "canceled", []
    )
