"""A customer's saved payment methods, and which one renewals charge (the portal and the customer API).

Stripe keeps the methods attached to the customer's Stripe customer (cards and SEPA Direct Debit accounts:
the ones that can be charged off-session; an iDEAL or Bancontact payment leaves a SEPA method). The app
records the default (`StripeCustomer.default_payment_method_id`, `customers.remember_payment_method`), which
the renewals charge. The customer may:

- make another of their saved methods the default (`set_default`): it must be attached to their own Stripe
  customer, else `not_found`;
- remove one (`remove`, detached at Stripe): never the default, which renewals charge: that is refused with
  `is_default` ("make another the default first"), so a customer never ends without a method by accident.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import stripe
from django.db import transaction

from saleor_subscriptions.billing.errors import CodedError
from saleor_subscriptions.invoicing.paid_with import PaidMethod, method_of
from saleor_subscriptions.payments.accounts import stripe_client
from saleor_subscriptions.payments.customers import find_stripe_customer, remember_payment_method
from saleor_subscriptions.payments.models import StripeAccount, StripeCustomer
from saleor_subscriptions.payments.stripe_client import as_dict

CHARGEABLE_TYPES = ("card", "sepa_debit")
"""The saved methods renewals can charge off-session."""


class SavedMethodErrorCode(StrEnum):
    NOT_FOUND = "not_found"
    IS_DEFAULT = "is_default"


class SavedMethodError(CodedError):
    """A refused choice or removal of a saved method (`field`: `paymentMethodId`)."""


@dataclass(frozen=True)
class SavedMethod:
    id: str
    method: PaidMethod  # type, a card's brand, the last four digits
    is_default: bool
    expires: str = ""  # a card's "12/2034"


def _customer(
    account: StripeAccount, customer_key: str, client: stripe.StripeClient
) -> StripeCustomer | None:
    return find_stripe_customer(account, customer_key, client)


def _of_customer(pm: dict[str, Any]) -> SavedMethod | None:
    if pm.get("type") not in CHARGEABLE_TYPES:
        return None
    card = pm.get("card") or {}
    expires = f"{card['exp_month']:02d}/{card['exp_year']}" if card.get("exp_month") else ""
    return SavedMethod(str(pm["id"]), method_of(pm), False, expires)


def saved_methods(account: StripeAccount, customer_key: str) -> list[SavedMethod]:
    """The customer's chargeable methods at Stripe in the account, the default first (then newest first)."""
    client = stripe_client(account.secret_key)
    customer = _customer(account, customer_key, client)
    if customer is None:
        return []
    listed = client.v1.customers.payment_methods.list(customer.stripe_customer_id, params={"limit": 100})
    found: list[SavedMethod] = []
    for item in listed.data:
        method = _of_customer(as_dict(item))
        if method is not None:
            is_default = method.id == customer.default_payment_method_id
            found.append(SavedMethod(method.id, method.method, is_default, method.expires))
    return sorted(found, key=lambda m: not m.is_default)


def _attached(
    account: StripeAccount, customer_key: str, payment_method_id: str
) -> tuple[stripe.StripeClient, StripeCustomer, dict[str, Any]]:
    """The customer and the method, when it is one of their chargeable saved methods; else `not_found`."""
    client = stripe_client(account.secret_key)
    customer = _customer(account, customer_key, client)
    missing = SavedMethodError(
        SavedMethodErrorCode.NOT_FOUND, "no saved payment method of yours has this id", "paymentMethodId"
    )
    if customer is None or not payment_method_id.startswith("pm_"):
        raise missing
    try:
        pm = as_dict(client.v1.payment_methods.retrieve(payment_method_id))
    except stripe.InvalidRequestError as exc:
        raise missing from exc
    if pm.get("customer") != customer.stripe_customer_id or pm.get("type") not in CHARGEABLE_TYPES:
        raise missing
    return client, customer, pm


def set_default(account: StripeAccount, customer_key: str, payment_method_id: str) -> StripeCustomer:
    """The saved method becomes the one renewals charge (from the next charge on)."""
    _, customer, pm = _attached(account, customer_key, payment_method_id)
    saved = remember_payment_method(
        account.installation_id, customer.stripe_customer_id, pm["id"], str(pm["type"]), account, details=pm
    )
    assert saved is not None  # the customer was found in this account above
    return saved


def remove(account: StripeAccount, customer_key: str, payment_method_id: str) -> None:
    """The saved method is detached at Stripe; the default is refused (`is_default`)."""
    client, customer, pm = _attached(account, customer_key, payment_method_id)
    with transaction.atomic():  # no one makes it the default meanwhile (`remember_payment_method` locks too)
        locked = StripeCustomer.objects.select_for_update().get(pk=customer.pk)
        if locked.default_payment_method_id == pm["id"]:
            raise SavedMethodError(
                SavedMethodErrorCode.IS_DEFAULT,
                "this is the method your renewals are charged to: make another one the default first",
                "paymentMethodId",
            )
        client.v1.payment_methods.detach(pm["id"])
