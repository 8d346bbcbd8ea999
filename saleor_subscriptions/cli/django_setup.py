"""Starting Django from the command line: settings come from the environment only."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from saleor_subscriptions.cli.errors import UsageError

if TYPE_CHECKING:
    from saleor_subscriptions.tenants.models import Installation


def setup_django() -> None:
    """Load the settings and the apps (with the project's Celery app, conf/__init__.py), then check the
    settings that need the apps: a bad variable raises ConfigError (RENEWAL_PORTS: PortsMisconfigured), before
    any process starts."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saleor_subscriptions.conf.settings")
    import django

    django.setup()
    from saleor_subscriptions.renewals.wiring import check_renewal_ports

    check_renewal_ports()


def existing_installation(installation_id: int, flag: str = "--installation") -> Installation:
    """The installation `installation_id` (Django set up first); a UsageError naming `flag` when there is
    none."""
    from saleor_subscriptions.tenants.models import Installation

    installation = Installation.objects.filter(pk=installation_id).first()
    if installation is None:
        raise UsageError(flag, f"there is no installation {installation_id}")
    return installation
