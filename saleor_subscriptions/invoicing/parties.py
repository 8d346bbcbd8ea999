"""Who sells and who buys, as an invoice states them (EU VAT directive 2006/112/EC, article 226).

When an invoice or credit note is issued it copies both parties (`stamp_parties`), so the document never
changes after issue, whatever the shop or the customer changes later:

- the seller: the installation's legal name, address, VAT number and registration number
  (`tenants.seller`); one missing marks the document `missing_seller_details`, but it is still issued;
- the buyer: the subscription's billing address, which is the billing address of the sign-up's Saleor order
  (the checkout's) and the one every renewal order is placed with; the name is the address's first and last
  name, the company its company name; and the VAT number the sign-up order carried in its metadata under
  `vat_number` (`VAT_NUMBER_KEY`; Saleor copies a checkout's metadata to its order), empty for a consumer.

The buyer's country is stored as its code and named in the document's language when printed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from saleor_subscriptions.invoicing.models import CreditNote, Invoice
from saleor_subscriptions.subscriptions.models import Subscription
from saleor_subscriptions.tenants.models import Installation
from saleor_subscriptions.tenants.seller import SellerDetails

VAT_NUMBER_KEY = "vat_number"
"""The checkout's (and so the order's) public metadata key the storefront writes the buyer's VAT number in."""


@dataclass(frozen=True)
class Buyer:
    """The buyer as an invoice names them."""

    name: str = ""
    company: str = ""
    address: list[str] = field(default_factory=list)
    country: str = ""
    email: str = ""
    vat_number: str = ""

    def snapshot(self) -> dict[str, Any]:
        # By hand, not `asdict` (which deep-copies every value): every renewal invoice takes one.
        return {
            "name": self.name,
            "company": self.company,
            "address": list(self.address),
            "country": self.country,
            "email": self.email,
            "vat_number": self.vat_number,
        }

    @classmethod
    def from_snapshot(cls, data: Mapping[str, Any]) -> Buyer:
        address = data.get("address")
        return cls(
            name=str(data.get("name") or ""),
            company=str(data.get("company") or ""),
            address=[str(line) for line in address] if isinstance(address, list) else [],
            country=str(data.get("country") or ""),
            email=str(data.get("email") or ""),
            vat_number=str(data.get("vat_number") or ""),
        )

    @property
    def is_business(self) -> bool:
        return bool(self.vat_number)


def buyer_of(subscription: Subscription) -> Buyer:
    """The buyer of a subscription's invoices now: its billing address (Saleor's AddressInput shape), email
    and VAT number."""
    address: Mapping[str, Any] = subscription.billing_address or {}

    def part(name: str) -> str:
        return str(address.get(name) or "").strip()

    city = " ".join(p for p in (part("postalCode"), part("city")) if p)
    lines = [part("streetAddress1"), part("streetAddress2"), city, part("cityArea"), part("countryArea")]
    return Buyer(
        name=" ".join(p for p in (part("firstName"), part("lastName")) if p),
        company=part("companyName"),
        address=[line for line in lines if line],
        country=part("country").upper(),
        email=subscription.customer_email,
        vat_number=subscription.customer_vat_number,
    )


def stamp_parties(
    document: Invoice | CreditNote,
    installation: Installation,
    subscription: Subscription,
    sellers: dict[int, tuple[dict[str, str], bool]] | None = None,
) -> None:
    """Copy the seller and buyer onto a document being issued (not saved). `sellers`, when given, keeps each
    installation's seller snapshot for the documents after it (a renewal batch takes it once per shop; each
    document still gets its own copy)."""
    if sellers is None or installation.pk not in sellers:
        seller = installation.seller
        taken = (seller.snapshot(), bool(seller.missing()))
        if sellers is not None:
            sellers[installation.pk] = taken
    else:
        taken = sellers[installation.pk]
    document.seller = dict(taken[0])
    document.missing_seller_details = taken[1]
    document.buyer = buyer_of(subscription).snapshot()


def seller_on(document: Invoice | CreditNote) -> SellerDetails:
    """The seller as the document was issued with."""
    return SellerDetails.from_snapshot(document.seller or {})


def buyer_on(document: Invoice | CreditNote) -> Buyer:
    """The buyer as the document was issued with; a document issued before buyers were copied names the
    subscription's customer by email."""
    if document.buyer:
        return Buyer.from_snapshot(document.buyer)
    subscription = document.subscription
    email = subscription.customer_email if subscription is not None else ""
    return Buyer(email=email)
