"""Guests (who subscribed without an account) ask for a sign-in link with their order's email: a one-time,
short-lived link into the portal for that email's subscriptions in that shop, rate-limited per email and per
IP address, and a page that answers the same whether or not the email exists."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from saleor_subscriptions.notifications.models import OutgoingEmail
from saleor_subscriptions.portal.models import GuestLinkRequest, PortalLink
from saleor_subscriptions.portal.views.guests import PER_EMAIL, PER_IP
from saleor_subscriptions.subscriptions.models import Subscription
from tests.portal.support import ANNA, SHOP_URL, csrf_token, invoice_of, shop, subscription_of

pytestmark = pytest.mark.django_db

GUEST = "guest@example.com"


def _guest(installation: Any, email: str = GUEST, **terms: Any) -> Subscription:
    subscription = subscription_of(installation, "", **terms)
    Subscription.objects.filter(pk=subscription.pk).update(
        customer_email=email, customer_key=f"email:{email}"
    )
    return Subscription.objects.get(pk=subscription.pk)


def _ask(client: Client, installation: Any, email: str, ip: str = "203.0.113.7", **extra: str) -> Any:
    return client.post(f"/portal/guest/{installation.pk}/", {"email": email, **extra}, REMOTE_ADDR=ip)


def _link_in(email: OutgoingEmail) -> str:
    found = re.search(r"https?://[^\s]+/portal/enter/[^\s/]+/", email.text_body)
    assert found, email.text_body
    return urlsplit(found.group(0)).path


def test_a_guest_gets_a_one_time_link_to_their_own_subscriptions_only():
    coffee = shop()
    mine = _guest(coffee)
    invoice_of(mine, "INV-0001", "open")
    other_guest = _guest(coffee, "someone-else@example.com", name="Tea monthly")
    member = subscription_of(coffee, ANNA, name="Member monthly")
    Subscription.objects.filter(pk=member.pk).update(customer_email=GUEST)  # same email, but an account's
    client = Client()

    asked = _ask(client, coffee, " Guest@Example.com ", return_url=SHOP_URL)

    assert asked.status_code == 200
    [email] = OutgoingEmail.objects.filter(kind="portal_sign_in")
    assert email.to_email == GUEST and "works once, for 15 minutes" in email.text_body
    entry = _link_in(email)
    assert client.get(entry).status_code == 302
    overview = client.get("/portal/").content.decode()
    assert "Coffee monthly" in overview and "Tea monthly" not in overview and "Member monthly" not in overview
    assert client.get(f"/portal/subscriptions/{other_guest.pk}/").status_code == 404
    assert client.get(f"/portal/subscriptions/{member.pk}/").status_code == 404
    assert "INV-0001" in client.get("/portal/invoices/").content.decode()
    assert f'href="{SHOP_URL}"' in overview
    assert Client().get(entry).status_code == 410  # used


def test_a_guest_acts_through_the_lifecycle_as_the_customer():
    coffee = shop()
    subscription = _guest(coffee)
    client = Client()
    _ask(client, coffee, GUEST)
    client.get(_link_in(OutgoingEmail.objects.get(kind="portal_sign_in")))

    assert (
        client.post(f"/portal/subscriptions/{subscription.pk}/cancel/", {"reason": "moving"}).status_code
        == 302
    )

    event = Subscription.objects.get(pk=subscription.pk).events.get(kind="cancel_at_period_end")
    assert (event.actor_type, event.actor_id, event.reason) == ("customer", GUEST, "moving")


def test_the_link_expires_after_15_minutes():
    coffee = shop()
    _guest(coffee)
    _ask(Client(), coffee, GUEST)
    PortalLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert Client().get(_link_in(OutgoingEmail.objects.get(kind="portal_sign_in"))).status_code == 410


def test_the_page_answers_the_same_for_an_unknown_email_and_sends_nothing():
    coffee = shop()
    _guest(coffee)
    _guest(shop("https://other.example.com/graphql/"), "elsewhere@example.com")

    known = _ask(Client(), coffee, GUEST)
    unknown = _ask(Client(), coffee, "nobody@example.com")
    other_shop = _ask(Client(), coffee, "elsewhere@example.com")

    def shown(response: Any, email: str) -> str:
        text = response.content.decode()
        return re.sub(r'value="[^"]{20,}"', "", text).replace(email, "EMAIL")  # not the CSRF token

    assert known.status_code == unknown.status_code == other_shop.status_code == 200
    assert (
        shown(known, GUEST)
        == shown(unknown, "nobody@example.com")
        == shown(other_shop, "elsewhere@example.com")
    )
    assert list(OutgoingEmail.objects.values_list("to_email", flat=True)) == [GUEST]
    assert GuestLinkRequest.objects.count() == 3
    assert not GuestLinkRequest.objects.filter(email_digest__contains="@").exists()


def test_requests_are_limited_per_email_whether_or_not_it_exists():
    coffee = shop()
    _guest(coffee)
    for n in range(PER_EMAIL):
        assert _ask(Client(), coffee, GUEST, ip=f"203.0.113.{n}").status_code == 200
        assert _ask(Client(), coffee, "nobody@example.com", ip=f"198.51.100.{n}").status_code == 200

    limited = _ask(Client(), coffee, GUEST, ip="203.0.113.99")
    limited_unknown = _ask(Client(), coffee, "nobody@example.com", ip="198.51.100.99")

    assert limited.status_code == limited_unknown.status_code == 429
    assert "try again in an hour" in limited.content.decode() and limited["Retry-After"] == "3600"
    assert OutgoingEmail.objects.filter(kind="portal_sign_in").count() == PER_EMAIL
    GuestLinkRequest.objects.update(created_at=timezone.now() - timedelta(hours=1, seconds=1))
    assert _ask(Client(), coffee, GUEST).status_code == 200  # the hour has passed


def test_requests_are_limited_per_ip_address():
    coffee = shop()
    _guest(coffee)
    for n in range(PER_IP):
        assert _ask(Client(), coffee, f"person{n}@example.com").status_code == 200

    assert _ask(Client(), coffee, GUEST).status_code == 429
    assert _ask(Client(), coffee, GUEST, ip="192.0.2.1").status_code == 200
    assert OutgoingEmail.objects.filter(kind="portal_sign_in").count() == 1


def test_the_form_needs_its_csrf_token_and_an_email():
    coffee = shop()
    _guest(coffee)
    client = Client(enforce_csrf_checks=True)
    assert _ask(client, coffee, GUEST).status_code == 403
    token = csrf_token(client, f"/portal/guest/{coffee.pk}/")
    refused = _ask(client, coffee, "not an address", csrfmiddlewaretoken=token)
    assert refused.status_code == 400 and "Enter an email address" in refused.content.decode()
    assert _ask(client, coffee, GUEST, csrfmiddlewaretoken=token).status_code == 200
    assert GuestLinkRequest.objects.count() == 1


def test_the_page_speaks_the_shops_language_and_a_bad_return_url_is_dropped():
    coffee = shop(language="nl")
    assert "Stuur me een link" in Client().get(f"/portal/guest/{coffee.pk}/").content.decode()
    english = Client().get(f"/portal/guest/{coffee.pk}/?language=en&return_url=javascript:alert(1)")
    assert "Send me a link" in english.content.decode() and "javascript:" not in english.content.decode()
    assert Client().get("/portal/guest/999999/").status_code == 404


def test_a_guest_signs_out_to_the_sign_in_page_without_a_return_url():
    coffee = shop()
    _guest(coffee)
    client = Client()
    _ask(client, coffee, GUEST)
    client.get(_link_in(OutgoingEmail.objects.get(kind="portal_sign_in")))
    out = client.post("/portal/sign-out/")
    assert out.status_code == 302 and out["Location"] == f"/portal/guest/{coffee.pk}/"
    assert client.get("/portal/").status_code == 401
