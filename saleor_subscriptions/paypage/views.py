"""The pay page over HTTP: `/pay/<token>/` (an invoice) and `/pay/method/<token>/` (a subscription's saved
payment method), each a GET that renders the Stripe.js page and a POST `…/complete/` that Stripe.js's page
sends after confirming. A refused link renders a page saying why, with its status (400, 404, 410); a payment
underway shows "being processed" instead of a Pay button; an amount Stripe refuses, 409."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

import stripe
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from saleor_subscriptions.invoicing import links
from saleor_subscriptions.invoicing.documents import formatting as fmt
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.payments.accounts import StripeSettingsError
from saleor_subscriptions.payments.stripe_amounts import StripeAmountError
from saleor_subscriptions.paypage import payments
from saleor_subscriptions.paypage.wording import words
from saleor_subscriptions.renewals.models import PaymentAttempt
from saleor_subscriptions.renewals.ports import GatewayUnavailable
from saleor_subscriptions.subscriptions.models import Subscription
from saleor_subscriptions.tenants.models import Installation

logger = logging.getLogger(__name__)

STRIPE_JS = "https://js.stripe.com/v3/"


def _language(installation: Installation | None) -> str:
    return installation.language if installation is not None else str(settings.LANGUAGE_CODE)


def page(
    request: HttpRequest, template: str, installation: Installation | None, status: int = 200, **context: Any
) -> HttpResponse:
    language = _language(installation)
    shop = (installation.name if installation else "") or ""
    if "title_key" in context:
        context["title"] = words(language)[context.pop("title_key")]
    match = request.resolver_match
    token = match.kwargs.get("token") if match is not None else None
    if token and match is not None:
        context["back_url"] = links.return_of(token, method="method" in (match.url_name or ""))
    return render(
        request,
        f"paypage/{template}.html",
        {"t": words(language), "language": language, "shop": shop, "stripe_js": STRIPE_JS, **context},
        status=status,
    )


def refused_page(
    request: HttpRequest, refusal: links.LinkRefused, installation: Installation | None = None
) -> HttpResponse:
    message = words(_language(installation))[f"refused_{refusal.code}"].format(detail=refusal.detail)
    return page(
        request,
        "message",
        installation,
        refusal.status,
        title_key="refused_title",
        message=message,
        code=refusal.code,
    )


def not_done(  # noqa: PLR0917 (the page's parts)
    request: HttpRequest,
    installation: Installation,
    key: str,
    reason: str,
    code: str,
    status: int = 400,
    **context: Any,
) -> HttpResponse:
    """A page saying the payment (or the card's set-up) did not happen: the wording `key` with the reason."""
    message = words(installation.language)[key].format(reason=reason)
    return page(
        request,
        "message",
        installation,
        status,
        title_key="refused_title",
        message=message,
        code=code,
        **context,
    )


def unavailable(request: HttpRequest, installation: Installation, exc: Exception) -> HttpResponse:
    if isinstance(exc, StripeSettingsError):
        return refused_page(request, links.LinkRefused(503, "not_configured"), installation)
    logger.warning("pay page: Stripe could not be reached for installation %s: %s", installation.pk, exc)
    return refused_page(request, links.LinkRefused(503, "unavailable"), installation)


STRIPE_DOWN = (StripeSettingsError, GatewayUnavailable, stripe.APIConnectionError, stripe.APIError)


def _bank_form(
    installation: Installation,
    checkout: payments.Checkout,
    url: str,
    heading_key: str,
    button: str,
    *,
    pay: bool,
    offer_default: bool,
) -> dict[str, Any]:
    """The bank form's context (`bank_form.html`): the methods offered for the currency, and the mandate."""
    t = words(installation.language)
    return {
        "bank_url": url,
        "bank_heading": t[heading_key],
        "bank_button": button,
        "bank_choices": [{"value": m, "label": t[f"bank_{m}"]} for m in checkout.bank_methods],
        "intent_field": pay,
        "offer_default": offer_default,
        "mandate_text": t["mandate"].format(shop=installation.name or "the shop"),
    }


def _amount(invoice: Invoice) -> str:
    return fmt.money(
        invoice.amount_due, invoice.currency, fmt.language_of(invoice.subscription.installation.language)
    )


def paid_page(request: HttpRequest, invoice: Invoice, outcome: dict[str, Any]) -> HttpResponse:
    installation = invoice.subscription.installation
    if outcome.get("refund"):
        key = "refunded"  # the invoice did not need this payment: it is refunded (never kept)
    else:
        key = "processing" if outcome.get("state") == "processing" else "paid"
    message = words(installation.language)[key].format(number=invoice.number)
    return page(request, "message", installation, title_key="paid_title", message=message, code=key)


def _message(
    request: HttpRequest, invoice: Invoice, key: str, status: int, title_key: str = "refused_title"
) -> HttpResponse:
    installation = invoice.subscription.installation
    message = words(installation.language)[key].format(number=invoice.number)
    return page(request, "message", installation, status, title_key=title_key, message=message, code=key)


def _intro(invoice: Invoice, needs_action: bool) -> str:
    """What the page says first: confirm a 3-D Secure payment, pay a staff-made sign-up's first invoice
    (nothing was tried yet), or pay again after a failed payment."""
    if needs_action:
        return "intro_action"
    if invoice.billing_reason == Invoice.Reason.SIGNUP and invoice.subscription.status == "incomplete":
        return "intro_signup"
    return "intro_declined"


@csrf_protect  # sets the CSRF cookie the bank form's token goes with
@require_GET
def pay_page(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invoice = links.invoice_of(token)
    except links.LinkRefused as refusal:
        return refused_page(request, refusal, installation_of_token(token))
    installation = invoice.subscription.installation
    if payments.payment_underway(invoice):
        return _message(request, invoice, "underway", 200, title_key="paid_title")
    try:
        checkout, settled = payments.checkout_for_invoice(invoice)
    except STRIPE_DOWN as exc:
        return unavailable(request, installation, exc)
    except stripe.IdempotencyError as exc:
        # Not expected (the key names the amount); a clear page rather than an error, and a log line.
        logger.warning("pay page: invoice %s: %s", invoice.pk, exc)
        return refused_page(request, links.LinkRefused(503, "unavailable"), installation)
    except (stripe.InvalidRequestError, StripeAmountError) as exc:
        # Stripe refuses the amount (zero, below its minimum charge, not in its steps: a total with Saleor's
        # taxes, 5.578 KWD): it cannot be paid online, and is never sent.
        logger.warning("pay page: invoice %s cannot be paid online: %s", invoice.pk, exc)
        return _message(request, invoice, "not_payable", 409)
    if settled is not None:
        return paid_page(request, invoice, settled)
    last = PaymentAttempt.objects.filter(invoice=invoice).order_by("-number").first()
    needs_action = last is not None and last.status == PaymentAttempt.Status.REQUIRES_ACTION
    t, amount = words(installation.language), _amount(invoice)
    if links.payer_only(token):
        checkout = replace(checkout, saved_card=None)
    return page(
        request,
        "pay",
        installation,
        invoice=invoice,
        amount=amount,
        checkout=checkout,
        title=t["title"].format(number=invoice.number),
        intro=t[_intro(invoice, needs_action)],
        pay_saved=t["pay_saved"].format(card=checkout.saved_card.label) if checkout.saved_card else "",
        pay_button=t["pay_button"].format(amount=amount),
        complete_url=f"/pay/{token}/complete/",
        payer_only=links.payer_only(token),
        **_bank_form(
            installation,
            checkout,
            f"/pay/{token}/bank/",
            "bank_title",
            t["bank_pay_button"].format(amount=amount),
            pay=True,
            offer_default=not links.payer_only(token),
        ),
    )


@csrf_exempt
@require_POST
def pay_complete(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invoice = links.invoice_of(token, open_only=False)
    except links.LinkRefused as refusal:
        return refused_page(request, refusal, installation_of_token(token))
    installation = invoice.subscription.installation
    intent_id = request.POST.get("payment_intent", "")
    if not intent_id.startswith("pi_"):
        return not_done(request, installation, "not_paid", "payment_intent is missing", "invalid")
    try:
        outcome = payments.complete_invoice_payment(
            invoice,
            intent_id,
            make_default=request.POST.get("make_default") in ("on", "true", "1")
            and not links.payer_only(token),
        )
    except payments.PaymentNotAccepted as refused:
        return not_done(request, installation, "not_paid", refused.detail, refused.code)
    except stripe.InvalidRequestError:
        return not_done(request, installation, "not_paid", "unknown payment", "unknown_payment")
    except STRIPE_DOWN as exc:
        return unavailable(request, installation, exc)
    if outcome.get("state") in ("succeeded", "processing"):
        return paid_page(request, invoice, outcome)
    state = str(outcome.get("state", "unknown"))
    return not_done(request, installation, "not_paid", state, "not_paid", 402, retry_url=f"/pay/{token}/")


@csrf_protect  # sets the CSRF cookie the bank form's token goes with
@require_GET
def method_page(request: HttpRequest, token: str) -> HttpResponse:
    try:
        subscription = links.subscription_of(token)
    except links.LinkRefused as refusal:
        return refused_page(request, refusal)
    installation = subscription.installation
    try:
        checkout = payments.setup_for_subscription(subscription)
    except STRIPE_DOWN as exc:
        return unavailable(request, installation, exc)
    return page(
        request,
        "method",
        installation,
        subscription=subscription,
        checkout=checkout,
        current_card=(
            words(installation.language)["method_current"].format(card=checkout.saved_card.label)
            if checkout.saved_card
            else ""
        ),
        complete_url=f"/pay/method/{token}/complete/",
        **_bank_form(
            installation,
            checkout,
            f"/pay/method/{token}/bank/",
            "bank_method_title",
            words(installation.language)["bank_save_button"],
            pay=False,
            offer_default=False,
        ),
    )


@csrf_exempt
@require_POST
def method_complete(request: HttpRequest, token: str) -> HttpResponse:
    try:
        subscription: Subscription = links.subscription_of(token)
    except links.LinkRefused as refusal:
        return refused_page(request, refusal)
    installation = subscription.installation
    t = words(installation.language)
    try:
        payments.complete_setup(subscription, request.POST.get("setup_intent", ""))
    except payments.PaymentNotAccepted as refused:
        return not_done(request, installation, "method_not_saved", refused.detail, refused.code)
    except stripe.InvalidRequestError:
        return not_done(request, installation, "method_not_saved", "unknown set-up", "unknown_setup")
    except STRIPE_DOWN as exc:
        return unavailable(request, installation, exc)
    return page(
        request, "message", installation, title_key="paid_title", message=t["method_saved"], code="saved"
    )


def installation_of_token(token: str) -> Installation | None:
    pk = links.installation_id_of(token)
    return Installation.objects.filter(pk=pk).first() if pk is not None else None
