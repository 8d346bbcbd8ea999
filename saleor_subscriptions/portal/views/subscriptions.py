"""The customer's subscriptions: the list, one subscription's page, and its actions (each a POST with a CSRF
token, re-checked by the lifecycle through `self_service`, its refusal shown with the lifecycle's message)."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.http import HttpResponse, HttpResponseRedirect
from django.views.decorators.http import require_GET, require_POST

from saleor_subscriptions import lifecycle
from saleor_subscriptions.billing.states import Actor, Transition
from saleor_subscriptions.catalog.models import Plan
from saleor_subscriptions.invoicing.documents import formatting as fmt
from saleor_subscriptions.invoicing.links import pay_url
from saleor_subscriptions.lifecycle.addresses import ships
from saleor_subscriptions.lifecycle.pricing import unit_price
from saleor_subscriptions.lifecycle.self_service import (
    Action,
    CustomerRequestRefused,
    act_for_customer,
)
from saleor_subscriptions.lifecycle.transition import allowed, moment_of
from saleor_subscriptions.payments.accounts import StripeSettingsError, account_for
from saleor_subscriptions.payments.customers import recorded_method
from saleor_subscriptions.portal.shop_settings import ForbiddenByShop, check_allowed, forbidden
from saleor_subscriptions.portal.views.common import Visit, portal_page
from saleor_subscriptions.portal.views.paying import portal_url, reactivation
from saleor_subscriptions.subscriptions.errors import LifecycleError
from saleor_subscriptions.subscriptions.models import Subscription

OFFERS = {
    "cancel": (Transition.CANCEL_AT_PERIOD_END, Transition.CANCEL_NOW),
    "undo": (Transition.UNDO_CANCEL,),
    "pause": (Transition.PAUSE,),
    "skip": (Transition.SKIP,),
    "resume": (Transition.RESUME,),
    "quantity": (Transition.CHANGE_QUANTITY,),
    "switch": (Transition.SWITCH_PLAN,),
}


def offers(subscription: Subscription) -> dict[str, bool]:
    """Which actions the plan's terms and the state allow the customer now (the lifecycle's own check)."""
    today = moment_of(subscription).today
    found: dict[str, bool] = {}
    for name, transitions in OFFERS.items():
        found[name] = False
        for transition in transitions:
            try:
                allowed(subscription, transition, Actor.CUSTOMER, today)
            except LifecycleError:
                continue
            found[name] = True
    return found


def payment_method_label(visit: Visit, subscription: Subscription) -> str:
    try:
        account = account_for(subscription.installation_id, subscription.channel_slug)
    except StripeSettingsError:
        return visit.t["method_none"]
    saved = recorded_method(account, subscription.customer_key)
    if saved is None:
        return visit.t["method_none"]
    return visit.t.get(f"method_{saved.payment_method_type}", saved.payment_method_type)


def describe(visit: Visit, subscription: Subscription) -> dict[str, Any]:
    """What a page shows of a subscription, in the visit's language."""
    t, language = visit.t, visit.fmt_language
    version = subscription.plan_version
    try:
        price = fmt.price_per_interval(
            unit_price(subscription) * subscription.quantity,
            subscription.currency,
            version.interval,
            version.interval_count,
            language,
        )
    except LifecycleError:
        price = ""
    next_charge = t["none"]
    if subscription.status == "paused":
        next_charge = t["next_after_pause"]  # the boundaries of the pause bill nothing
    elif subscription.next_billing_at is not None:
        next_charge = visit.day(fmt.local_date(subscription.next_billing_at, subscription.time_zone))
        if subscription.current_period_index + 1 in subscription.skip_periods:
            next_charge = t["next_skipped"].format(day=next_charge)
    pending = subscription.pending_plan_version
    return {
        "pk": subscription.pk,
        "plan": version.plan.name,
        "manage": t["manage"].format(plan=version.plan.name),
        "update_method": t["update_method"].format(plan=version.plan.name),
        "status": t.get(f"status_{subscription.status}", subscription.status),
        "status_code": subscription.status,
        "price": price,
        "quantity": subscription.quantity,
        "next_charge": next_charge,
        "period": fmt.period(subscription.current_period_start, subscription.current_period_end, language),
        "cancel_at": t["cancel_at"].format(day=visit.day(subscription.cancel_at))
        if subscription.cancel_at
        else "",
        "pending_plan": t["pending_plan"].format(plan=pending.plan.name) if pending is not None else "",
        "pending_quantity": (
            t["pending_quantity"].format(quantity=subscription.pending_quantity)
            if subscription.pending_quantity
            else ""
        ),
        "payment_method": payment_method_label(visit, subscription),
    }


@require_GET
@portal_page
def overview(visit: Visit) -> HttpResponse:
    subscriptions = [describe(visit, s) for s in visit.subscriptions().order_by("-pk")]
    return visit.render("overview", subscriptions=subscriptions, section="subscriptions")


def switch_plans(subscription: Subscription) -> list[Plan]:
    """The other active plans of the subscription's channel and currency (the lifecycle checks the rest)."""
    return list(
        Plan.objects.filter(
            installation_id=subscription.installation_id,
            channel_slug=subscription.channel_slug,
            currency=subscription.currency,
            status="active",
        )
        .exclude(pk=subscription.plan_version.plan_id)
        .order_by("name", "pk")
    )


def _reactivation(visit: Visit, subscription: Subscription) -> dict[str, str] | None:
    found = reactivation(subscription)
    if found is None:
        return None
    invoice, deadline = found
    amount = visit.money(invoice.amount_due, invoice.currency)
    number = invoice.number or ""
    return {
        "intro": visit.t["reactivate_intro"].format(
            number=number, amount=amount, day=visit.day(deadline) if deadline else ""
        ),
        "button": visit.t["reactivate_button"].format(number=number),
    }


def subscription_page(
    visit: Visit, subscription: Subscription, status: int = 200, **context: Any
) -> HttpResponse:
    kept = forbidden(visit.installation)
    offered = {
        name: allowed and SHOP_SETTING.get(name) not in kept for name, allowed in offers(subscription).items()
    }
    return visit.render(
        "subscription",
        status,
        sub=describe(visit, subscription),
        offers=offered,
        plans=switch_plans(subscription),
        reactivate=_reactivation(visit, subscription),
        ships=ships(subscription) and "address" not in kept,
        section="subscriptions",
        **context,
    )


@require_GET
@portal_page
def detail(visit: Visit, pk: int) -> HttpResponse:
    subscription = visit.subscription(pk)
    done = visit.request.GET.get("done") == "1"
    focus = visit.request.GET.get("focus", "")
    return subscription_page(
        visit, subscription, done=done, focus=focus if focus in ("cancel", "switch") else ""
    )


SHOP_SETTING = {"cancel": "cancel", "pause": "pause", "skip": "pause", "resume": "pause"}
SHOP_SETTING |= {"quantity": "quantity", "switch": "switch"}
"""The shop's self-service right (`tenants.self_service.ACTIONS`) behind each offer; undoing a cancellation is
always the customer's."""


def forbidden_page(visit: Visit, subscription: Subscription, refused: ForbiddenByShop) -> HttpResponse:
    message = visit.t["refused"].format(message=refused.message)
    return subscription_page(visit, subscription, 403, refusal=message, refusal_code=refused.code.value)


def _act(visit: Visit, pk: int, action: Action, setting: str | None) -> HttpResponse:
    """Runs one action as the customer (unless the shop keeps it to its staff); back to the subscription's
    page, saying done or why not."""
    subscription = visit.subscription(pk)
    try:
        if setting is not None:
            check_allowed(visit.installation, setting)
    except ForbiddenByShop as refused:
        return forbidden_page(visit, subscription, refused)
    reason = visit.request.POST.get("reason", "").strip()
    try:
        act_for_customer(subscription, action, user_id=visit.actor_id, reason=reason)
    except (LifecycleError, CustomerRequestRefused) as refused:
        message = visit.t["refused"].format(message=refused.message)
        code = refused.code.value
        return subscription_page(visit, visit.subscription(pk), 400, refusal=message, refusal_code=code)
    return HttpResponseRedirect(f"/portal/subscriptions/{pk}/?done=1")


def _int(value: str) -> int | None:
    return int(value) if value.strip().isdigit() and len(value.strip()) < 10 else None


@require_POST
@portal_page
def cancel(visit: Visit, pk: int) -> HttpResponse:
    return _act(visit, pk, lifecycle.cancel_subscription, "cancel")


@require_POST
@portal_page
def undo_cancel(visit: Visit, pk: int) -> HttpResponse:
    return _act(visit, pk, lifecycle.undo_cancel, None)


@require_POST
@portal_page
def pause(visit: Visit, pk: int) -> HttpResponse:
    return _act(visit, pk, lifecycle.pause_subscription, "pause")


@require_POST
@portal_page
def skip(visit: Visit, pk: int) -> HttpResponse:
    return _act(visit, pk, lifecycle.skip_next_period, "pause")


@require_POST
@portal_page
def resume(visit: Visit, pk: int) -> HttpResponse:
    return _act(visit, pk, lifecycle.resume_subscription, "pause")


@require_POST
@portal_page
def quantity(visit: Visit, pk: int) -> HttpResponse:
    wanted = _int(visit.request.POST.get("quantity", ""))
    # Not a number: 0, which the lifecycle refuses with its own message naming the quantity.
    return _act(visit, pk, partial(_change_quantity, quantity=wanted or 0), "quantity")


@require_POST
@portal_page
def reactivate(visit: Visit, pk: int) -> HttpResponse:
    """To the pay page of the invoice whose payment brings the cancelled subscription back (re-checked here
    through the lifecycle, and again when the payment arrives); its "Back" leads to this subscription."""
    subscription = visit.subscription(pk)
    found = reactivation(subscription)
    if found is None:
        return subscription_page(
            visit,
            subscription,
            400,
            refusal=visit.t["refused"].format(message=visit.t["reactivate_refused"]),
            refusal_code="reactivation_closed",
        )
    return HttpResponseRedirect(pay_url(found[0], return_to=portal_url(f"subscriptions/{pk}/")))


def _change_quantity(subscription: Subscription, *, quantity: int, **who: Any) -> Subscription:
    return lifecycle.change_quantity(subscription, quantity, **who)
