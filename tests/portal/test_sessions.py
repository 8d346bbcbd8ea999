"""Getting into the portal: a one-time link valid minutes, a session cookie bound to one customer of one shop,
ended by idle time and by its absolute lifetime (docs/portal.md)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from saleor_subscriptions.portal.models import PortalFlow, PortalLink, PortalSession
from saleor_subscriptions.portal.sessions import (
    COOKIE,
    ENTRY_MINUTES,
    EntryRefused,
    FlowTarget,
    check_return_url,
    create_link,
)
from tests.portal.support import ANNA, BOB, SHOP_URL, entry_path, invoice_of, shop, signed_in, subscription_of

pytestmark = pytest.mark.django_db


def test_the_link_opens_a_session_once_with_a_strict_cookie(settings):
    settings.APP_URL = "https://billing.example.com"
    coffee = shop()
    path = entry_path(coffee, ANNA)

    first = Client().get(path)

    assert first.status_code == 302 and first["Location"] == "/portal/"
    cookie = first.cookies[COOKIE]
    assert cookie["httponly"] and cookie["secure"] and cookie["samesite"] == "Lax"
    assert cookie["path"] == "/portal/"
    assert PortalSession.objects.get().customer_user_id == ANNA
    again = Client().get(path)
    assert again.status_code == 410 and "used already" in again.content.decode()
    assert "<h1>This link cannot be used</h1>" in again.content.decode()
    assert PortalSession.objects.count() == 1


def test_on_plain_http_in_development_the_cookie_is_not_secure(settings):
    settings.APP_URL = "http://127.0.0.1:8000"
    first = Client().get(entry_path(shop(), ANNA))
    assert first.cookies[COOKIE]["secure"] == ""


def test_no_secret_is_stored_in_the_database():
    coffee = shop()
    path = entry_path(coffee, ANNA)
    client = Client()
    client.get(path)
    key = client.cookies[COOKIE].value
    link, session = PortalLink.objects.get(), PortalSession.objects.get()
    assert key not in session.key_digest and len(session.key_digest) == 64
    assert path.split("/")[-2] not in link.nonce_digest


def test_a_link_not_used_within_minutes_has_expired():
    coffee = shop()
    path = entry_path(coffee, ANNA)
    link = PortalLink.objects.get()
    assert link.expires_at - link.created_at == timedelta(minutes=ENTRY_MINUTES)
    PortalLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    late = Client().get(path)

    assert late.status_code == 410 and "expired" in late.content.decode()
    assert PortalSession.objects.count() == 0


def test_a_forged_link_opens_nothing():
    shop()
    assert Client().get("/portal/enter/not-a-token/").status_code == 400
    assert PortalSession.objects.count() == 0


def test_a_session_idle_longer_than_the_setting_has_ended(settings):
    settings.PORTAL_IDLE_MINUTES = 30
    client = signed_in(shop(), ANNA)
    assert client.get("/portal/").status_code == 200
    PortalSession.objects.update(last_seen_at=timezone.now() - timedelta(minutes=29))
    assert client.get("/portal/").status_code == 200  # seen again: the idle time starts over

    PortalSession.objects.update(last_seen_at=timezone.now() - timedelta(minutes=31))

    idle = client.get("/portal/")
    assert idle.status_code == 401 and "Your session has ended" in idle.content.decode()
    assert PortalSession.objects.get().ended_at is not None
    PortalSession.objects.update(last_seen_at=timezone.now())  # ended stays ended
    assert client.get("/portal/").status_code == 401


def test_a_busy_session_still_ends_at_its_absolute_lifetime():
    client = signed_in(shop(), ANNA)
    PortalSession.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get("/portal/").status_code == 401


def test_signing_out_ends_the_session_and_returns_to_the_shop():
    client = signed_in(shop(), ANNA)
    out = client.post("/portal/sign-out/")
    assert out.status_code == 302 and out["Location"] == SHOP_URL
    assert client.get("/portal/").status_code == 401


def test_without_a_cookie_nothing_is_shown():
    coffee = shop()
    subscription = subscription_of(coffee, ANNA)
    response = Client().get(f"/portal/subscriptions/{subscription.pk}/")
    assert response.status_code == 401 and "Coffee monthly" not in response.content.decode()


def test_customer_a_never_sees_customer_bs_subscription_or_invoice():
    coffee = shop()
    annas, bobs = subscription_of(coffee, ANNA), subscription_of(coffee, BOB, name="Tea weekly")
    bobs_invoice = invoice_of(bobs, "INV-2")
    anna = signed_in(coffee, ANNA)

    overview = anna.get("/portal/").content.decode()

    assert "Coffee monthly" in overview and "Tea weekly" not in overview
    assert anna.get(f"/portal/subscriptions/{annas.pk}/").status_code == 200
    assert anna.get(f"/portal/subscriptions/{bobs.pk}/").status_code == 404
    assert anna.post(f"/portal/subscriptions/{bobs.pk}/cancel/").status_code == 404
    assert anna.get(f"/portal/invoices/{bobs_invoice.pk}/pdf/").status_code == 404
    assert "INV-2" not in anna.get("/portal/invoices/").content.decode()
    bobs.refresh_from_db()
    assert not bobs.cancel_at_period_end and not bobs.events.exists()


def test_a_session_of_another_shop_sees_nothing_of_this_one():
    coffee, tea = shop(), shop("https://tea.example.com/graphql/", name="Tea House")
    annas = subscription_of(coffee, ANNA)
    invoice = invoice_of(annas, "INV-1")
    same_user_elsewhere = signed_in(tea, ANNA)  # the same Saleor user id, another Saleor

    overview = same_user_elsewhere.get("/portal/").content.decode()

    assert "Tea House" in overview and "Coffee monthly" not in overview
    assert same_user_elsewhere.get(f"/portal/subscriptions/{annas.pk}/").status_code == 404
    assert same_user_elsewhere.get(f"/portal/invoices/{invoice.pk}/pdf/").status_code == 404


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("javascript:alert(1)", "absolute http or https"),
        ("/account", "absolute http or https"),
        ("ftp://shop.example.com/", "absolute http or https"),
        ("https://user:secret@shop.example.com/", "user name or password"),
        ("https://shop.example.com/" + "a" * 2000, "at most 2000 characters"),
        ("https://shop.example.com/a b", "spaces"),
    ],
)
def test_a_return_url_is_refused_naming_the_field_and_the_reason(url, reason):
    with pytest.raises(EntryRefused) as refused:
        check_return_url(url)
    assert refused.value.field == "return_url" and reason in refused.value.message


def test_a_deep_link_to_someone_elses_subscription_is_refused():
    coffee = shop()
    bobs = subscription_of(coffee, BOB)
    with pytest.raises(EntryRefused) as refused:
        create_link(
            coffee,
            user_id=ANNA,
            email="anna@example.com",
            return_url=SHOP_URL,
            target=FlowTarget(PortalFlow.SUBSCRIPTION_CANCEL, bobs.pk),
        )
    assert (refused.value.field, refused.value.code) == ("subscription_id", "not_found")
