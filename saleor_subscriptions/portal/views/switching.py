"""Changing plan: the customer picks a plan (and a discount code), sees the exact lines and what is charged
today (the lifecycle's switch preview, nothing changed), then confirms; the confirm POST switches through
the lifecycle with the same plan, timing and code, re-checked there."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.views.decorators.http import require_GET, require_POST

from saleor_subscriptions.billing.pricing import PricedLine
from saleor_subscriptions.billing.wording_lines import describe
from saleor_subscriptions.lifecycle.self_service import (
    CustomerRequestRefused,
    preview_customer_switch,
    switch_for_customer,
    switch_target,
)
from saleor_subscriptions.portal.shop_settings import ForbiddenByShop, check_allowed
from saleor_subscriptions.portal.views.common import Visit, portal_page
from saleor_subscriptions.portal.views.subscriptions import _act, _int, forbidden_page, subscription_page
from saleor_subscriptions.subscriptions.errors import LifecycleError

CODE_MAX = 64


def _lines(visit: Visit, lines: tuple[PricedLine, ...], currency: str) -> list[dict[str, str]]:
    """The preview's lines written in the portal's language from their facts."""
    shown = []
    for line in lines:
        text = describe(line.facts, visit.language)
        description = text.description if text is not None else line.description
        shown.append({"description": description, "amount": visit.money(line.amount, currency)})
    return shown


def _choice(visit: Visit) -> tuple[str, int | None, str]:
    data = visit.request.POST if visit.request.method == "POST" else visit.request.GET
    plan_text = data.get("plan", "")
    return plan_text, _int(plan_text), data.get("code", "").strip()[:CODE_MAX]


@require_GET
@portal_page
def preview(visit: Visit, pk: int) -> HttpResponse:
    subscription = visit.subscription(pk)
    try:
        check_allowed(visit.installation, "switch")
    except ForbiddenByShop as refused:
        return forbidden_page(visit, subscription, refused)
    plan_text, plan_pk, code = _choice(visit)
    try:
        version = switch_target(subscription, plan_pk, plan_text)
        shown = preview_customer_switch(subscription, version, timing=None, discount_code=code or None)
    except (LifecycleError, CustomerRequestRefused) as refused:
        message = visit.t["refused"].format(message=refused.message)
        code_value = refused.code.value
        return subscription_page(visit, subscription, 400, refusal=message, refusal_code=code_value)
    currency = subscription.currency
    context: dict[str, Any] = {
        "sub_pk": subscription.pk,
        "plan_pk": version.plan.pk,
        "code": code,
        "title": visit.t["preview_title"].format(plan=version.plan.name),
        "effective": visit.t["preview_effective"].format(day=visit.day(shown.effective_on)),
        "lines": _lines(visit, shown.lines, currency),
        "amount_due_now": visit.money(shown.amount_due_now, currency),
        "credit_now": visit.money(shown.credit_now, currency) if shown.credit_now else "",
        "next_lines": _lines(visit, shown.next_period_lines, currency),
        "next_total": visit.money(shown.next_period_total, currency),
        "timing": shown.timing,
        "section": "subscriptions",
    }
    return visit.render("switch_preview", **context)


@require_POST
@portal_page
def confirm(visit: Visit, pk: int) -> HttpResponse:
    subscription = visit.subscription(pk)
    try:
        check_allowed(visit.installation, "switch")
    except ForbiddenByShop as refused:
        return forbidden_page(visit, subscription, refused)
    plan_text, plan_pk, code = _choice(visit)
    timing = visit.request.POST.get("timing")
    try:
        version = switch_target(subscription, plan_pk, plan_text)
    except CustomerRequestRefused as refused:
        message = visit.t["refused"].format(message=refused.message)
        return subscription_page(visit, subscription, 400, refusal=message, refusal_code=refused.code.value)
    # The timing the preview showed, so that what is confirmed is what was previewed.
    chosen = timing if timing in ("now", "period_end") else None
    return _act(visit, pk, switch_for_customer(version, timing=chosen, discount_code=code or None), "switch")  # type: ignore[arg-type]
