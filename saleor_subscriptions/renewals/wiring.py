"""Which ports a deployment's renewals use: `RENEWAL_PORTS` names a factory ("module:function").

The Saleor order adapter and the Stripe gateway come with their own issues; until a deployment names them,
renewals do not run (loudly), rather than pretend. `journal_ports` is the in-memory pair with its records in
a SQLite file under VAR_DIR, for the test clock of a sandbox, integration tests and benchmarks.
"""

from __future__ import annotations

import importlib
import os
from typing import cast

from django.conf import settings
from django.core import signing

from saleor_subscriptions.conf.env import ConfigError
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.notifications.notifier import EmailNotifier
from saleor_subscriptions.renewals.memory import InMemoryGateway, InMemoryOrderSink, JournalStore
from saleor_subscriptions.renewals.pipeline import RenewalPorts

PAY_LINK_SALT = "saleor_subscriptions.pay"


class PortsNotConfigured(Exception):
    """RENEWAL_PORTS is not set: nothing can place orders or charge."""


def pay_url(invoice: Invoice, return_to: str | None = None) -> str:
    """The link in a payment-failed email: a signed token naming one invoice (the page checks its age);
    `return_to`, signed with it, is where the page's "Back" leads (the customer portal)."""
    payload: dict[str, object] = {"invoice": invoice.pk}
    if return_to:
        payload["return"] = return_to
    token = signing.dumps(payload, salt=PAY_LINK_SALT, compress=True)
    return f"{settings.APP_URL}/pay/{token}/"


def configured_ports() -> RenewalPorts:
    """The ports named by the RENEWAL_PORTS setting."""
    path: str = settings.RENEWAL_PORTS
    if not path:
        raise PortsNotConfigured(
            "RENEWAL_PORTS is not set: renewals need an order sink and a payment gateway (see README)"
        )
    module_name, _, attribute = path.partition(":")
    try:
        factory = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError) as exc:
        raise ConfigError("RENEWAL_PORTS", f"cannot load {path!r}: {exc}") from None
    return cast(RenewalPorts, factory())


def journal_ports() -> RenewalPorts:
    """In-memory Saleor and gateway recording into VAR_DIR/memory-ports.sqlite3, real emails (EMAIL_URL).

    Latencies (to imitate the real services) from RENEWAL_MEMORY_ORDER_MS and RENEWAL_MEMORY_CHARGE_MS."""
    store = JournalStore(settings.VAR_DIR / "memory-ports.sqlite3")
    return RenewalPorts(
        orders=InMemoryOrderSink(store, latency_ms=float(os.environ.get("RENEWAL_MEMORY_ORDER_MS", "0"))),
        payments=InMemoryGateway(store, latency_ms=float(os.environ.get("RENEWAL_MEMORY_CHARGE_MS", "0"))),
        notifier=EmailNotifier(),
        pay_url=pay_url,
    )
