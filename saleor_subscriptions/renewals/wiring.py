"""Which ports a deployment's renewals use: `RENEWAL_PORTS` names a factory ("module:function").

By default the production wiring: Saleor orders and Stripe charges (`conf.ports:saleor_ports`).
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

from saleor_subscriptions.invoicing.links import pay_url
from saleor_subscriptions.notifications.notifier import EmailNotifier
from saleor_subscriptions.renewals.errors import PortsMisconfigured, PortsRefused, WiringErrorCode
from saleor_subscriptions.renewals.memory import InMemoryGateway, InMemoryOrderSink, JournalStore
from saleor_subscriptions.renewals.pipeline import RenewalPorts
from saleor_subscriptions.tenants.models import Installation


def _factory() -> Callable[[], RenewalPorts]:
    path: str = settings.RENEWAL_PORTS
    module_name, _, attribute = path.partition(":")
    try:
        factory = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError) as exc:
        raise PortsMisconfigured(WiringErrorCode.PORTS_UNLOADABLE, f"cannot load {path!r}: {exc}") from None
    if not callable(factory):
        raise PortsMisconfigured(WiringErrorCode.NOT_A_FACTORY, f"{path!r} is not a function")
    return cast(Callable[[], RenewalPorts], factory)


def check_renewal_ports() -> None:
    """At start-up: RENEWAL_PORTS names a factory that loads (else PortsMisconfigured naming it)."""
    _factory()


def load_ports() -> RenewalPorts:
    """The ports made by the factory RENEWAL_PORTS names; PortsMisconfigured naming it when it cannot load."""
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
            f"they never bill {which}; use saleor_subscriptions.conf.ports:saleor_ports"
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
