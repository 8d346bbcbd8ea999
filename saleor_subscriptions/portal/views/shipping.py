"""The shipping address of a subscription's future deliveries: shown, and changed through
`lifecycle.change_shipping_address` with the customer as actor (its checks, the same as staff's; a refusal
names the field and changes nothing)."""

from __future__ import annotations

from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.views.decorators.http import require_http_methods

from saleor_subscriptions.billing.states import Actor
from saleor_subscriptions.lifecycle.addresses import (
    ADDRESS_FIELD_LENGTHS,
    REQUIRED_ADDRESS_FIELDS,
    change_shipping_address,
    ships,
)
from saleor_subscriptions.portal.shop_settings import ForbiddenByShop, check_allowed
from saleor_subscriptions.portal.views.common import Visit, portal_page
from saleor_subscriptions.portal.views.subscriptions import forbidden_page
from saleor_subscriptions.subscriptions.errors import LifecycleError

SHOWN = (
    "firstName",
    "lastName",
    "companyName",
    "streetAddress1",
    "streetAddress2",
    "postalCode",
    "city",
    "countryArea",
    "country",
    "phone",
)


@require_http_methods(["GET", "POST"])
@portal_page
def address(visit: Visit, pk: int) -> HttpResponse:
    subscription = visit.subscription(pk)
    if not ships(subscription):
        raise Http404("this subscription has no deliveries to address")
    try:
        check_allowed(visit.installation, "address")
    except ForbiddenByShop as refused:
        return forbidden_page(visit, subscription, refused)
    values = {name: str(subscription.shipping_address.get(name) or "") for name in SHOWN}
    status, context = 200, {}
    if visit.request.method == "POST":
        values = {
            name: visit.request.POST.get(name, "")[: ADDRESS_FIELD_LENGTHS[name] + 50] for name in SHOWN
        }
        try:
            change_shipping_address(subscription, values, actor=Actor.CUSTOMER, actor_id=visit.actor_id)
        except LifecycleError as refused:
            field = refused.field or ""
            label = visit.t.get(f"address_{field}", field)
            message = visit.t["address_refused"].format(field=label, message=refused.message)
            status, context = (
                400,
                {"refusal": message, "refusal_code": refused.code.value, "bad_field": field},
            )
        else:
            return HttpResponseRedirect(f"/portal/subscriptions/{pk}/?done=1")
    fields = [
        {
            "name": name,
            "label": visit.t[f"address_{name}"],
            "value": values[name],
            "required": name in REQUIRED_ADDRESS_FIELDS,
        }
        for name in SHOWN
    ]
    plan = subscription.plan_version.plan.name
    return visit.render(
        "shipping_address",
        status,
        sub_pk=subscription.pk,
        title=visit.t["address_title"].format(plan=plan),
        fields=fields,
        section="subscriptions",
        **context,
    )
