"""The payment-method page (`/portal/payment-method/`): the method each subscription is charged to, every
method the customer saved (cards, SEPA Direct Debit accounts, the SEPA method an iDEAL or Bancontact payment
left), which one is the default renewals charge, and the customer's choice among them
(`payments.saved_methods`: make another the default; remove one, never the default).

One Stripe account per channel (`payments.accounts.account_for`): the methods are listed per account the
customer's subscriptions use (mostly one). A method id the customer does not own is `not_found` (404), and
removing the default is refused with `is_default` (400), both shown with their message and code."""

from __future__ import annotations

from typing import Any

import stripe
from django.http import HttpResponse, HttpResponseRedirect
from django.views.decorators.http import require_GET, require_POST

from saleor_subscriptions.invoicing.paid_with import paid_with_text
from saleor_subscriptions.payments.accounts import StripeSettingsError, account_for
from saleor_subscriptions.payments.models import StripeAccount
from saleor_subscriptions.payments.saved_methods import (
    SavedMethodError,
    SavedMethodErrorCode,
    remove,
    saved_methods,
    set_default,
)
from saleor_subscriptions.portal.views.common import Visit, portal_page
from saleor_subscriptions.portal.views.subscriptions import payment_method_label
from saleor_subscriptions.subscriptions.rules import ENDED

STRIPE_DOWN = (StripeSettingsError, stripe.APIConnectionError, stripe.APIError)


def _accounts(visit: Visit) -> list[tuple[StripeAccount, str]]:
    """The Stripe accounts of the channels the customer's subscriptions are in, with the customer key their
    payments were made under (the subscriptions'), once each."""
    found: dict[tuple[int, str], tuple[StripeAccount, str]] = {}
    owners = visit.subscriptions().values_list("channel_slug", "customer_key").distinct()
    for slug, key in sorted(set(owners)):
        try:
            account = account_for(visit.installation.pk, slug)
        except StripeSettingsError:
            continue
        found.setdefault((account.pk, key), (account, key))
    return list(found.values())


def _saved(visit: Visit) -> tuple[list[dict[str, Any]], bool]:
    rows: list[dict[str, Any]] = []
    try:
        for account, key in _accounts(visit):
            for method in saved_methods(account, key):
                label = paid_with_text(method.method, visit.language)
                rows.append(
                    {
                        "id": method.id,
                        "label": label,
                        "expires": visit.t["method_expires"].format(date=method.expires)
                        if method.expires
                        else "",
                        "is_default": method.is_default,
                        "default_label": visit.t["method_make_default"].format(method=label),
                        "remove_label": visit.t["method_remove"].format(method=label),
                    }
                )
    except STRIPE_DOWN:
        return rows, False
    return rows, True


def _page(visit: Visit, status: int = 200, **context: Any) -> HttpResponse:
    subscriptions = [
        {
            "pk": s.pk,
            "plan": s.plan_version.plan.name,
            "method": payment_method_label(visit, s),
            "update_label": visit.t["update_method"].format(plan=s.plan_version.plan.name),
        }
        for s in visit.subscriptions().exclude(status__in=ENDED).order_by("-pk")
    ]
    saved, reachable = _saved(visit)
    return visit.render(
        "payment_method",
        status,
        methods=subscriptions,
        saved=saved,
        saved_unavailable=not reachable,
        section="payment_method",
        **context,
    )


@require_GET
@portal_page
def payment_method(visit: Visit) -> HttpResponse:
    return _page(visit, notice=visit.t.get(f"method_done_{visit.request.GET.get('done', '')}", ""))


def _change(visit: Visit, payment_method_id: str, action: Any, done: str) -> HttpResponse:
    refusal: SavedMethodError | None = None
    for account, key in _accounts(visit):
        try:
            action(account, key, payment_method_id)
        except SavedMethodError as refused:
            if refused.code is SavedMethodErrorCode.NOT_FOUND:
                refusal = refusal or refused
                continue  # perhaps the method of another account
            refusal = refused
            break
        except STRIPE_DOWN:
            return _page(visit, 503, refusal=visit.t["method_unavailable"], refusal_code="unavailable")
        return HttpResponseRedirect(f"/portal/payment-method/?done={done}")
    code = refusal.code if refusal is not None else SavedMethodErrorCode.NOT_FOUND
    message = visit.t[f"method_refused_{code.value}"]
    status = 404 if code is SavedMethodErrorCode.NOT_FOUND else 400
    return _page(visit, status, refusal=visit.t["refused"].format(message=message), refusal_code=code.value)


@require_POST
@portal_page
def make_default(visit: Visit, payment_method_id: str) -> HttpResponse:
    return _change(visit, payment_method_id, set_default, "default")


@require_POST
@portal_page
def remove_method(visit: Visit, payment_method_id: str) -> HttpResponse:
    return _change(visit, payment_method_id, remove, "removed")
