"""The Stripe customer of each of a shop's customers, and the payment method renewals are charged to.

One Stripe customer per installation, customer (`subscriptions.models.customer_key`: the Saleor user, or the
email of a guest) and mode (test/live): made once, at the first checkout payment, and reused for every later
one. The saved payment method is the one a confirmed PaymentIntent with `setup_future_usage=off_session`, or a
confirmed SetupIntent, left attached to that customer.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from saleor_subscriptions.payments.accounts import stripe_client
from saleor_subscriptions.payments.models import StripeAccount, StripeCustomer


def stripe_customer_for(
    account: StripeAccount, customer_key: str, *, email: str, name: str = "", saleor_user_id: str = ""
) -> StripeCustomer:
    """The customer's StripeCustomer in the account's mode, made at Stripe (once) when there is none yet.

    The Stripe call carries an idempotency key from installation, mode and customer, so two concurrent first
    payments of one customer make one Stripe customer.
    """
    installation_id = account.installation_id
    found = StripeCustomer.objects.filter(
        installation_id=installation_id, customer_key=customer_key, livemode=account.livemode
    ).first()
    if found is not None:
        return found
    params: dict[str, Any] = {
        "email": email,
        "metadata": {"installation": str(installation_id), "customer_key": customer_key},
    }
    if name:
        params["name"] = name
    if saleor_user_id:
        params["metadata"]["saleor_user_id"] = saleor_user_id
    mode = "live" if account.livemode else "test"
    created = stripe_client(account.secret_key).v1.customers.create(
        params=params,  # type: ignore[arg-type]
        options={"idempotency_key": f"customer:{installation_id}:{mode}:{customer_key}"},
    )
    try:
        with transaction.atomic():
            return StripeCustomer.objects.create(
                installation_id=installation_id,
                customer_key=customer_key,
                livemode=account.livemode,
                stripe_customer_id=str(created["id"]),
            )
    except IntegrityError:  # a concurrent first payment stored it first (the same Stripe customer)
        return StripeCustomer.objects.get(
            installation_id=installation_id, customer_key=customer_key, livemode=account.livemode
        )


def remember_payment_method(
    installation_id: int, stripe_customer_id: str, payment_method_id: str, payment_method_type: str
) -> StripeCustomer | None:
    """Makes `payment_method_id` the method renewals of this Stripe customer are charged to; None when the
    Stripe customer is not one of the installation's (nothing is changed then)."""
    with transaction.atomic():
        customer = (
            StripeCustomer.objects.select_for_update()
            .filter(installation_id=installation_id, stripe_customer_id=stripe_customer_id)
            .first()
        )
        if customer is None:
            return None
        if (customer.default_payment_method_id, customer.payment_method_type) != (
            payment_method_id,
            payment_method_type,
        ):
            customer.default_payment_method_id = payment_method_id
            customer.payment_method_type = payment_method_type
            customer.save(update_fields=["default_payment_method_id", "payment_method_type", "updated_at"])
        return customer


def forget_payment_method(installation_id: int, payment_method_id: str) -> int:
    """A detached payment method is no one's default any more; how many customers lost it."""
    return StripeCustomer.objects.filter(
        installation_id=installation_id, default_payment_method_id=payment_method_id
    ).update(default_payment_method_id="", payment_method_type="")
