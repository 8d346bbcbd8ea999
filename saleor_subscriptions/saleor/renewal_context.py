"""What a renewal order needs to know beyond the port's request, read from the invoice and its subscription:
the shop's Saleor app, the plan's variant, the customer, the addresses and the shipping method."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connection

from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.saleor.client import SaleorError
from saleor_subscriptions.saleor.models import SaleorApp
from saleor_subscriptions.tenants.models import Installation

#: Fields of Saleor's AddressInput copied from a subscription's stored address (anything else is dropped).
ADDRESS_FIELDS = (
    "firstName",
    "lastName",
    "companyName",
    "streetAddress1",
    "streetAddress2",
    "city",
    "cityArea",
    "postalCode",
    "country",
    "countryArea",
    "phone",
)

class NotConnected(SaleorError):
    """The invoice's installation has no working Saleor app (never installed, or removed)."""


@dataclass(frozen=True)
class RenewalContext:
    """What the order needs beyond the port's request, read from the invoice and its subscription."""

    installation: Installation
    app: SaleorApp
    invoice_id: int
    invoice_number: str
    subscription_id: int
    variant_id: str
    quantity: int
    channel_slug: str
    currency: str
    customer_user_id: str
    customer_email: str
    billing_address: Mapping[str, Any]
    shipping_address: Mapping[str, Any]
    shipping_method_id: str
    period: str = ""  # "2026-12-16/2027-01-16": the invoice's period, part of the order's proof of ownership


#: At most this many threads of a renewal's I/O pool read the database at once (each read opens a connection).
WORKER_DB_SLOTS = 8
_worker_db_slots = threading.BoundedSemaphore(WORKER_DB_SLOTS)


@contextmanager
def worker_thread_database() -> Iterator[None]:
    """Database work from a thread of the renewal's I/O pool: at most WORKER_DB_SLOTS at once, and the
    thread's connection is closed afterwards. Each thread has its own connection, and a pool of 200 threads
    must not open (or keep) 200 of them. In the main thread, or inside a transaction, nothing changes."""
    if threading.current_thread() is threading.main_thread() or connection.in_atomic_block:
        yield
        return
    with _worker_db_slots:
        try:
            yield
        finally:
            connection.close()


def load_contexts(invoice_ids: Sequence[int]) -> dict[int, RenewalContext]:
    """The renewal context of each invoice, in one query; an invoice whose shop has no app is left out."""
    with worker_thread_database():
        invoices = list(
            Invoice.objects.filter(pk__in=invoice_ids).select_related(
                "subscription__plan_version__plan", "installation__saleor_app"
            )
        )
    contexts: dict[int, RenewalContext] = {}
    for invoice in invoices:
        installation = invoice.installation
        app = getattr(installation, "saleor_app", None)
        if app is None:
            continue
        subscription = invoice.subscription
        contexts[invoice.pk] = RenewalContext(
            installation=installation,
            app=app,
            invoice_id=invoice.pk,
            invoice_number=invoice.number or "",
            subscription_id=subscription.pk,
            variant_id=subscription.plan_version.plan.variant_id,
            quantity=subscription.quantity,
            channel_slug=subscription.channel_slug,
            currency=invoice.currency,
            customer_user_id=subscription.customer_user_id,
            customer_email=subscription.customer_email,
            billing_address=subscription.billing_address or {},
            shipping_address=subscription.shipping_address or {},
            shipping_method_id=subscription.shipping_method_id,
            period=f"{invoice.period_start.isoformat()}/{invoice.period_end.isoformat()}",
        )
    return contexts


def address_input(address: Mapping[str, Any]) -> dict[str, Any] | None:
    """A stored address as Saleor's AddressInput (None when nothing is stored)."""
    kept = {key: address[key] for key in ADDRESS_FIELDS if address.get(key) not in (None, "")}
    return kept or None


