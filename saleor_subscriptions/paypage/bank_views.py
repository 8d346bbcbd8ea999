"""The pay page's bank forms over HTTP (`paypage.bank`): `POST /pay/<token>/bank/` pays the invoice by SEPA
Direct Debit, iDEAL or Bancontact, `GET /pay/<token>/return/` is where the bank sends the customer back;
`POST /pay/method/<token>/bank/` and `GET /pay/method/<token>/return/` save a bank method for renewals.

The forms are server-rendered with Django's CSRF token (`csrf_protect`). A refused form answers 400 with the
field at fault and the reason, and a link back to the form; what the bank or Stripe answers is read back
from Stripe, never taken from the browser."""

from __future__ import annotations

import stripe
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET, require_POST

from saleor_subscriptions.invoicing import links
from saleor_subscriptions.paypage import bank, payments
from saleor_subscriptions.paypage.views import (
    STRIPE_DOWN,
    installation_of_token,
    not_done,
    page,
    paid_page,
    refused_page,
    unavailable,
)
from saleor_subscriptions.paypage.wording import words
from saleor_subscriptions.subscriptions.models import Subscription
from saleor_subscriptions.tenants.models import Installation


def _truthy(value: str | None) -> bool:
    return value in ("on", "true", "1")


def _details(request: HttpRequest, subscription: Subscription, *, saving: bool) -> bank.BankDetails:
    return bank.read_form(
        request.POST,
        payments.offered_bank_methods(subscription),
        saving=saving,
        ip_address=str(request.META.get("REMOTE_ADDR") or ""),
        user_agent=str(request.META.get("HTTP_USER_AGENT") or ""),
    )


def _form_refused(
    request: HttpRequest, installation: Installation, refusal: bank.BankRefusal, key: str, retry_url: str
) -> HttpResponse:
    t = words(installation.language)
    field = t.get(f"field_{refusal.field}", refusal.field or "")
    reason = f"{field}: {refusal.message}" if field else refusal.message
    return not_done(request, installation, key, reason, str(refusal.code), 400, retry_url=retry_url)


@csrf_protect
@require_POST
def pay_bank(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invoice = links.invoice_of(token)
    except links.LinkRefused as refusal:
        return refused_page(request, refusal, installation_of_token(token))
    installation = invoice.subscription.installation
    save = _truthy(request.POST.get("make_default")) and not links.payer_only(token)
    retry_url = f"/pay/{token}/"
    try:
        details = _details(request, invoice.subscription, saving=save)
        outcome, redirect = payments.pay_invoice_by_bank(
            invoice,
            request.POST.get("payment_intent", ""),
            details,
            return_url=f"{settings.APP_URL}/pay/{token}/return/" + ("?save=1" if save else ""),
            save=save,
        )
    except bank.BankRefusal as refusal:
        return _form_refused(request, installation, refusal, "not_paid", retry_url)
    except payments.PaymentNotAccepted as refused:
        return not_done(request, installation, "not_paid", refused.detail, str(refused.code))
    except stripe.InvalidRequestError:
        return not_done(request, installation, "not_paid", "unknown payment", "unknown_payment")
    except STRIPE_DOWN as exc:
        return unavailable(request, installation, exc)
    if redirect:
        return HttpResponseRedirect(redirect)
    if outcome.get("state") in ("succeeded", "processing"):
        return paid_page(request, invoice, outcome)
    reason = str(outcome.get("reason") or outcome.get("state") or "unknown")
    return not_done(request, installation, "not_paid", reason, "not_paid", 402, retry_url=retry_url)


@require_GET
def pay_return(request: HttpRequest, token: str) -> HttpResponse:
    """Back from the bank (Stripe adds `payment_intent`): the intent read back from Stripe settles the
    invoice, as the card form's completion does."""
    try:
        invoice = links.invoice_of(token, open_only=False)
    except links.LinkRefused as refusal:
        return refused_page(request, refusal, installation_of_token(token))
    installation = invoice.subscription.installation
    intent_id = request.GET.get("payment_intent", "")
    if not intent_id.startswith("pi_"):
        return not_done(request, installation, "not_paid", "payment_intent is missing", "invalid")
    save = request.GET.get("save") == "1" and not links.payer_only(token)
    try:
        outcome = payments.complete_invoice_payment(invoice, intent_id, make_default=save)
    except payments.PaymentNotAccepted as refused:
        return not_done(request, installation, "not_paid", refused.detail, str(refused.code))
    except stripe.InvalidRequestError:
        return not_done(request, installation, "not_paid", "unknown payment", "unknown_payment")
    except STRIPE_DOWN as exc:
        return unavailable(request, installation, exc)
    if outcome.get("state") in ("succeeded", "processing"):
        return paid_page(request, invoice, outcome)
    t = words(installation.language)
    return not_done(
        request, installation, "not_paid", t["bank_refused"], "not_paid", 402, retry_url=f"/pay/{token}/"
    )


@csrf_protect
@require_POST
def method_bank(request: HttpRequest, token: str) -> HttpResponse:
    try:
        subscription = links.subscription_of(token)
    except links.LinkRefused as refusal:
        return refused_page(request, refusal)
    installation = subscription.installation
    retry_url = f"/pay/method/{token}/"
    try:
        details = _details(request, subscription, saving=True)
        setup_id, redirect = payments.setup_by_bank(
            subscription, details, return_url=f"{settings.APP_URL}/pay/method/{token}/return/"
        )
        if redirect:
            return HttpResponseRedirect(redirect)
        payments.complete_setup(subscription, setup_id)
    except bank.BankRefusal as refusal:
        return _form_refused(request, installation, refusal, "method_not_saved", retry_url)
    except payments.PaymentNotAccepted as refused:
        return not_done(request, installation, "method_not_saved", refused.detail, str(refused.code))
    except STRIPE_DOWN as exc:
        return unavailable(request, installation, exc)
    return _saved(request, installation)


def _saved(request: HttpRequest, installation: Installation) -> HttpResponse:
    t = words(installation.language)
    return page(
        request, "message", installation, title_key="paid_title", message=t["method_saved"], code="saved"
    )


@require_GET
def method_return(request: HttpRequest, token: str) -> HttpResponse:
    """Back from the bank (Stripe adds `setup_intent`): the SEPA Direct Debit method it generated becomes
    the one renewals charge."""
    try:
        subscription = links.subscription_of(token)
    except links.LinkRefused as refusal:
        return refused_page(request, refusal)
    installation = subscription.installation
    try:
        payments.complete_setup(subscription, request.GET.get("setup_intent", ""))
    except payments.PaymentNotAccepted as refused:
        return not_done(
            request,
            installation,
            "method_not_saved",
            refused.detail,
            str(refused.code),
            retry_url=f"/pay/method/{token}/",
        )
    except stripe.InvalidRequestError:
        return not_done(request, installation, "method_not_saved", "unknown set-up", "unknown_setup")
    except STRIPE_DOWN as exc:
        return unavailable(request, installation, exc)
    return _saved(request, installation)
