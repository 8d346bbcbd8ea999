"""The shipping address of a subscription's future deliveries (renewal orders), changed by its customer.

The address is kept in Saleor's `AddressInput` shape, as the sign-up order gave it. A change is checked
first: the required fields, the lengths Saleor accepts, a country by its ISO 3166-1 code, and the postal code
of the countries whose format is fixed. Only a subscription that ships (its order had a shipping address)
and has not ended takes one; each change writes a `shipping_address_changed` event with both addresses.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any

from django.db import transaction

from saleor_subscriptions.billing.errors import CodedError
from saleor_subscriptions.billing.states import Actor
from saleor_subscriptions.subscriptions.models import Subscription, SubscriptionEvent

EVENT = "shipping_address_changed"
FIELDS = {
    "firstName": 256,
    "lastName": 256,
    "companyName": 256,
    "streetAddress1": 256,
    "streetAddress2": 256,
    "city": 256,
    "postalCode": 20,
    "country": 2,
    "countryArea": 128,
    "phone": 32,
}
REQUIRED = ("firstName", "lastName", "streetAddress1", "city", "postalCode", "country")
ENDED = ("cancelled", "expired", "incomplete")
COUNTRY_CODES = (
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI "
    "BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN "
    "CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK "
    "FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM "
    "HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN "
    "KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK "
    "ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP "
    "NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW "
    "SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF "
    "TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI "
    "VN VU WF WS YE YT ZA ZM ZW"
)
COUNTRIES = frozenset(COUNTRY_CODES.split())
POSTAL_CODES = {
    "NL": re.compile(r"[1-9][0-9]{3} ?[A-Z]{2}"),
    "BE": re.compile(r"[1-9][0-9]{3}"),
    "DE": re.compile(r"[0-9]{5}"),
    "FR": re.compile(r"[0-9]{5}"),
    "LU": re.compile(r"(L-)?[0-9]{4}"),
    "AT": re.compile(r"[1-9][0-9]{3}"),
    "US": re.compile(r"[0-9]{5}(-[0-9]{4})?"),
}


class AddressErrorCode(StrEnum):
    REQUIRED = "required"
    INVALID = "invalid"
    NOT_SHIPPED = "not_shipped"
    ENDED = "ended"


class AddressRefused(CodedError):
    """A shipping address not taken; `field` names the address field at fault (`shippingAddress.<name>`)."""


def check_address(given: dict[str, Any]) -> dict[str, str]:
    """The address cleaned (trimmed, country and postal code upper-cased), or refused naming the field."""
    cleaned: dict[str, str] = {}
    for name, longest in FIELDS.items():
        value = given.get(name, "")
        text = " ".join(str(value).split()) if value is not None else ""
        if len(text) > longest:
            raise AddressRefused(
                AddressErrorCode.INVALID,
                f"at most {longest} characters, not {len(text)}",
                f"shippingAddress.{name}",
            )
        if text:
            cleaned[name] = text
    for name in REQUIRED:
        if name not in cleaned:
            raise AddressRefused(
                AddressErrorCode.REQUIRED, "this field is required", f"shippingAddress.{name}"
            )
    country = cleaned["country"] = cleaned["country"].upper()
    if country not in COUNTRIES:
        raise AddressRefused(
            AddressErrorCode.INVALID,
            f"{country!r} is not an ISO 3166-1 country code",
            "shippingAddress.country",
        )
    postal = cleaned["postalCode"] = cleaned["postalCode"].upper()
    pattern = POSTAL_CODES.get(country)
    if pattern is not None and not pattern.fullmatch(postal):
        raise AddressRefused(
            AddressErrorCode.INVALID,
            f"{postal!r} is not a postal code of {country}",
            "shippingAddress.postalCode",
        )
    return cleaned


def ships(subscription: Subscription) -> bool:
    """Whether the subscription's deliveries have an address to change (its order shipped, it goes on)."""
    return bool(subscription.shipping_address) and subscription.status not in ENDED


def change_shipping_address(
    subscription: Subscription, address: dict[str, Any], *, actor: Actor, actor_id: str
) -> Subscription:
    """The address of the subscription's future deliveries becomes `address` (checked first)."""
    cleaned = check_address(address)
    with transaction.atomic():
        sub = Subscription.objects.select_for_update().select_related("installation").get(pk=subscription.pk)
        if sub.status in ENDED:
            raise AddressRefused(AddressErrorCode.ENDED, f"this subscription is {sub.status}", "subscription")
        if not sub.shipping_address:
            raise AddressRefused(
                AddressErrorCode.NOT_SHIPPED, "this subscription ships nothing", "subscription"
            )
        before = dict(sub.shipping_address)
        sub.shipping_address = cleaned
        sub.save(update_fields=["shipping_address", "updated_at"])
        SubscriptionEvent.objects.create(
            installation_id=sub.installation_id,
            subscription=sub,
            at=sub.installation.now(),
            actor_type=actor.value,
            actor_id=actor_id,
            kind=EVENT,
            from_status=sub.status,
            to_status=sub.status,
            data={"from": before, "to": cleaned},
        )
    return sub
