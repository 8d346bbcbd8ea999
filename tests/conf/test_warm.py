"""A server process loads every view and freezes what it loaded before its first request (`conf/warm.py`), so
that Python's full collections do not walk Django, the API's schema and the app during a request."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


@pytest.mark.parametrize("entry", ["wsgi", "asgi"])
def test_an_entry_point_loads_the_views_and_freezes_them(entry: str, tmp_path) -> None:
    code = (
        f"import gc, sys; import saleor_subscriptions.conf.{entry}; "
        "print(gc.get_freeze_count(), 'saleor_subscriptions.api.schema' in sys.modules)"
    )
    environment = {**os.environ, "VAR_DIR": str(tmp_path)}
    command = [sys.executable, "-c", code]
    done = subprocess.run(command, capture_output=True, text=True, env=environment, timeout=120, check=False)

    assert done.returncode == 0, done.stderr
    frozen, schema_loaded = done.stdout.split()
    assert int(frozen) > 10_000 and schema_loaded == "True"
