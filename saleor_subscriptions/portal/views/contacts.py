"""Billing contacts, as the customer manages them: the people who also receive the invoices and payment
requests and may pay them (each through their own link), but change nothing. Adding and removing go through
`subscriptions.contacts`, with its checks (the shop's `self_service_contacts` among them)."""

from __future__ import annotations

from django.http import HttpResponse, HttpResponseRedirect
from django.views.decorators.http import require_GET, require_POST

from saleor_subscriptions.portal.shop_settings import forbidden
from saleor_subscriptions.portal.views.common import Visit, portal_page
from saleor_subscriptions.subscriptions.contacts import (
    MAX_CONTACTS,
    ContactErrorCode,
    ContactRefused,
    active_contacts,
    add_contact,
    remove_contact,
)


def contacts_page(visit: Visit, status: int = 200, **context: object) -> HttpResponse:
    rows = [
        {"pk": c.pk, "email": c.email, "remove_label": visit.t["contact_remove"].format(email=c.email)}
        for c in active_contacts(visit.installation.pk, visit.customer_key)
    ]
    may_add = "contacts" not in forbidden(visit.installation)
    return visit.render(
        "contacts",
        status,
        contacts=rows,
        max_contacts=MAX_CONTACTS if may_add else 0,
        section="contacts",
        **context,
    )


@require_GET
@portal_page
def contacts(visit: Visit) -> HttpResponse:
    done = visit.request.GET.get("done", "")
    return contacts_page(
        visit, done=visit.t.get(f"contact_{done}_done", "") if done in ("added", "removed") else ""
    )


def _refused(visit: Visit, refused: ContactRefused, email: str = "") -> HttpResponse:
    """The page again with the refusal: 403 when the shop keeps naming contacts to its staff, else 400."""
    message = visit.t["refused"].format(message=refused.message)
    status = 403 if refused.code is ContactErrorCode.FORBIDDEN_BY_SHOP else 400
    return contacts_page(visit, status, refusal=message, refusal_code=refused.code.value, email=email)


@require_POST
@portal_page
def add(visit: Visit) -> HttpResponse:
    email = visit.request.POST.get("email", "")
    try:
        add_contact(
            visit.installation,
            visit.customer_key,
            email,
            subscriptions=list(visit.subscriptions()),
            actor_id=visit.actor_id,
        )
    except ContactRefused as refused:
        return _refused(visit, refused, email[:300])
    return HttpResponseRedirect("/portal/contacts/?done=added")


@require_POST
@portal_page
def remove(visit: Visit, pk: int) -> HttpResponse:
    try:
        remove_contact(
            visit.installation,
            visit.customer_key,
            pk,
            subscriptions=list(visit.subscriptions()),
            actor_id=visit.actor_id,
        )
    except ContactRefused as refused:
        return _refused(visit, refused)
    return HttpResponseRedirect("/portal/contacts/?done=removed")
