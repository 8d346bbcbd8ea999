"""Starting Django from the command line: settings come from the environment only."""

from __future__ import annotations

import os


def setup_django() -> None:
    """Load the settings and the apps (with the project's Celery app, conf/__init__.py), then check the
    settings that need the apps: a bad variable raises ConfigError (RENEWAL_PORTS: PortsMisconfigured), before
    any process starts."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saleor_subscriptions.conf.settings")
    import django

    django.setup()
    from saleor_subscriptions.renewals.wiring import check_renewal_ports

    check_renewal_ports()
