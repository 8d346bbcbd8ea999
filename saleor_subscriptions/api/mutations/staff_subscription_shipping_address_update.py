"""`staffSubscriptionShippingAddressUpdate`: staff change where future renewal orders are shipped."""

from __future__ import annotations

from typing import Any

import graphene

from saleor_subscriptions import lifecycle
from saleor_subscriptions.api.mutations.staff_subscription_base import (
    StaffSubscriptionMutation,
    staff_reason_argument,
)
from saleor_subscriptions.lifecycle.self_service import Action
from saleor_subscriptions.subscriptions.errors import LifecycleError, LifecycleErrorCode


class SubscriptionAddressInput(graphene.InputObjectType):
    """An address as Saleor's `AddressInput` takes it (the country as its ISO 3166-1 code)."""

    first_name = graphene.String()
    last_name = graphene.String()
    company_name = graphene.String()
    street_address_1 = graphene.String(name="streetAddress1", required=True)
    street_address_2 = graphene.String(name="streetAddress2")
    city = graphene.String(required=True)
    city_area = graphene.String()
    postal_code = graphene.String()
    country = graphene.String(required=True, description="ISO 3166-1 alpha-2, e.g. NL.")
    country_area = graphene.String()
    phone = graphene.String()


_NAMES = {
    "first_name": "firstName",
    "last_name": "lastName",
    "company_name": "companyName",
    "street_address_1": "streetAddress1",
    "street_address_2": "streetAddress2",
    "city": "city",
    "city_area": "cityArea",
    "postal_code": "postalCode",
    "country": "country",
    "country_area": "countryArea",
    "phone": "phone",
}


def saleor_shape(address: Any) -> dict[str, Any]:
    """The input as the stored AddressInput shape (Saleor's field names), without fields not given."""
    return {_NAMES[name]: value for name, value in dict(address).items() if value is not None}


class StaffSubscriptionShippingAddressUpdate(StaffSubscriptionMutation):
    """Future renewal orders of the subscription ship to `address`; orders already made keep theirs. The
    country must be one Saleor knows, a street and city are needed, and no field may be longer than Saleor
    stores; Saleor checks the country's own rules again on each order."""

    class Arguments:
        id = graphene.ID(required=True)
        address = SubscriptionAddressInput(required=True)
        reason = staff_reason_argument()

    @classmethod
    def action(cls, data: dict[str, Any]) -> Action:
        address = saleor_shape(data["address"])
        return lambda sub, **who: lifecycle.change_shipping_address(sub, address, **who)

    @classmethod
    def lifecycle_refused(cls, refused: LifecycleError) -> Any:
        if refused.code is LifecycleErrorCode.INVALID_ADDRESS:
            return cls.refused(refused.field, refused.code.value, refused.message)
        return super().lifecycle_refused(refused)
