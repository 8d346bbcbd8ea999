"""`customerPortalSessionCreate`: the customer's one-time URL into the portal, made with a customer token
only; refusals name the argument (docs/portal.md)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.test import Client

from saleor_subscriptions.api.ids import subscription_global_id
from saleor_subscriptions.portal.models import PortalLink
from saleor_subscriptions.portal.sessions import COOKIE
from tests.factories import make_plan_version, make_subscription

CREATE = """
mutation Portal($returnUrl: String!, $flow: PortalFlow) {
  customerPortalSessionCreate(returnUrl: $returnUrl, flow: $flow) {
    url expiresAt errors { field code message }
  }
}
"""
SHOP = "https://coffee.example.com/account"


def _mine(shop, user_id=None):
    version = make_plan_version(shop.installation)
    return make_subscription(version, customer_user_id=user_id or shop.saleor.customer.id, status="active")


def test_a_customer_gets_a_one_time_url_that_opens_the_portal(api, shop):
    made = api.data(CREATE, {"returnUrl": SHOP}, token=shop.customer_token())

    assert made["errors"] == [] and made["expiresAt"]
    link = PortalLink.objects.get()
    assert (link.installation_id, link.customer_user_id) == (shop.installation.pk, shop.saleor.customer.id)
    browser = Client()
    opened = browser.get(urlsplit(made["url"]).path)
    assert opened.status_code == 302 and COOKIE in opened.cookies
    assert SHOP in browser.get("/portal/").content.decode()  # "Back to the shop"


def test_a_deep_link_to_cancel_lands_on_the_subscriptions_cancel_form(api, shop):
    subscription = _mine(shop)
    flow = {"type": "SUBSCRIPTION_CANCEL", "subscriptionId": subscription_global_id(subscription.pk)}

    made = api.data(CREATE, {"returnUrl": SHOP, "flow": flow}, token=shop.customer_token())

    opened = Client().get(urlsplit(made["url"]).path)
    assert opened["Location"] == f"/portal/subscriptions/{subscription.pk}/?focus=cancel"


@pytest.mark.parametrize(
    ("variables", "field", "code"),
    [
        ({"returnUrl": "javascript:alert(1)"}, "returnUrl", "INVALID"),
        ({"returnUrl": "https://me:pw@coffee.example.com/"}, "returnUrl", "INVALID"),
        ({"returnUrl": SHOP, "flow": {"type": "SUBSCRIPTION_CANCEL"}}, "flow.subscriptionId", "REQUIRED"),
        ({"returnUrl": SHOP, "flow": {"type": "INVOICE_PAY"}}, "flow.invoiceNumber", "REQUIRED"),
        (
            {"returnUrl": SHOP, "flow": {"type": "INVOICE_PAY", "invoiceNumber": "INV-404"}},
            "flow.invoiceNumber",
            "NOT_FOUND",
        ),
    ],
)
def test_bad_arguments_are_refused_naming_the_field(api, shop, variables, field, code):
    made = api.data(CREATE, variables, token=shop.customer_token())
    assert made["url"] is None
    assert [(e["field"], e["code"]) for e in made["errors"]] == [(field, code)]
    assert not PortalLink.objects.exists()


def test_another_customers_subscription_is_not_found(api, shop):
    someone_else = _mine(shop, user_id="VXNlcjo5OTk=")
    flow = {"type": "SUBSCRIPTION_UPDATE", "subscriptionId": subscription_global_id(someone_else.pk)}
    made = api.data(CREATE, {"returnUrl": SHOP, "flow": flow}, token=shop.customer_token())
    assert [(e["field"], e["code"]) for e in made["errors"]] == [("flow.subscriptionId", "NOT_FOUND")]


def test_only_a_customer_token_may_ask(api, shop):
    _status, code = api.refused(CREATE, {"returnUrl": SHOP}, token=shop.staff_token())
    assert code == "AUTHENTICATION_REQUIRED"
    _status, code = api.refused(CREATE, {"returnUrl": SHOP}, api_url=shop.fake.api_url)
    assert code == "AUTHENTICATION_REQUIRED"
    assert not PortalLink.objects.exists()
