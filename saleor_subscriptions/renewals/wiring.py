"""Which ports a deployment's renewals use: `RENEWAL_PORTS` names a factory ("module:function").

By default the production wiring: Saleor orders and Stripe charges (`saleor.ports:saleor_ports`).
`journal_ports` is the in-memory pair with its records in a SQLite file under VAR_DIR, for the test clock of
a sandbox, integration tests and benchmarks: `ports_for` never lets it bill a live installation, whatever
the settings say, unless the test hooks are on (conf/deployment.py).
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from typing import cast

from django.conf import settings
from django.core import signing

from saleor_subscriptions.conf.env import ConfigError
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.notifications.notifier import EmailNotifier
from saleor_subscriptions.renewals.memory import InMemoryGateway, InMemoryOrderSink, JournalStore
from saleor_subscriptions.renewals.pipeline import RenewalPorts
from saleor_subscriptions.tenants.models import Installation

PAY_LINK_SALT = "saleor_subscriptions.pay"


class PortsRefused(Exception):
    """The configured ports may not bill these installations: in-memory ports and a live installation."""


def pay_url(invoice: Invoice, return_to: str | None = None, *, payer_only: bool = False) -> str:
    """The link in a payment-failed email: a signed token naming one invoice (the page checks its age);
    `return_to`, signed with it, is where the page's "Back" leads (the customer portal). A `payer_only` link
    (a billing contact's) pays the invoice and nothing more: it neither shows nor uses the customer's saved
    card, nor saves a card for the subscription."""
    payload: dict[str, object] = {"invoice": invoice.pk}
    if return_to:
        payload["return"] = return_to
    if payer_only:
        payload["payer"] = 1
    token = signing.dumps(payload, salt=PAY_LINK_SALT, compress=True)
    return f"{settings.APP_URL}/pay/{token}/"


INVOICE_PAGE_SALT = "saleor_subscriptions.portal.invoice"


def invoice_page_url(invoice: Invoice) -> str:
    """The link in the payment emails: the customer portal's page of one invoice (its status, PDF and Pay
    button), a signed token naming it and nothing else. It opens no portal session; its Pay button leads to
    `pay_url`, whose "Back" returns to it. Valid as long as a pay link (PAY_LINK_MAX_AGE_DAYS)."""
    token = signing.dumps({"invoice": invoice.pk}, salt=INVOICE_PAGE_SALT, compress=True)
    return f"{str(settings.APP_URL).rstrip('/')}/portal/pay/{token}/"


def _factory() -> Callable[[], RenewalPorts]:
    path: str = settings.RENEWAL_PORTS
    module_name, _, attribute = path.partition(":")
    try:
        factory = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError) as exc:
        raise ConfigError("RENEWAL_PORTS", f"cannot load {path!r}: {exc}") from None
    if not callable(factory):
        raise ConfigError("RENEWAL_PORTS", f"{path!r} is not a function")
    return cast(Callable[[], RenewalPorts], factory)


def check_renewal_ports() -> None:
    """At start-up: RENEWAL_PORTS names a factory that loads (else a ConfigError naming it)."""
    _factory()


def load_ports() -> RenewalPorts:
    """The ports made by the factory RENEWAL_PORTS names; a ConfigError naming it when it cannot load."""
    return _factory()()


def in_memory(ports: RenewalPorts) -> bool:
    """Whether these ports only pretend: orders or charges that never reach Saleor or a payment provider."""
    return isinstance(ports.orders, InMemoryOrderSink) or isinstance(ports.payments, InMemoryGateway)


def ports_for(installation: Installation | None) -> RenewalPorts:
    """The ports the renewals of `installation` go through; None: every live installation (what beat
    renews). In-memory ports bill sandboxes only (and live installations in tests, with the test hooks on):
    a live installation is refused (PortsRefused), whatever RENEWAL_PORTS says."""
    ports = load_ports()
    live = installation is None or not installation.sandbox
    if live and in_memory(ports) and not settings.TEST_HOOKS:
        which = "live installations" if installation is None else f"installation {installation.pk} (live)"
        raise PortsRefused(
            f"RENEWAL_PORTS={settings.RENEWAL_PORTS} are in-memory ports (no order, no money taken): "
            f"they never bill {which}; use saleor_subscriptions.saleor.ports:saleor_ports"
        )
    return ports


def configured_ports() -> RenewalPorts:
    """The ports of every live installation (beat's renewals): `ports_for(None)`."""
    return ports_for(None)


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
