"""The Stripe customer of each of a shop's customers, and the payment method renewals are charged to.

One Stripe customer per installation, Stripe account (acct_…, `accounts.stripe_account_id_of`), mode
(test/live) and customer (`subscriptions.models.customer_key`: the Saleor user, or the email of a guest):
made once, at the first checkout payment, and reused for every later one made with that account. A `cus_…` or
`pm_…` id is only ever sent with the keys of the account that made it: a channel with its own Stripe account,
or keys replaced by another Stripe account's, get a Stripe customer of their own. The saved payment method is
the one a confirmed PaymentIntent with `setup_future_usage=off_session`, or a confirmed SetupIntent, left
attached to that customer.

Rows made before accounts were recorded have no account (""): the first look-up with an account whose key
Stripe confirms knows the `cus_…` id adopts the row for that account.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import stripe
from django.db import IntegrityError, transaction
from django.db.models import Q

from saleor_subscriptions.invoicing.paid_with import PaidMethod, method_of
from saleor_subscriptions.payments.accounts import stripe_account_id_of, stripe_client
from saleor_subscriptions.payments.models import StripeAccount, StripeCustomer


def find_stripe_customer(
    account: StripeAccount, customer_key: str, client: stripe.StripeClient | None = None
) -> StripeCustomer | None:
    """The customer's StripeCustomer in the account (and its mode), or None; Stripe errors are raised (the
    account's id may have to be read, a customer saved before accounts were recorded checked)."""
    client = client or stripe_client(account.secret_key)
    account_id = stripe_account_id_of(account, client)
    mine = StripeCustomer.objects.filter(
        installation_id=account.installation_id, customer_key=customer_key, livemode=account.livemode
    )
    found = mine.filter(stripe_account_id=account_id).first()
    if found is not None:
        return found
    legacy = mine.filter(stripe_account_id="").first()
    if legacy is None or not _known_to(client, legacy.stripe_customer_id):
        return None
    try:
        with transaction.atomic():
            StripeCustomer.objects.filter(pk=legacy.pk, stripe_account_id="").update(
                stripe_account_id=account_id
            )
    except IntegrityError:  # a concurrent look-up adopted it (or stored one) first
        pass
    return mine.filter(stripe_account_id=account_id).first()


def _known_to(client: stripe.StripeClient, stripe_customer_id: str) -> bool:
    """Whether the client's account knows the (not deleted) Stripe customer."""
    try:
        customer = client.v1.customers.retrieve(stripe_customer_id)
    except stripe.InvalidRequestError as exc:
        if exc.http_status == 404 or exc.code == "resource_missing":
            return False
        raise
    return not getattr(customer, "deleted", False)


def stripe_customer_for(
    account: StripeAccount, customer_key: str, *, email: str, name: str = "", saleor_user_id: str = ""
) -> StripeCustomer:
    """The customer's StripeCustomer in the account's Stripe account and mode, made at Stripe (once) when
    there is none yet.

    The Stripe call carries an idempotency key from installation, mode and customer (keys are per Stripe
    account), so two concurrent first payments of one customer make one Stripe customer.
    """
    installation_id = account.installation_id
    client = stripe_client(account.secret_key)
    found = find_stripe_customer(account, customer_key, client)
    if found is not None:
        return found
    account_id = stripe_account_id_of(account, client)
    params: dict[str, Any] = {
        "email": email,
        "metadata": {"installation": str(installation_id), "customer_key": customer_key},
    }
    if name:
        params["name"] = name
    if saleor_user_id:
        params["metadata"]["saleor_user_id"] = saleor_user_id
    mode = "live" if account.livemode else "test"
    created = client.v1.customers.create(
        params=params,  # type: ignore[arg-type]
        options={"idempotency_key": f"customer:{installation_id}:{mode}:{customer_key}"},
    )
    identity = {
        "installation_id": installation_id,
        "stripe_account_id": account_id,
        "customer_key": customer_key,
        "livemode": account.livemode,
    }
    try:
        with transaction.atomic():
            return StripeCustomer.objects.create(**identity, stripe_customer_id=str(created["id"]))
    except IntegrityError:  # a concurrent first payment stored it first (the same Stripe customer)
        return StripeCustomer.objects.get(**identity)


def _of_account(account: StripeAccount | None) -> Q:
    """The rows the account may use: its own, and those whose account is not known yet."""
    if account is None:
        return Q()
    return Q(stripe_account_id__in=[stripe_account_id_of(account), ""], livemode=account.livemode)


def remember_payment_method(
    installation_id: int,
    stripe_customer_id: str,
    payment_method_id: str,
    payment_method_type: str,
    account: StripeAccount | None = None,
    *,
    details: Mapping[str, Any] | None = None,
) -> StripeCustomer | None:
    """Makes `payment_method_id` the method renewals of this Stripe customer are charged to, with a card's
    brand and the last four digits from `details` (Stripe's PaymentMethod object) when given; None when the
    Stripe customer is not one of the installation's (of `account`, when given: the account that reported
    the method) and nothing is changed then."""
    said = method_of(details) if details else PaidMethod(payment_method_type)
    scope = _of_account(account)
    with transaction.atomic():
        customer = (
            StripeCustomer.objects.select_for_update()
            .filter(scope, installation_id=installation_id, stripe_customer_id=stripe_customer_id)
            .first()
        )
        if customer is None:
            return None
        wanted = (payment_method_id, payment_method_type, said.brand[:30], said.last4[:4])
        if wanted != (
            customer.default_payment_method_id,
            customer.payment_method_type,
            customer.payment_method_brand,
            customer.payment_method_last4,
        ):
            (
                customer.default_payment_method_id,
                customer.payment_method_type,
                customer.payment_method_brand,
                customer.payment_method_last4,
            ) = wanted
            customer.save(
                update_fields=[
                    "default_payment_method_id",
                    "payment_method_type",
                    "payment_method_brand",
                    "payment_method_last4",
                    "updated_at",
                ]
            )
        return customer


def forget_payment_method(
    installation_id: int, payment_method_id: str, account: StripeAccount | None = None
) -> int:
    """A detached payment method is no one's default any more (among `account`'s customers, when given: the
    account that reported it); how many customers lost it."""
    return (
        StripeCustomer.objects.filter(_of_account(account))
        .filter(installation_id=installation_id, default_payment_method_id=payment_method_id)
        .update(
            default_payment_method_id="",
            payment_method_type="",
            payment_method_brand="",
            payment_method_last4="",
        )
    )


def recorded_method(account: StripeAccount, customer_key: str) -> StripeCustomer | None:
    """The customer's StripeCustomer of the account with the payment method renewals charge, as the app last
    recorded it, without asking Stripe; None when none is saved. A row not tied to an account yet is not
    shown (only Stripe can tell whether it is this account's: `find_stripe_customer` adopts it, or not, at
    the next charge)."""
    return (
        StripeCustomer.objects.filter(
            installation_id=account.installation_id,
            customer_key=customer_key,
            livemode=account.livemode,
            stripe_account_id=account.stripe_account_id,
        )
        .exclude(default_payment_method_id="")
        .first()
    )
