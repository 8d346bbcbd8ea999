"""The shipping address of a subscription's future renewal orders (BILLING_RULES §7: what an admin may
change), stored in the shape of Saleor's `AddressInput` and sent with every renewal order from then on.

The address is checked before it is stored, so that a renewal order is not refused for it later: the country
is one Saleor knows (ISO 3166-1 alpha-2, as Saleor's `CountryCode`), a street and a city are given, and no
field is longer than Saleor stores. Saleor checks the country's own rules (postal code formats, areas) again
when it makes each order.
"""

from __future__ import annotations

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
from saleor_subscriptions.subscriptions.errors import LifecycleErrorCode
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
REQUIRED_ADDRESS_FIELDS = ("streetAddress1", "city", "country")

# CLDR's two-letter territories that are not countries in Saleor's CountryCode (regions, reserved codes).
_NOT_COUNTRIES = frozenset({"AC", "CP", "CQ", "DG", "EA", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "ZZ"})

ENDED = frozenset({SubscriptionStatus.INCOMPLETE, SubscriptionStatus.CANCELLED, SubscriptionStatus.EXPIRED})


@cache
def country_codes() -> frozenset[str]:
    """The country codes Saleor accepts in an address."""
    territories = Locale("en").territories
    codes = {code for code in territories if isinstance(code, str) and len(code) == 2 and code.isalpha()}
    return frozenset(codes) - _NOT_COUNTRIES


def _invalid(field: str, message: str) -> Exception:
    return refuse(LifecycleErrorCode.INVALID_ADDRESS, message, field)


def checked_address(address: Mapping[str, object]) -> dict[str, str]:
    """The address with its values trimmed and empty fields left out; refused `invalid_address` naming the
    first field that is unknown, missing, too long, or (the country) not a country Saleor knows."""
    shaped: dict[str, str] = {}
    for field, value in address.items():
        if field not in ADDRESS_FIELD_LENGTHS:
            raise _invalid(field, f"{field!r} is not a field of an address")
        text = "" if value is None else str(value).strip()
        if len(text) > ADDRESS_FIELD_LENGTHS[field]:
            raise _invalid(field, f"at most {ADDRESS_FIELD_LENGTHS[field]} characters, not {len(text)}")
        if text:
            shaped[field] = text
    for field in REQUIRED_ADDRESS_FIELDS:
        if field not in shaped:
            raise _invalid(field, f"an address needs {field}")
    shaped["country"] = shaped["country"].upper()
    if shaped["country"] not in country_codes():
        raise _invalid("country", f"{shaped['country']!r} is not a country code (ISO 3166-1, e.g. NL)")
    return shaped


def change_shipping_address(
    subscription: SubscriptionRef,
    address: Mapping[str, object],
    *,
    actor: Actor,
    actor_id: str = "",
    reason: str = "",
) -> Subscription:
    """Future renewal orders ship to `address` (checked by `checked_address`); orders already made keep
    theirs. Refused `not_allowed_in_state` on a subscription that has ended or was never paid."""
    shaped = checked_address(address)
    with transaction.atomic():
        sub = lock(subscription)
        moment = moment_of(sub)
        before = sub.state
        if before in ENDED:
            raise refuse(LifecycleErrorCode.NOT_ALLOWED_IN_STATE, f"a {before} subscription has no renewals")
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
