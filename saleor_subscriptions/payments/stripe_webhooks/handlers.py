"""What each Stripe event does. Every handler reads the object's current state from Stripe (an event's
snapshot may be older than another event that arrived first), so applying events in any order, or twice,
ends in the same state.

| event | what it does |
|---|---|
| `payment_intent.*` (succeeded, processing, payment_failed, requires_action) | settles its attempt |
| `charge.refunded` | a `payment_refunded` event on the subscription: what the charge has refunded in all |
| `charge.dispute.created` | a `payment_disputed` event: amount, reason, the date evidence is due |
| `setup_intent.succeeded` | the customer's newest set-up method becomes the one renewals charge (¹) |
| `payment_method.detached` | a method no longer attached is no one's default any more |
| `mandate.updated` | an inactive SEPA mandate: its method is no one's default any more |

(¹) For iDEAL and Bancontact, the SEPA Direct Debit method Stripe generated (on the SetupIntent's latest
attempt); while Stripe has not reported it, the event fails as transient and the sweeper applies it again.

Other types are recorded and not applied.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import stripe

from saleor_subscriptions.invoicing.links import pay_url
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.notifications.notifier import EmailNotifier
from saleor_subscriptions.payments.checkout.intents import SEPA_GENERATING_TYPES
from saleor_subscriptions.payments.checkout.methods import reusable_method
from saleor_subscriptions.payments.customers import forget_payment_method, remember_payment_method
from saleor_subscriptions.payments.models import StripeAccount
from saleor_subscriptions.payments.stripe_amounts import from_minor
from saleor_subscriptions.payments.stripe_client import account_client, as_dict
from saleor_subscriptions.payments.stripe_webhooks.followups import write_event
from saleor_subscriptions.payments.stripe_webhooks.intents import (
    Outcome,
    invoice_of_intent,
    settle_invoice_intent,
)
from saleor_subscriptions.subscriptions.models import SubscriptionEvent
from saleor_subscriptions.tenants.models import Installation

logger = logging.getLogger(__name__)


class StripeNotCaughtUp(Exception):
    """Stripe has not reported yet what the event announced (an iDEAL or Bancontact set-up without its
    generated SEPA Direct Debit method on the attempt): transient, the event is applied again later."""


PAYMENT_REFUNDED = "payment_refunded"
PAYMENT_DISPUTED = "payment_disputed"


class Context:
    """An accepted event's installation, and a client of the Stripe account that signed it."""

    def __init__(self, installation: Installation, account: StripeAccount, object_id: str) -> None:
        self.installation = installation
        self.account = account
        self.object_id = object_id
        self.client: stripe.StripeClient = account_client(account)


def _payment_intent(context: Context) -> Outcome:
    # The charge expanded: its payment_method_details name the method that paid (a card's brand, last four).
    expand = {"expand": ["latest_charge"]}
    intent = context.client.v1.payment_intents.retrieve(context.object_id, params=expand)  # type: ignore[arg-type]
    return settle_invoice_intent(context.installation, intent, EmailNotifier(), pay_url)


def _invoice_of_charge(context: Context, charge: dict[str, Any]) -> Invoice | None:
    intent_id = charge.get("payment_intent")
    if not intent_id:
        return None
    intent = as_dict(context.client.v1.payment_intents.retrieve(str(intent_id)))
    return invoice_of_intent(context.installation, intent)


def _charge_refunded(context: Context) -> Outcome:
    charge = as_dict(context.client.v1.charges.retrieve(context.object_id))
    invoice = _invoice_of_charge(context, charge)
    if invoice is None:
        return {"ignored": "not a charge of one of this installation's invoices"}
    currency = invoice.currency
    refunded = from_minor(int(charge.get("amount_refunded") or 0), currency)
    data = {"charge": charge["id"], "invoice": invoice.number, "amount_refunded": str(refunded)}
    known = SubscriptionEvent.objects.filter(
        subscription=invoice.subscription, kind=PAYMENT_REFUNDED, data__charge=charge["id"]
    )
    if known.filter(data__amount_refunded=str(refunded)).exists():
        return {**data, "changed": False, "why": "already recorded"}
    whole = "in full" if charge.get("refunded") else "in part"
    write_event(
        invoice, PAYMENT_REFUNDED, f"invoice {invoice.number}: {refunded} {currency} refunded {whole}", data
    )
    return {**data, "changed": True}


def _dispute_created(context: Context) -> Outcome:
    dispute = as_dict(context.client.v1.disputes.retrieve(context.object_id))
    charge = as_dict(context.client.v1.charges.retrieve(str(dispute["charge"])))
    invoice = _invoice_of_charge(context, charge)
    if invoice is None:
        return {"ignored": "not a charge of one of this installation's invoices"}
    evidence = dispute.get("evidence_details") or {}
    due_by = evidence.get("due_by")
    data = {
        "dispute": dispute["id"],
        "charge": charge["id"],
        "invoice": invoice.number,
        "amount": str(from_minor(int(dispute["amount"]), invoice.currency)),
        "reason": str(dispute.get("reason") or ""),
        "status": str(dispute.get("status") or ""),
        "evidence_due_by": datetime.fromtimestamp(int(due_by), tz=UTC).isoformat() if due_by else None,
    }
    if SubscriptionEvent.objects.filter(
        subscription=invoice.subscription, kind=PAYMENT_DISPUTED, data__dispute=dispute["id"]
    ).exists():
        return {**data, "changed": False, "why": "already recorded"}
    reason = (
        f"invoice {invoice.number}: the customer's bank disputes {data['amount']} {invoice.currency} "
        f"({data['reason']}); answer at Stripe before {data['evidence_due_by'] or 'the deadline'}"
    )
    write_event(invoice, PAYMENT_DISPUTED, reason, data)
    logger.warning("installation %s: %s", context.installation.pk, reason)
    return {**data, "changed": True}


def _setup_intent_succeeded(context: Context) -> Outcome:
    setup = as_dict(
        context.client.v1.setup_intents.retrieve(context.object_id, params={"expand": ["latest_attempt"]})
    )
    customer = setup.get("customer")
    if setup.get("status") != "succeeded" or not customer or not setup.get("payment_method"):
        return {"changed": False, "why": f"the SetupIntent is {setup.get('status')}"}
    listed = context.client.v1.setup_intents.list(params={"customer": str(customer), "limit": 100})
    # Stripe lists the newest first (by creation, ties in the order Stripe made them).
    newest = next(
        (s for s in map(as_dict, listed.data) if s.get("status") == "succeeded" and s.get("payment_method")),
        setup,
    )
    if newest["id"] != setup["id"]:
        return {"changed": False, "why": f"a newer SetupIntent {newest['id']} set another method up"}
    reusable = reusable_method(setup)  # iDEAL/Bancontact: the SEPA Direct Debit method they leave
    pm = as_dict(context.client.v1.payment_methods.retrieve(reusable[0])) if reusable else {}
    if not pm or pm.get("type") in SEPA_GENERATING_TYPES:  # the spent bank method: never the one to charge
        raise StripeNotCaughtUp(f"{setup['id']}: Stripe has not reported the SEPA Direct Debit method yet")
    if pm.get("customer") != customer:
        return {"changed": False, "why": "the method is no longer attached to the customer"}
    remembered = remember_payment_method(
        context.installation.pk, str(customer), pm["id"], str(pm["type"]), context.account, details=pm
    )
    if remembered is None:
        return {"changed": False, "why": f"{customer} is not a customer of this installation"}
    return {"changed": True, "customer": customer, "payment_method": pm["id"], "type": pm["type"]}


def _payment_method_detached(context: Context) -> Outcome:
    pm = as_dict(context.client.v1.payment_methods.retrieve(context.object_id))
    if pm.get("customer"):
        return {"changed": False, "why": f"attached again to {pm['customer']}"}
    forgotten = forget_payment_method(context.installation.pk, pm["id"], context.account)
    return {"payment_method": pm["id"], "customers": forgotten}


def _mandate_updated(context: Context) -> Outcome:
    mandate = as_dict(context.client.v1.mandates.retrieve(context.object_id))
    method = str(mandate.get("payment_method") or "")
    if mandate.get("status") != "inactive" or not method:
        return {"changed": False, "why": f"the mandate is {mandate.get('status')}"}
    forgotten = forget_payment_method(context.installation.pk, method, context.account)
    return {"payment_method": method, "customers": forgotten}


HANDLERS: dict[str, Callable[[Context], Outcome]] = {
    "payment_intent.succeeded": _payment_intent,
    "payment_intent.processing": _payment_intent,
    "payment_intent.payment_failed": _payment_intent,
    "payment_intent.requires_action": _payment_intent,
    "charge.refunded": _charge_refunded,
    "charge.dispute.created": _dispute_created,
    "setup_intent.succeeded": _setup_intent_succeeded,
    "payment_method.detached": _payment_method_detached,
    "mandate.updated": _mandate_updated,
}


def apply_event(event_type: str, context: Context) -> Outcome:
    handler = HANDLERS.get(event_type)
    if handler is None:
        return {"ignored": f"{event_type} is not an event the app applies"}
    return handler(context)
