"""The shipping address of a subscription's future renewal orders (BILLING_RULES §7), changed by staff (the
API) or by its customer (the portal), stored in the shape of Saleor's `AddressInput` and sent with every
renewal order from then on; orders already made keep theirs.

One set of checks, so that a renewal order is not refused for the address later (`checked_address`): only
the fields of an AddressInput, none longer than Saleor stores, the names, a street and a city given, the
country one Saleor knows (ISO 3166-1 alpha-2, as Saleor's `CountryCode`), and in the countries whose format
is fixed (POSTAL_CODES) a postal code of that format. Values are trimmed (inner runs of spaces folded), the
country and postal code upper-cased. A refusal is `invalid_address` naming the field. Saleor checks the
country's own rules again when it makes each order.

Each change writes one `shipping_address_changed` event with both addresses. A customer changes only the
address of a subscription that ships (its order had a shipping address), and only while the shop lets its
customers do so (`Installation.self_service_address`); staff may give any subscription that has not ended one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache

from babel import Locale
from django.db import transaction

from saleor_subscriptions.billing.states import Actor, SubscriptionStatus
from saleor_subscriptions.lifecycle.transition import (
    SubscriptionRef,
    lock,
    moment_of,
    record_event,
    refuse,
)
from saleor_subscriptions.subscriptions.errors import LifecycleError, LifecycleErrorCode
from saleor_subscriptions.subscriptions.models import Subscription

SHIPPING_ADDRESS_CHANGED = "shipping_address_changed"

#: The fields of Saleor's AddressInput and the longest value Saleor's Address model stores in each.
ADDRESS_FIELD_LENGTHS = {
    "firstName": 256,
    "lastName": 256,
    "companyName": 256,
    "streetAddress1": 256,
    "streetAddress2": 256,
    "city": 256,
    "cityArea": 128,
    "postalCode": 20,
    "country": 2,
    "countryArea": 128,
    "phone": 128,
}
REQUIRED_ADDRESS_FIELDS = ("firstName", "lastName", "streetAddress1", "city", "country")
"""Always needed; a postal code is needed too in the countries of POSTAL_CODES."""

POSTAL_CODES = {
    "NL": re.compile(r"[1-9][0-9]{3} ?[A-Z]{2}"),
    "BE": re.compile(r"[1-9][0-9]{3}"),
    "DE": re.compile(r"[0-9]{5}"),
    "FR": re.compile(r"[0-9]{5}"),
    "LU": re.compile(r"(L-)?[0-9]{4}"),
    "AT": re.compile(r"[1-9][0-9]{3}"),
    "US": re.compile(r"[0-9]{5}(-[0-9]{4})?"),
}
"""The postal code formats of the countries whose format is fixed (upper case)."""

# CLDR's two-letter territories that are not countries in Saleor's CountryCode (regions, reserved codes).
_NOT_COUNTRIES = frozenset({"AC", "CP", "CQ", "DG", "EA", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "ZZ"})

ENDED = frozenset({SubscriptionStatus.INCOMPLETE, SubscriptionStatus.CANCELLED, SubscriptionStatus.EXPIRED})


@cache
def country_codes() -> frozenset[str]:
    """The country codes Saleor accepts in an address."""
    territories = Locale("en").territories
    codes = {code for code in territories if isinstance(code, str) and len(code) == 2 and code.isalpha()}
    return frozenset(codes) - _NOT_COUNTRIES


def _invalid(field: str, message: str) -> LifecycleError:
    return refuse(LifecycleErrorCode.INVALID_ADDRESS, message, field)


def checked_address(address: Mapping[str, object]) -> dict[str, str]:
    """The address trimmed, without empty fields, country and postal code upper-cased; refused
    `invalid_address` naming the first field that is unknown, too long, missing, or not of its form."""
    shaped: dict[str, str] = {}
    for field, value in address.items():
        if field not in ADDRESS_FIELD_LENGTHS:
            raise _invalid(field, f"{field!r} is not a field of an address")
        text = "" if value is None else " ".join(str(value).split())
        if len(text) > ADDRESS_FIELD_LENGTHS[field]:
            raise _invalid(field, f"at most {ADDRESS_FIELD_LENGTHS[field]} characters, not {len(text)}")
        if text:
            shaped[field] = text
    for field in REQUIRED_ADDRESS_FIELDS:
        if field not in shaped:
            raise _invalid(field, "this field is required")
    country = shaped["country"] = shaped["country"].upper()
    if country not in country_codes():
        raise _invalid("country", f"{country!r} is not a country code (ISO 3166-1, e.g. NL)")
    pattern = POSTAL_CODES.get(country)
    if pattern is not None:
        if "postalCode" not in shaped:
            raise _invalid("postalCode", f"this field is required in {country}")
        postal = shaped["postalCode"] = shaped["postalCode"].upper()
        if not pattern.fullmatch(postal):
            raise _invalid("postalCode", f"{postal!r} is not a postal code of {country}")
    return shaped


def ships(subscription: Subscription) -> bool:
    """Whether the subscription's customer has an address of future deliveries to change (its order shipped,
    it has not ended)."""
    return bool(subscription.shipping_address) and subscription.state not in ENDED


def change_shipping_address(
    subscription: SubscriptionRef,
    address: Mapping[str, object],
    *,
    actor: Actor,
    actor_id: str = "",
    reason: str = "",
) -> Subscription:
    """Future renewal orders ship to `address` (checked by `checked_address`). Refused
    `not_allowed_in_state` on a subscription that has ended or was never paid; for a customer also
    `not_shipped` (it ships nothing) and `customer_cannot_change_address` (the shop keeps it to staff)."""
    shaped = checked_address(address)
    with transaction.atomic():
        sub = lock(subscription)
        moment = moment_of(sub)
        before = sub.state
        if before in ENDED:
            raise refuse(LifecycleErrorCode.NOT_ALLOWED_IN_STATE, f"a {before} subscription has no renewals")
        if actor is Actor.CUSTOMER:
            if not sub.installation.self_service_address:
                raise refuse(
                    LifecycleErrorCode.CUSTOMER_CANNOT_CHANGE_ADDRESS,
                    "the shop does not let customers change the shipping address",
                )
            if not sub.shipping_address:
                raise refuse(LifecycleErrorCode.NOT_SHIPPED, "this subscription ships nothing")
        previous = sub.shipping_address
        sub.shipping_address = shaped
        sub.save(update_fields=["shipping_address", "updated_at"])
        record_event(
            sub,
            SHIPPING_ADDRESS_CHANGED,
            actor=actor,
            actor_id=actor_id,
            from_status=before,
            at=moment.now,
            reason=reason,
            data={"from": previous, "to": shaped},
        )
    return sub
