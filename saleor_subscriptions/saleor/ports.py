"""`saleor_ports`: the RENEWAL_PORTS factory whose renewal orders are real Saleor orders.

    RENEWAL_PORTS=saleor_subscriptions.saleor.ports:saleor_ports

!!! NOT FOR REAL CUSTOMERS YET !!!  The payment side is still the in-memory journal gateway of
`renewals.wiring` (charges that "succeed" without touching any money, recorded in
VAR_DIR/memory-ports.sqlite3): the Stripe gateway is the payments issue. With these ports a shop gets a Saleor
order for every renewal and an invoice marked paid although nobody paid it. Use them on a sandbox
installation or a test shop only, until the Stripe gateway replaces `payments` here.
"""

from __future__ import annotations

import logging
import os

from django.conf import settings

from saleor_subscriptions.notifications.notifier import EmailNotifier
from saleor_subscriptions.renewals.memory import InMemoryGateway, JournalStore
from saleor_subscriptions.renewals.pipeline import RenewalPorts
from saleor_subscriptions.renewals.wiring import pay_url
from saleor_subscriptions.saleor.orders import SaleorOrderSink

logger = logging.getLogger(__name__)


def saleor_ports() -> RenewalPorts:
    """Saleor orders (`SaleorOrderSink`), the in-memory journal gateway (NOT a real payment: see the module
    docstring), real emails, and the signed pay link."""
    logger.warning(
        "RENEWAL_PORTS=saleor_ports: renewal charges go to the in-memory journal gateway, not to Stripe; "
        "no customer is really charged (the Stripe gateway is the payments issue)"
    )
    store = JournalStore(settings.VAR_DIR / "memory-ports.sqlite3")
    return RenewalPorts(
        orders=SaleorOrderSink(),
        payments=InMemoryGateway(store, latency_ms=float(os.environ.get("RENEWAL_MEMORY_CHARGE_MS", "0"))),
        notifier=EmailNotifier(),
        pay_url=pay_url,
    )
