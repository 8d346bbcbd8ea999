"""A real Celery worker process for integration tests: `saleor-subscriptions worker` on the test database and
a Redis broker, its output in a log file, stopped with its whole process group."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import TypeVar

from django.conf import settings

from saleor_subscriptions.conf.celery import app

T = TypeVar("T")


@contextmanager
def tasks_inline() -> Iterator[None]:
    """Inside, Celery tasks run in the calling process as they are sent (`task_always_eager`), as a worker
    would run them; the setting is put back after."""
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = previous


def database_url() -> str:
    """The test database as a `DATABASE_URL` for a process of the app."""
    db = settings.DATABASES["default"]
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{host}:{port}/{db['NAME']}"


def celery_worker(tmp_path: Path, broker_url: str, **environment: str) -> AbstractContextManager[Path]:
    """A worker without beat, one process, on the test database and `broker_url` (`environment` adds
    settings); yields the path of its log."""
    return app_worker(tmp_path, broker_url, environment)


@contextmanager
def app_worker(
    tmp_path: Path,
    broker_url: str,
    environment: dict[str, str],
    *,
    beat: bool = False,
    without: tuple[str, ...] = (),
) -> Iterator[Path]:
    """A worker, one process, without beat unless `beat`, on the test database and `broker_url`
    (`environment` adds settings, `without` removes variables); yields the path of its log."""
    environ = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": broker_url,
        "VAR_DIR": str(tmp_path),
        "EMAIL_URL": "console://",
        "SALEOR_ALLOW_PRIVATE_NETWORKS": "true",  # the fake Saleor serves on 127.0.0.1 (see conftest)
        **environment,
    }
    for key in without:
        environ.pop(key, None)
    log_path = tmp_path / "worker.log"
    with log_path.open("w") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "saleor_subscriptions", "worker", "--concurrency", "1"]
            + ([] if beat else ["--no-beat"]),
            env=environ,
            cwd=tmp_path,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            yield log_path
        finally:
            os.killpg(worker.pid, signal.SIGTERM)
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                # A warm shutdown waits for the task at hand, which may be waiting on a server the test has
                # already stopped: stop the worker cold then (what the test checks has been checked).
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait(timeout=30)


def wait_for(found: Callable[[], T | None], seconds: float = 90) -> T | None:
    """The first answer of `found` that is not None, asked every half second for `seconds`; else None."""
    deadline = time.monotonic() + seconds
    while True:
        answer = found()
        if answer is not None or time.monotonic() >= deadline:
            return answer
        time.sleep(0.5)
