"""Which payment methods a shop's Stripe account takes: Stripe's account `capabilities`
(`sepa_debit_payments`, `ideal_payments`, `bancontact_payments`: `active`, `inactive` or `pending`), read
with `GET /v1/account` when a pay page is shown (not cached: a shop that activates a method sees it at once).

A key that may not read the account (a restricted key: 403), or Stripe not answering, tells nothing: every
method is offered then, and one the account does not take is refused by Stripe when it is chosen."""

from __future__ import annotations

import logging

import stripe

from saleor_subscriptions.payments.accounts import stripe_client
from saleor_subscriptions.payments.models import StripeAccount
from saleor_subscriptions.payments.stripe_client import as_dict

logger = logging.getLogger(__name__)

CAPABILITY_OF = {
    "card": "card_payments",
    "sepa_debit": "sepa_debit_payments",
    "ideal": "ideal_payments",
    "bancontact": "bancontact_payments",
}


def inactive_types(account: StripeAccount) -> frozenset[str]:
    """The payment method types whose capability the account has but not active; empty when unknown."""
    try:
        found = as_dict(stripe_client(account.secret_key).v1.accounts.retrieve_current())
    except stripe.StripeError as exc:
        logger.info("installation %s: Stripe capabilities not read (%s)", account.installation_id, exc)
        return frozenset()
    capabilities = found.get("capabilities") or {}
    return frozenset(
        pm_type
        for pm_type, name in CAPABILITY_OF.items()
        if name in capabilities and capabilities[name] != "active"
    )
