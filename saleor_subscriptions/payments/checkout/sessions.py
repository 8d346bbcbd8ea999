"""PAYMENT_GATEWAY_INITIALIZE_SESSION, TRANSACTION_INITIALIZE_SESSION and TRANSACTION_PROCESS_SESSION.

One `CheckoutPayment` per Saleor transaction: the first TRANSACTION_INITIALIZE_SESSION makes the Stripe
customer (once per shop customer) and the intent, with an idempotency key from the Saleor transaction id;
a repeat finds the row (locked) and answers from the intent as Stripe has it now. A PaymentIntent when an
amount is due (`setup_future_usage=off_session` when the checkout holds a subscription line; the card only
authorised, `capture_method=manual`, when the channel's flow is AUTHORIZATION), a SetupIntent when nothing is
due but a subscription line is there (a free trial). When an intent has succeeded for a checkout with a
subscription line, its payment method is saved for renewals.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import stripe
from django.db import transaction

from saleor_subscriptions.payments.accounts import StripeSettingsError, account_for, stripe_client
from saleor_subscriptions.payments.checkout import intents, methods, results
from saleor_subscriptions.payments.checkout.payloads import (
    Action,
    PayloadError,
    data_of,
    data_text,
    session_action,
    source_of,
    transaction_of,
)
from saleor_subscriptions.payments.customers import remember_payment_method, stripe_customer_for
from saleor_subscriptions.payments.models import CheckoutPayment, StripeAccount
from saleor_subscriptions.payments.stripe_amounts import to_minor
from saleor_subscriptions.payments.stripe_client import as_dict
from saleor_subscriptions.saleor.money import exact_number
from saleor_subscriptions.tenants.models import Installation

logger = logging.getLogger(__name__)

CARD_ONLY = ("card",)
PAYMENT_METHOD_TYPES: dict[str, tuple[str, ...]] = {"EUR": ("card", "sepa_debit", "ideal", "bancontact")}
"""What a storefront may offer, by currency (SEPA Direct Debit, iDEAL and Bancontact take euros only)."""


def payment_method_types(currency: str) -> tuple[str, ...]:
    return PAYMENT_METHOD_TYPES.get(currency.upper(), CARD_ONLY)


def _not_configured(error: StripeSettingsError) -> dict[str, Any]:
    return {"data": {"error": {"field": error.field, "code": str(error.code), "message": error.message}}}


def gateway_initialize(installation: Installation, payload: Mapping[str, Any]) -> dict[str, Any]:
    """`data`: what Stripe.js needs to collect a payment method for this checkout (see the docs), or
    `data.error` {field, code, message} when the channel has no Stripe account or the payload is bad."""
    try:
        source = payload.get("sourceObject")
        if not isinstance(source, Mapping) or not isinstance(source.get("channel"), Mapping):
            raise PayloadError("sourceObject.channel", "missing or not an object")
        channel = source["channel"]
        slug, currency = channel.get("slug"), channel.get("currencyCode")
        if not isinstance(slug, str) or not slug:
            raise PayloadError("sourceObject.channel.slug", "missing")
        if not isinstance(currency, str) or len(currency) != 3:
            raise PayloadError("sourceObject.channel.currencyCode", "missing or not a currency code")
        account = account_for(installation.pk, slug)
    except PayloadError as error:
        return {"data": {"error": {"field": error.field, "code": "invalid", "message": error.reason}}}
    except StripeSettingsError as error:
        return _not_configured(error)
    amount = payload.get("amount")
    data: dict[str, Any] = {
        "publishableKey": account.publishable_key,
        "livemode": account.livemode,
        "paymentMethodTypes": list(payment_method_types(currency)),
        "currency": currency.lower(),
        "setupFutureUsage": "off_session",
    }
    if amount is not None:
        try:
            data["amount"] = to_minor(exact_number(amount, "amount"), currency)
        except ValueError as exc:  # SaleorMoneyError, StripeAmountError
            return {"data": {"error": {"field": "amount", "code": "invalid", "message": str(exc)}}}
    return {"data": data}


def _payer(payload: Mapping[str, Any], customer_id: str) -> intents.Payer:
    data = data_of(payload)
    ip_address = payload.get("customerIpAddress")
    return intents.Payer(
        customer_id=customer_id,
        payment_method_id=data_text(data, "paymentMethodId"),
        payment_method_type=data_text(data, "paymentMethodType"),
        return_url=data_text(data, "returnUrl"),
        ip_address=ip_address if isinstance(ip_address, str) else "",
        user_agent=data_text(data, "userAgent"),
    )


def _offered_types(payload: Mapping[str, Any], currency: str) -> tuple[str, ...]:
    allowed = payment_method_types(currency)
    wanted = data_of(payload).get("paymentMethodTypes")
    if wanted is None:
        return allowed
    if not isinstance(wanted, list) or not wanted or any(t not in allowed for t in wanted):
        raise PayloadError("data.paymentMethodTypes", f"must be a non-empty list of {', '.join(allowed)}")
    return tuple(str(t) for t in wanted)


def remember_method(row: CheckoutPayment, intent: dict[str, Any], client: Any) -> None:
    """Saves the intent's payment method as the one renewals charge, once the intent succeeded."""
    row.status = str(intent["status"])
    if intent["status"] != "succeeded" or row.stripe_customer is None:
        return
    if not (row.has_subscription or row.kind == CheckoutPayment.Kind.SETUP_INTENT):
        return
    found = methods.reusable_method(intent, row.payment_method_type)
    if found is None:
        return
    pm_id, pm_type = found
    if not pm_type:
        pm_type = intents.payment_method_type(client, intents.Payer(customer_id="", payment_method_id=pm_id))
    row.payment_method_id, row.payment_method_type = pm_id, pm_type or "card"
    remember_payment_method(
        row.installation_id,
        row.stripe_customer.stripe_customer_id,
        pm_id,
        row.payment_method_type,
        details=_method_details(client, pm_id),
    )


def _method_details(client: Any, payment_method_id: str) -> dict[str, Any] | None:
    """Stripe's PaymentMethod (a card's brand and last four), for invoices to name it; None when Stripe
    does not answer (the method is still saved, without them)."""
    try:
        return as_dict(client.v1.payment_methods.retrieve(payment_method_id))
    except stripe.StripeError:
        logger.warning("payment method %s: Stripe did not give its details", payment_method_id)
        return None


def _start(
    row: CheckoutPayment, account: StripeAccount, payload: Mapping[str, Any], action: Action
) -> dict[str, Any]:
    """Makes the Stripe customer and the intent of a new row."""
    client = stripe_client(account.secret_key)
    source = source_of(payload)
    customer = stripe_customer_for(
        account, source.customer_key, email=source.email, saleor_user_id=source.user_id
    )
    row.stripe_customer = customer
    payer = _payer(payload, customer.stripe_customer_id)
    pm_type = intents.payment_method_type(client, payer)
    row.payment_method_type = pm_type
    key = f"saleor:{row.installation_id}:{row.saleor_transaction_id}:initialize"
    metadata = {
        "saleor_transaction_id": row.saleor_transaction_id,
        "saleor_source_id": row.source_id,
        "installation": str(row.installation_id),
    }
    offered = () if payer.payment_method_id else _offered_types(payload, action.currency)
    if row.kind == CheckoutPayment.Kind.SETUP_INTENT:
        return intents.create_setup_intent(
            client, payer, pm_type, metadata, key, payment_method_types=offered
        )
    charge = intents.Charge(
        amount_minor=to_minor(action.amount, action.currency),
        currency=action.currency,
        manual_capture=action.action_type == CheckoutPayment.Flow.AUTHORIZATION,
        save_for_renewals=row.has_subscription,
        payment_method_types=offered,
        metadata=metadata,
        description=f"Saleor {source.typename.lower()} {source.id}",
    )
    return intents.create_payment_intent(client, charge, payer, pm_type, key)


def _new_row(installation: Installation, payload: Mapping[str, Any], action: Action) -> CheckoutPayment:
    transaction_ref = transaction_of(payload)
    source = source_of(payload)
    if action.currency != source.currency:
        raise PayloadError(
            "action.currency", f"{action.currency} is not the channel's currency {source.currency}"
        )
    try:
        to_minor(action.amount, action.currency)
    except ValueError as error:
        raise PayloadError("action.amount", str(error)) from None
    if not action.amount and not source.has_subscription:
        raise PayloadError("action.amount", "nothing is due and the checkout holds no subscription line")
    kind = CheckoutPayment.Kind.PAYMENT_INTENT if action.amount else CheckoutPayment.Kind.SETUP_INTENT
    return CheckoutPayment(
        installation=installation,
        saleor_transaction_id=transaction_ref.id,
        saleor_transaction_token=transaction_ref.token,
        source_type=source.typename,
        source_id=source.id,
        channel_slug=source.channel_slug,
        customer_key=source.customer_key,
        flow=action.action_type,
        kind=kind,
        amount=action.amount,
        currency=action.currency,
        has_subscription=source.has_subscription,
    )


def transaction_initialize(installation: Installation, payload: Mapping[str, Any]) -> dict[str, Any]:
    flow, amount = "CHARGE", None
    try:
        action = session_action(payload)
        flow, amount = action.action_type, action.amount
        candidate = _new_row(installation, payload, action)
        data_of(payload)
        account = account_for(installation.pk, candidate.channel_slug)
    except (PayloadError, StripeSettingsError) as error:
        return results.session_failure(flow, str(error), amount)
    candidate.livemode = account.livemode
    with transaction.atomic():
        CheckoutPayment.objects.bulk_create(
            [candidate], ignore_conflicts=True
        )  # the first request makes the row; a repeat finds it
        row = (
            CheckoutPayment.objects.select_for_update(of=("self",))
            .select_related("stripe_customer")
            .get(installation=installation, saleor_transaction_id=candidate.saleor_transaction_id)
        )
        client = stripe_client(account.secret_key)
        try:
            if row.intent_id:
                intent = intents.retrieve(client, row.intent_id)
            else:
                intent = intents.retrieve(client, str(_start(row, account, payload, action)["id"]))
                row.intent_id = str(intent["id"])
            remember_method(row, intent, client)
        except intents.StripeFailure as failure:
            row.save()
            return results.session_failure(flow, failure.message, amount)
        except PayloadError as error:
            return results.session_failure(flow, str(error), amount)
        row.save()
    return results.session_result(intent, row.flow, row.livemode, row.payment_method_type)


def payment_row(installation: Installation, payload: Mapping[str, Any]) -> CheckoutPayment:
    ref = transaction_of(payload)
    rows = CheckoutPayment.objects.select_for_update(of=("self",)).select_related("stripe_customer")
    row = rows.filter(installation=installation, saleor_transaction_id=ref.id).first()
    if row is None and ref.psp_reference:
        row = rows.filter(installation=installation, intent_id=ref.psp_reference).first()
    if row is None or not row.intent_id:
        raise PayloadError(
            "transaction.id", f"the app started no payment for transaction {ref.id} (initialize it first)"
        )
    return row


def transaction_process(installation: Installation, payload: Mapping[str, Any]) -> dict[str, Any]:
    flow, amount = "CHARGE", None
    with transaction.atomic():
        try:
            action = session_action(payload)
            flow, amount = action.action_type, action.amount
            row = payment_row(installation, payload)
            flow = row.flow
            account = account_for(installation.pk, row.channel_slug)
            client = stripe_client(account.secret_key)
            intent = intents.retrieve(client, row.intent_id)
            payer = _payer(payload, row.stripe_customer.stripe_customer_id if row.stripe_customer else "")
            waiting = intent["status"] in ("requires_payment_method", "requires_confirmation")
            if payer.payment_method_id and waiting:
                pm_type = intents.payment_method_type(client, payer)
                row.payment_method_type = pm_type
                intent = intents.confirm(client, intent, payer, pm_type)
            remember_method(row, intent, client)
        except (PayloadError, StripeSettingsError) as error:
            return results.session_failure(flow, str(error), amount)
        except intents.StripeFailure as failure:
            return results.session_failure(flow, failure.message, amount)
        row.save()
    return results.session_result(intent, row.flow, account.livemode, row.payment_method_type)
