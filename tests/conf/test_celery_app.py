"""Every entry point loads the project's Celery app with the settings: the web server's wsgi/asgi modules and
Django's own set-up send tasks to the configured broker and honour CELERY_TASK_ALWAYS_EAGER, not Celery's
fallback app (amqp://localhost)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROBE = "from celery import current_app as a; print(a.main, a.conf.broker_url, a.conf.task_always_eager)"


@pytest.mark.parametrize(
    "entry_point",
    [
        "import saleor_subscriptions.conf.wsgi",
        "import saleor_subscriptions.conf.asgi",
        "from saleor_subscriptions.cli.django_setup import setup_django; setup_django()",
    ],
)
def test_an_entry_point_uses_the_configured_broker_and_eager_setting(tmp_path: Path, entry_point: str):
    unset = ("CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE")
    environ = {k: v for k, v in os.environ.items() if k not in unset}
    environ.update({"VAR_DIR": str(tmp_path), "CELERY_TASK_ALWAYS_EAGER": "true"})
    result = subprocess.run(
        [sys.executable, "-c", f"{entry_point}; {PROBE}"],
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["saleor_subscriptions", "filesystem://", "True"]
