"""The shipping address of future deliveries: shown and changed by the customer, checked (required fields,
country code, the postal code of fixed-format countries), recorded as an event, refused for a subscription
that ships nothing or has ended."""

from __future__ import annotations

import html
from typing import Any

import pytest

from saleor_subscriptions.subscriptions.models import Subscription
from tests.portal.support import ANNA, BOB, csrf_token, shop, signed_in, subscription_of

pytestmark = pytest.mark.django_db

HOME = {
    "firstName": "Anna",
    "lastName": "de Vries",
    "streetAddress1": "Keizersgracht 1",
    "postalCode": "1015 CJ",
    "city": "Amsterdam",
    "country": "NL",
}


def _shipped(installation: Any, user_id: str = ANNA, **terms: Any) -> Subscription:
    subscription = subscription_of(installation, user_id, **terms)
    Subscription.objects.filter(pk=subscription.pk).update(shipping_address=HOME)
    return Subscription.objects.get(pk=subscription.pk)


def test_the_customer_changes_the_address_of_future_deliveries():
    coffee = shop()
    subscription = _shipped(coffee)
    client = signed_in(coffee, ANNA)
    assert (
        f'href="/portal/subscriptions/{subscription.pk}/address/"'
        in client.get(f"/portal/subscriptions/{subscription.pk}/").content.decode()
    )
    assert (
        'value="Keizersgracht 1"'
        in client.get(f"/portal/subscriptions/{subscription.pk}/address/").content.decode()
    )

    moved = {
        **HOME,
        "streetAddress1": " Grote  Markt 5 ",
        "postalCode": "1000",
        "city": "Brussel",
        "country": "be",
    }
    done = client.post(f"/portal/subscriptions/{subscription.pk}/address/", moved)

    assert done.status_code == 302 and done["Location"] == f"/portal/subscriptions/{subscription.pk}/?done=1"
    after = Subscription.objects.get(pk=subscription.pk)
    assert after.shipping_address == {
        **HOME,
        "streetAddress1": "Grote Markt 5",
        "postalCode": "1000",
        "city": "Brussel",
        "country": "BE",
    }
    event = after.events.get(kind="shipping_address_changed")
    assert (event.actor_type, event.actor_id) == ("customer", ANNA)
    assert event.data["from"] == HOME and event.data["to"]["city"] == "Brussel"


@pytest.mark.parametrize(
    ("change", "field", "reason"),
    [
        ({"city": ""}, "City", "this field is required"),
        ({"country": "XX"}, "Country code", "is not a country code"),
        ({"country": "Netherlands"}, "Country code", "at most 2 characters"),
        ({"postalCode": "ABC"}, "Postal code", "is not a postal code of NL"),
        ({"firstName": "A" * 257}, "First name", "at most 256 characters"),
    ],
)
def test_a_bad_address_is_refused_naming_the_field_and_nothing_changes(change, field, reason):
    coffee = shop()
    subscription = _shipped(coffee)
    client = signed_in(coffee, ANNA)

    refused = client.post(f"/portal/subscriptions/{subscription.pk}/address/", {**HOME, **change})

    text = refused.content.decode()
    assert refused.status_code == 400 and 'data-code="invalid_address"' in text and f"{field}:" in text
    assert reason in html.unescape(text)
    assert 'aria-invalid="true"' in text
    assert Subscription.objects.get(pk=subscription.pk).shipping_address == HOME
    assert (
        not Subscription.objects.get(pk=subscription.pk)
        .events.filter(kind="shipping_address_changed")
        .exists()
    )


def test_a_subscription_that_ships_nothing_or_has_ended_or_is_anothers_has_no_address_page():
    coffee = shop()
    digital = subscription_of(coffee, ANNA)
    ended = _shipped(coffee, status="cancelled")
    bobs = _shipped(coffee, BOB)
    client = signed_in(coffee, ANNA)
    assert "/address/" not in client.get(f"/portal/subscriptions/{digital.pk}/").content.decode()
    for subscription in (digital, ended, bobs):
        assert client.get(f"/portal/subscriptions/{subscription.pk}/address/").status_code == 404
        assert client.post(f"/portal/subscriptions/{subscription.pk}/address/", HOME).status_code == 404
    assert Subscription.objects.get(pk=bobs.pk).shipping_address == HOME


def test_the_form_needs_its_csrf_token_and_speaks_dutch():
    coffee = shop(language="nl")
    subscription = _shipped(coffee)
    client = signed_in(coffee, ANNA, csrf_checks=True)
    path = f"/portal/subscriptions/{subscription.pk}/address/"
    assert client.post(path, {**HOME, "city": "Utrecht"}).status_code == 403
    page = client.get(path).content.decode()
    assert "Bezorgadres van Coffee monthly" in page and "Postcode" in page
    token = csrf_token(client, path)
    assert client.post(path, {**HOME, "city": "Utrecht", "csrfmiddlewaretoken": token}).status_code == 302
    assert Subscription.objects.get(pk=subscription.pk).shipping_address["city"] == "Utrecht"
