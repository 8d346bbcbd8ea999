"""The storefront's Stripe.js in tests: the calls Stripe.js makes from a browser with the shop's publishable
key (form-encoded, `Authorization: Bearer pk_…`), against the fake Stripe (or any Stripe API base URL).

A 3-D Secure challenge is the customer's part: `FakeStripe.complete_authentication(intent_id, succeed)` (or
the fake's `/fake/3ds/<intent>` page) stands in for Stripe.js's `handleNextAction` modal.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx


class StripeJsError(Exception):
    """Stripe answered an error (Stripe.js resolves `{error}`): `status` and Stripe's error object."""

    def __init__(self, status: int, error: dict[str, Any]) -> None:
        super().__init__(f"{status}: {error.get('message')}")
        self.status = status
        self.error = error


def _flatten(params: dict[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for key, value in params.items():
        name = f"{prefix}[{key}]" if prefix else key
        if isinstance(value, dict):
            pairs.extend(_flatten(value, name))
        elif isinstance(value, bool):
            pairs.append((name, "true" if value else "false"))
        else:
            pairs.append((name, str(value)))
    return pairs


@dataclass
class StripeJs:
    """`Stripe(publishableKey)` pointed at `api_base` (the fake's URL)."""

    publishable_key: str
    api_base: str

    def _call(self, method: str, path: str, params: dict[str, Any]) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self.publishable_key}"}
        url = f"{self.api_base}{path}"
        if method == "GET":
            response = httpx.get(f"{url}?{urlencode(_flatten(params))}", headers=headers, timeout=30)
        else:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            response = httpx.post(url, content=urlencode(_flatten(params)), headers=headers, timeout=30)
        body: dict[str, Any] = response.json()
        if response.status_code >= 400:
            raise StripeJsError(response.status_code, body.get("error") or {})
        return body

    def create_card_method(
        self, number: str, *, exp_month: int = 12, exp_year: int = 2034, cvc: str = "123", **billing: str
    ) -> dict[str, Any]:
        """`stripe.createPaymentMethod({type: "card", card: <Card Element>, billing_details})`."""
        card = {"number": number.replace(" ", ""), "exp_month": exp_month, "exp_year": exp_year, "cvc": cvc}
        params: dict[str, Any] = {"type": "card", "card": card}
        if billing:
            params["billing_details"] = billing
        return self._call("POST", "/v1/payment_methods", params)

    def create_sepa_method(self, iban: str, *, name: str, email: str) -> dict[str, Any]:
        """`stripe.createPaymentMethod({type: "sepa_debit", sepa_debit: <IBAN Element>, billing_details})`."""
        params = {
            "type": "sepa_debit",
            "sepa_debit": {"iban": iban},
            "billing_details": {"name": name, "email": email},
        }
        return self._call("POST", "/v1/payment_methods", params)

    @staticmethod
    def _intent_path(client_secret: str) -> str:
        intent_id = client_secret.split("_secret_", maxsplit=1)[0]
        kind = "setup_intents" if intent_id.startswith("seti_") else "payment_intents"
        return f"/v1/{kind}/{intent_id}"

    def retrieve_intent(self, client_secret: str) -> dict[str, Any]:
        """`stripe.retrievePaymentIntent(clientSecret)` / `retrieveSetupIntent`."""
        return self._call("GET", self._intent_path(client_secret), {"client_secret": client_secret})

    def confirm(
        self, client_secret: str, payment_method: str, return_url: str | None = None
    ) -> dict[str, Any]:
        """`stripe.confirmCardPayment` / `confirmCardSetup(clientSecret, {payment_method})`: the intent as
        Stripe answers it (`requires_action` when 3-D Secure asks; a decline raises StripeJsError)."""
        params: dict[str, Any] = {"client_secret": client_secret, "payment_method": payment_method}
        if return_url:
            params["return_url"] = return_url
        return self._call("POST", f"{self._intent_path(client_secret)}/confirm", params)
