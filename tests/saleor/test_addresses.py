"""One shaper of Saleor's addresses (`saleor.addresses.address_input`): what a webhook's order carries and
what a subscription stored become the same AddressInput, the country always as its code."""

from __future__ import annotations

from saleor_subscriptions.saleor.addresses import address_input

SALEOR_ADDRESS = {
    "id": "QWRkcmVzczoxNDk=",
    "firstName": "Melissa",
    "lastName": "Sanders",
    "companyName": "",
    "streetAddress1": "500 Woodward Avenue",
    "streetAddress2": None,
    "city": "DETROIT",
    "cityArea": "",
    "postalCode": "48226",
    "country": {"code": "US", "country": "United States of America"},
    "countryArea": "MI",
    "phone": "+13135550188",
}
SHAPED = {
    "firstName": "Melissa",
    "lastName": "Sanders",
    "streetAddress1": "500 Woodward Avenue",
    "city": "DETROIT",
    "postalCode": "48226",
    "country": "US",
    "countryArea": "MI",
    "phone": "+13135550188",
}


def test_a_saleor_address_becomes_an_address_input_with_the_country_code():
    assert address_input(SALEOR_ADDRESS) == SHAPED


def test_a_stored_address_is_sent_as_it_was_stored():
    assert address_input(SHAPED | {"skipValidation": True}) == SHAPED


def test_nothing_filled_in_is_no_address():
    assert address_input({"firstName": "", "country": {"code": None}}) is None
    assert address_input({}) is None
    assert address_input(None) is None
