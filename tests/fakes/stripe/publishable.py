"""What Stripe.js may do with a publishable key (`pk_…`), as Stripe allows it: create a PaymentMethod (card
details or an IBAN, `stripe.createPaymentMethod`), and retrieve or confirm a PaymentIntent or SetupIntent when
the request carries that intent's `client_secret` (`stripe.confirmCardPayment`, `confirmCardSetup`,
`confirmSepaDebitPayment`, `retrievePaymentIntent`). Any other call with a publishable key is refused (401),
as are a missing (400 `parameter_missing`) or wrong (400) `client_secret`.

The `client_secret` of a confirmation is checked here and then taken out of the parameters, so the endpoint
sees what it would see from a server (which confirms without one).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from . import errors

if TYPE_CHECKING:
    from .fake import FakeStripe
    from .state import Account

_CREATE_METHOD = re.compile(r"^/v1/payment_methods$")
_INTENT = re.compile(r"^/v1/(payment_intents|setup_intents)/([^/]+)(/confirm)?$")
SECRET_KEY_ONLY = (
    "This API call cannot be made with a publishable API key. Please use a secret API key. "
    "You can find a list of your API keys at https://dashboard.stripe.com/account/apikeys."
)


def account_of(fake: FakeStripe, key: str | None) -> Account | None:
    """The account whose publishable key this is (None: not a publishable key of the fake)."""
    if not key or not key.startswith("pk_"):
        return None
    return next((a for a in fake.accounts.values() if a.publishable_key == key), None)


def check(account: Account, method: str, path: str, params: dict[str, Any]) -> None:
    """Refuses what a publishable key may not do (StripeError); strips a confirmation's client_secret."""
    if method == "POST" and _CREATE_METHOD.match(path):
        return
    match = _INTENT.match(path)
    confirming = bool(match and match.group(3))
    if match is None or (method, confirming) not in (("GET", False), ("POST", True)):
        raise errors.StripeError(401, "invalid_request_error", SECRET_KEY_ONLY)
    kind = "PaymentIntent" if match.group(1) == "payment_intents" else "SetupIntent"
    secret = params.get("client_secret")
    if not secret:
        raise errors.invalid_request(
            f"You must provide the client_secret of the {kind} when using a publishable key.",
            param="client_secret",
            code="parameter_missing",
        )
    intent = account.objects.get(match.group(2))
    if intent is not None and intent.get("client_secret") != secret:
        raise errors.invalid_request(
            f"The client_secret provided does not match the client_secret associated with the {kind}.",
            param="client_secret",
        )
    if confirming:
        params.pop("client_secret")
