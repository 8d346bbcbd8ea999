"""The pay page's server side: which PaymentIntent the browser confirms, and what its result does.

Stripe.js confirms on-session what the server names here; afterwards the server never trusts the browser:
it reads the intent (or SetupIntent) back from Stripe and settles the invoice through the renewal outcome
functions (`stripe_webhooks.intents`), exactly as the webhook for the same intent would, so whichever of the
two comes first does the work and the other changes nothing.

- 3-D Secure on a renewal (`authentication_required`): the renewal's own PaymentIntent, confirmed again
  on-session with the card it was declined on (Stripe's way to recover an off-session payment);
- a declined renewal paid with another card: the same PaymentIntent with the new card;
- anything else owed (no renewal intent to reuse, or it cannot be confirmed any more): the PaymentIntent the
  page made before for the amount due (the app's records, `InvoiceIntent`) while it can still be confirmed,
  else a new one, recorded; so reloading the page, even days later, does not make another;
- a payment underway (a SEPA debit clearing, a charge not answered yet): nothing to confirm (the page says
  so).

Once the invoice is paid, every other of its intents is cancelled at Stripe, and a success the invoice did
not need is refunded (`stripe_webhooks.followups`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from saleor_subscriptions.billing.errors import CodedError
from saleor_subscriptions.invoicing.links import pay_url
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.notifications.notifier import EmailNotifier
from saleor_subscriptions.payments.accounts import account_for
from saleor_subscriptions.payments.capabilities import inactive_types
from saleor_subscriptions.payments.charges import CONFIRMABLE
from saleor_subscriptions.payments.checkout.methods import reusable_method
from saleor_subscriptions.payments.customers import remember_payment_method, stripe_customer_for
from saleor_subscriptions.payments.gateway import StripeGateway
from saleor_subscriptions.payments.models import StripeAccount, StripeCustomer
from saleor_subscriptions.payments.stripe_amounts import to_minor
from saleor_subscriptions.payments.stripe_client import as_dict
from saleor_subscriptions.payments.stripe_webhooks.intents import Outcome, settle_invoice_intent
from saleor_subscriptions.payments.stripe_webhooks.models import InvoiceIntent
from saleor_subscriptions.paypage import bank
from saleor_subscriptions.paypage.bank import BankDetails, bank_methods
from saleor_subscriptions.renewals.dunning import UNDERWAY
from saleor_subscriptions.renewals.models import PaymentAttempt
from saleor_subscriptions.subscriptions.models import Subscription

WAITING_FOR_THE_CUSTOMER = (PaymentAttempt.Status.REQUIRES_ACTION, PaymentAttempt.Status.DECLINED)


class PaymentNotAcceptedCode(StrEnum):
    OTHER_INVOICE = "other_invoice"
    OTHER_CUSTOMER = "other_customer"
    NOT_COMPLETED = "not_completed"


class PaymentNotAccepted(CodedError):
    """What the browser reported does not pay this invoice (or set a method up for this customer): `code`
    is the page's wording key, `detail` (the message) says what was found."""

    def __init__(self, code: PaymentNotAcceptedCode, detail: str = "") -> None:
        super().__init__(code, detail)
        self.detail = detail

    def __str__(self) -> str:
        return f"{self.code}: {self.detail}"


@dataclass(frozen=True)
class SavedCard:
    payment_method: str
    label: str  # "Visa •••• 3184"


@dataclass(frozen=True)
class Checkout:
    """What the page's Stripe.js needs."""

    publishable_key: str
    client_secret: str
    intent_id: str
    status: str
    saved_card: SavedCard | None
    bank_methods: tuple[str, ...] = ()


def _account(subscription: Subscription) -> StripeAccount:
    return account_for(subscription.installation_id, subscription.channel_slug)


def _customer(account: StripeAccount, subscription: Subscription) -> StripeCustomer:
    return stripe_customer_for(account, subscription.customer_key, email=subscription.customer_email)


def _card(gateway: StripeGateway, account: StripeAccount, payment_method: str) -> SavedCard | None:
    if not payment_method:
        return None
    pm = as_dict(gateway.client(account).v1.payment_methods.retrieve(payment_method))
    card = pm.get("card") or {}
    if pm.get("type") != "card":
        return None
    return SavedCard(
        pm["id"], f"{str(card.get('brand') or 'card').title()} •••• {card.get('last4') or '????'}"
    )


def _renewal_intent(
    gateway: StripeGateway, account: StripeAccount, invoice: Invoice
) -> dict[str, Any] | None:
    """The invoice's last renewal PaymentIntent when the customer can still confirm it."""
    attempt = PaymentAttempt.objects.filter(invoice=invoice).exclude(reference="").order_by("-number").first()
    if attempt is None or attempt.status not in WAITING_FOR_THE_CUSTOMER:
        return None
    intent = as_dict(gateway.client(account).v1.payment_intents.retrieve(attempt.reference))
    if intent.get("status") in ("succeeded", "processing"):
        return intent  # paid meanwhile: settled by the caller
    if intent.get("status") not in CONFIRMABLE or intent.get("amount") != to_minor(
        invoice.amount_due, invoice.currency
    ):
        return None
    return intent


def _recorded_intent(
    gateway: StripeGateway, account: StripeAccount, invoice: Invoice, amount: int
) -> dict[str, Any] | None:
    """The newest PaymentIntent the page made for the invoice (by the app's records), when it still is for
    the amount due and can be confirmed (or was paid meanwhile)."""
    recorded = InvoiceIntent.objects.filter(invoice=invoice).order_by("-created_at", "-pk").first()
    if recorded is None or recorded.amount_minor != amount:
        return None
    intent = as_dict(gateway.client(account).v1.payment_intents.retrieve(recorded.intent_id))
    if intent.get("status") not in (*CONFIRMABLE, "succeeded", "processing"):
        return None
    return intent


def _new_intent(
    gateway: StripeGateway, account: StripeAccount, invoice: Invoice, customer: StripeCustomer
) -> dict[str, Any]:
    """The invoice's open pay-page PaymentIntent, made once: found again by the app's records (however
    long after), else made with a key naming the invoice, the amount and how many the page made before."""
    amount = to_minor(invoice.amount_due, invoice.currency)
    found = _recorded_intent(gateway, account, invoice, amount)
    if found is not None:
        return found
    made = InvoiceIntent.objects.filter(invoice=invoice).count()
    client = gateway.client(account)
    params: dict[str, Any] = {
        "amount": amount,
        "currency": invoice.currency.lower(),
        "customer": customer.stripe_customer_id,
        "payment_method_types": ["card"],
        "description": f"Invoice {invoice.number}",
        "metadata": {
            "invoice_number": str(invoice.number),
            "installation": str(invoice.installation_id),
            "source": "pay_page",
        },
    }
    created = client.v1.payment_intents.create(
        params=params,  # type: ignore[arg-type]
        options={"idempotency_key": f"pay-page-{invoice.pk}-{amount}-{made}"},
    )
    InvoiceIntent.objects.get_or_create(
        intent_id=created.id,
        defaults={"installation_id": invoice.installation_id, "invoice": invoice, "amount_minor": amount},
    )
    # A replayed key answers with the intent as it was made: read what it is now.
    return as_dict(client.v1.payment_intents.retrieve(created.id))


def payment_underway(invoice: Invoice) -> bool:
    """A payment of the invoice is being processed (a SEPA debit clearing, or a charge not answered yet):
    the page offers no other payment meanwhile."""
    last = PaymentAttempt.objects.filter(invoice=invoice).order_by("-number").first()
    return last is not None and last.status in UNDERWAY


def checkout_for_invoice(invoice: Invoice) -> tuple[Checkout, Outcome | None]:
    """The intent the page confirms for an open invoice; when it turns out paid already (the customer paid
    but neither the page's report nor the webhook arrived), it is settled now and its outcome returned."""
    subscription = invoice.subscription
    account = _account(subscription)
    gateway = StripeGateway()
    customer = _customer(account, subscription)
    intent = _renewal_intent(gateway, account, invoice) or _new_intent(gateway, account, invoice, customer)
    settled = None
    if intent["status"] in ("succeeded", "processing"):
        settled = settle_invoice_intent(subscription.installation, intent, EmailNotifier(), pay_url)
    error = intent.get("last_payment_error") or {}
    declined_on = (error.get("payment_method") or {}).get("id") if error else None
    method = declined_on or intent.get("payment_method") or customer.default_payment_method_id
    checkout = Checkout(
        publishable_key=account.publishable_key,
        client_secret=str(intent["client_secret"]),
        intent_id=str(intent["id"]),
        status=str(intent["status"]),
        saved_card=_card(gateway, account, str(method or "")),
        bank_methods=bank_methods(invoice.currency, inactive_types(account)),
    )
    return checkout, settled


def _check_invoice(invoice: Invoice, intent: dict[str, Any]) -> None:
    metadata = intent.get("metadata") or {}
    if metadata.get("invoice_number") != invoice.number or metadata.get("installation") != str(
        invoice.installation_id
    ):
        raise PaymentNotAccepted(PaymentNotAcceptedCode.OTHER_INVOICE, "this payment is not for this invoice")


def complete_invoice_payment(invoice: Invoice, intent_id: str, *, make_default: bool) -> Outcome:
    """After Stripe.js confirmed: the intent read back from Stripe settles the invoice; with `make_default`
    its card becomes the one renewals charge (when it is saved on the customer)."""
    subscription = invoice.subscription
    account = _account(subscription)
    gateway = StripeGateway()
    intent = as_dict(
        gateway.client(account).v1.payment_intents.retrieve(intent_id, params={"expand": ["latest_charge"]})
    )
    _check_invoice(invoice, intent)
    outcome = settle_invoice_intent(subscription.installation, intent, EmailNotifier(), pay_url)
    if make_default and intent["status"] in ("succeeded", "processing") and intent.get("customer"):
        saved = _remember_reusable(gateway, account, intent, str(intent["customer"]))
        if saved:
            outcome["default_payment_method"] = saved
    return outcome


def _remember_reusable(
    gateway: StripeGateway, account: StripeAccount, intent: dict[str, Any], customer_id: str
) -> str:
    """The method a paid (or set-up) intent leaves for renewals becomes the customer's default, when it is
    attached to that customer: the card or SEPA account itself, or the SEPA Direct Debit method an iDEAL
    or Bancontact payment generated. Its id, or "" when it left none."""
    found = reusable_method(intent)
    if found is None:
        return ""
    pm = as_dict(gateway.client(account).v1.payment_methods.retrieve(found[0]))
    if pm.get("customer") != customer_id:
        return ""
    remember_payment_method(
        account.installation_id, customer_id, pm["id"], str(pm["type"]), account, details=pm
    )
    return str(pm["id"])


def setup_for_subscription(subscription: Subscription) -> Checkout:
    """A SetupIntent for the customer's next payment method (saved for off-session renewals)."""
    account = _account(subscription)
    gateway = StripeGateway()
    customer = _customer(account, subscription)
    params: dict[str, Any] = {
        "customer": customer.stripe_customer_id,
        "usage": "off_session",
        "payment_method_types": ["card"],
        "metadata": {
            "installation": str(subscription.installation_id),
            "subscription": str(subscription.pk),
        },
    }
    setup = as_dict(gateway.client(account).v1.setup_intents.create(params=params))  # type: ignore[arg-type]
    return Checkout(
        publishable_key=account.publishable_key,
        client_secret=str(setup["client_secret"]),
        intent_id=str(setup["id"]),
        status=str(setup["status"]),
        saved_card=_card(gateway, account, customer.default_payment_method_id),
        bank_methods=bank_methods(subscription.currency, inactive_types(account)),
    )


def complete_setup(subscription: Subscription, setup_intent_id: str) -> StripeCustomer:
    """After Stripe.js confirmed the SetupIntent: its method becomes the one renewals charge."""
    account = _account(subscription)
    gateway = StripeGateway()
    customer = _customer(account, subscription)
    setup = as_dict(
        gateway.client(account).v1.setup_intents.retrieve(
            setup_intent_id, params={"expand": ["latest_attempt"]}
        )
    )
    if setup.get("customer") != customer.stripe_customer_id:
        message = "this payment method was set up for someone else"
        raise PaymentNotAccepted(PaymentNotAcceptedCode.OTHER_CUSTOMER, message)
    if setup.get("status") != "succeeded" or not setup.get("payment_method"):
        message = f"the set-up is {setup.get('status')}"
        raise PaymentNotAccepted(PaymentNotAcceptedCode.NOT_COMPLETED, message)
    if not _remember_reusable(gateway, account, setup, customer.stripe_customer_id):
        message = "the bank left no method to charge renewals to"
        raise PaymentNotAccepted(PaymentNotAcceptedCode.NOT_COMPLETED, message)
    return StripeCustomer.objects.get(pk=customer.pk)


def pay_invoice_by_bank(
    invoice: Invoice, intent_id: str, details: BankDetails, *, return_url: str, save: bool
) -> tuple[Outcome, str | None]:
    """The invoice's PaymentIntent (the page's) confirmed by a bank method (`bank.confirm_payment`): the
    outcome settled now (a SEPA debit: processing), or the bank's page to send the customer to (iDEAL,
    Bancontact), whose return is `complete_invoice_payment`."""
    subscription = invoice.subscription
    account = _account(subscription)
    gateway = StripeGateway()
    client = gateway.client(account)
    intent = as_dict(client.v1.payment_intents.retrieve(intent_id))
    _check_invoice(invoice, intent)
    if intent.get("status") not in CONFIRMABLE:
        return complete_invoice_payment(invoice, intent_id, make_default=False), None
    confirmed = bank.confirm_payment(client, intent, details, return_url=return_url, save=save)
    redirect = bank.redirect_of(confirmed)
    if redirect:
        return {"state": "redirect"}, redirect
    outcome = complete_invoice_payment(invoice, intent_id, make_default=save)
    error = confirmed.get("last_payment_error") or {}
    if error:
        outcome["reason"] = str(error.get("message") or error.get("code") or "")
    return outcome, None


def setup_by_bank(
    subscription: Subscription, details: BankDetails, *, return_url: str
) -> tuple[str, str | None]:
    """A SetupIntent saving the bank method for renewals (`bank.setup`): its id, and the bank's page to send
    the customer to (iDEAL, Bancontact) or None (SEPA: saved now, by `complete_setup`)."""
    account = _account(subscription)
    client = StripeGateway().client(account)
    customer = _customer(account, subscription)
    metadata = {"installation": str(subscription.installation_id), "subscription": str(subscription.pk)}
    setup = bank.setup(
        client, customer.stripe_customer_id, details, return_url=return_url, metadata=metadata
    )
    return str(setup["id"]), bank.redirect_of(setup)


def offered_bank_methods(subscription: Subscription) -> tuple[str, ...]:
    """The bank methods the subscription's currency and its shop's Stripe account allow."""
    return bank_methods(subscription.currency, inactive_types(_account(subscription)))
