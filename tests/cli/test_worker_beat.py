"""`worker` with beat on a fresh deployment: PostgreSQL, Redis, no VAR_DIR yet, started in an empty folder."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import redis

from tests.worker import app_worker, wait_for

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
BEAT_TASK_RAN = re.compile(r"Task renewals\.enqueue_due_renewals\[[^\]]+\] succeeded")


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_worker_with_beat_starts_in_an_empty_folder_and_runs_a_periodic_task(tmp_path: Path):
    client = redis.Redis.from_url(REDIS_URL)
    client.ping()
    client.flushdb()
    var_dir = tmp_path / "not" / "made" / "yet"
    production = {
        "VAR_DIR": str(var_dir),
        "SECRET_KEY": "fresh-deployment-" + "k" * 40,
        "RENEWAL_PORTS": "",  # the production wiring, the default
    }
    try:
        # The README's production settings: no test hooks; the first periodic run comes after a minute.
        with app_worker(
            tmp_path, REDIS_URL, production, beat=True, without=("SALEOR_SUBSCRIPTIONS_TEST_HOOKS",)
        ) as log:
            ran = wait_for(lambda: BEAT_TASK_RAN.search(log.read_text()), seconds=120)
            text = log.read_text()
        assert ran is not None, text[-3000:]
        assert "FileNotFoundError" not in text
        assert (var_dir / "celerybeat-schedule").exists() or any(var_dir.glob("celerybeat-schedule*"))
    finally:
        client.flushdb()
