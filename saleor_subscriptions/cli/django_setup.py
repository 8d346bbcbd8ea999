"""Starting Django from the command line: settings come from the environment only."""

from __future__ import annotations

import os


def setup_django() -> None:
    """Load the settings (raising ConfigError on a bad variable) and the apps."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saleor_subscriptions.conf.settings")
    import django

    django.setup()
