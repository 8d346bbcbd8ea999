"""Staff and customers change where future renewal orders ship (BILLING_RULES §7): the address is checked
first (the names, a street and a city, a country Saleor knows, Saleor's field lengths, the postal code of the
fixed-format countries), stored in the AddressInput shape the renewal
orders are made with, and written on an event; a refused address changes nothing."""

from __future__ import annotations

import pytest

from saleor_subscriptions.billing.states import Actor
from saleor_subscriptions.lifecycle import change_shipping_address
from saleor_subscriptions.lifecycle.addresses import checked_address, country_codes
from saleor_subscriptions.saleor.addresses import address_input
from saleor_subscriptions.subscriptions.errors import LifecycleError
from saleor_subscriptions.tenants.models import Installation
from tests.lifecycle.helpers import STAFF, at, events, last_event
from tests.renewals.support import plan, reload, sandbox, signed_up

pytestmark = pytest.mark.django_db

HOME = {
    "firstName": "Piet",
    "lastName": "Jansen",
    "streetAddress1": "Keizersgracht 1",
    "city": "Amsterdam",
    "postalCode": "1015 CJ",
    "country": "nl",
}


def test_future_renewal_orders_ship_to_the_new_address():
    shop = sandbox(at(2026, 11, 16))
    sub = signed_up(plan(shop, "30.00"))
    sub.shipping_address = {"streetAddress1": "Oude Gracht 2", "city": "Utrecht", "country": "NL"}
    sub.save()

    change_shipping_address(sub, HOME, actor=STAFF, actor_id="VXNlcjox", reason="moved")

    stored = reload(sub).shipping_address
    assert stored == {**HOME, "country": "NL"}
    event = last_event(sub)
    assert (event.kind, event.actor_type, event.actor_id, event.reason) == (
        "shipping_address_changed",
        "staff",
        "VXNlcjox",
        "moved",
    )
    assert event.data["from"]["city"] == "Utrecht" and event.data["to"]["city"] == "Amsterdam"
    assert address_input(stored) == stored  # what a renewal order sends as its shippingAddress


def _refusal(address) -> tuple[str, str | None]:
    with pytest.raises(LifecycleError) as error:
        checked_address(address)
    return error.value.code, error.value.field


def test_addresses_are_refused_naming_the_field():
    assert _refusal({**HOME, "country": "XX"}) == ("invalid_address", "country")
    assert _refusal({**HOME, "country": "QO"}) == ("invalid_address", "country")  # a region, not a country
    assert _refusal({**HOME, "country": "NLD"}) == ("invalid_address", "country")
    assert _refusal({**HOME, "city": "  "}) == ("invalid_address", "city")
    assert _refusal({k: v for k, v in HOME.items() if k != "streetAddress1"}) == (
        "invalid_address",
        "streetAddress1",
    )
    assert _refusal({**HOME, "postalCode": "1" * 21}) == ("invalid_address", "postalCode")
    assert _refusal({**HOME, "planet": "Mars"}) == ("invalid_address", "planet")
    assert _refusal({**HOME, "firstName": ""}) == ("invalid_address", "firstName")
    assert _refusal({**HOME, "postalCode": "ABC"}) == ("invalid_address", "postalCode")
    assert _refusal({k: v for k, v in HOME.items() if k != "postalCode"}) == ("invalid_address", "postalCode")


def test_addresses_are_trimmed_and_a_postal_code_is_needed_only_where_its_format_is_fixed():
    assert checked_address({**HOME, "streetAddress1": " Keizersgracht   1 ", "postalCode": "1015cj"}) == {
        **HOME,
        "postalCode": "1015CJ",
        "country": "NL",
    }
    no_postcode = {k: v for k, v in HOME.items() if k != "postalCode"}
    assert checked_address({**no_postcode, "country": "HK", "city": "Hong Kong"})["country"] == "HK"


def test_the_countries_are_saleors():
    codes = country_codes()
    assert {"NL", "DE", "US", "GB", "AX", "XK"} <= codes
    assert len(codes) == 251  # Saleor 3.23's CountryCode enum


def test_a_refused_address_or_an_ended_subscription_changes_nothing():
    shop = sandbox(at(2026, 11, 16))
    sub = signed_up(plan(shop, "30.00"))
    before = (reload(sub).shipping_address, len(events(sub)))

    with pytest.raises(LifecycleError):
        change_shipping_address(sub, {**HOME, "country": "XX"}, actor=STAFF)
    sub.status = "cancelled"
    sub.save()
    with pytest.raises(LifecycleError) as error:
        change_shipping_address(sub, HOME, actor=STAFF)

    assert error.value.code == "not_allowed_in_state"
    assert (reload(sub).shipping_address, len(events(sub))) == before


def test_a_customer_changes_only_an_address_the_shop_lets_them_and_one_that_ships():
    shop = sandbox(at(2026, 11, 16))
    sub = signed_up(plan(shop, "30.00"))
    before = (reload(sub).shipping_address, len(events(sub)))
    with pytest.raises(LifecycleError) as error:
        change_shipping_address(sub, HOME, actor=Actor.CUSTOMER, actor_id="VXNlcjoy")
    assert (error.value.code, before) == ("not_shipped", (reload(sub).shipping_address, len(events(sub))))

    sub.shipping_address = {**HOME, "country": "NL"}
    sub.save()
    Installation.objects.filter(pk=shop.pk).update(self_service_address=False)
    with pytest.raises(LifecycleError) as error:
        change_shipping_address(sub, {**HOME, "city": "Utrecht"}, actor=Actor.CUSTOMER, actor_id="VXNlcjoy")
    assert error.value.code == "customer_cannot_change_address"
    assert reload(sub).shipping_address["city"] == "Amsterdam"

    change_shipping_address(sub, {**HOME, "city": "Utrecht"}, actor=STAFF, actor_id="VXNlcjox")
    assert reload(sub).shipping_address["city"] == "Utrecht"
