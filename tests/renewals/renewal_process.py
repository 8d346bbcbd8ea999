"""One renewal worker, run as a subprocess by the crash-safety and race tests.

    python -m tests.renewals.renewal_process --installations 3,4 --now 2026-12-16T12:00:00+00:00 \
        [--resume-now ISO] [--batch-size 10] [--resume-limit 20] [--out results.jsonl]

It sets Django up from the environment (DATABASE_URL, VAR_DIR, RENEWAL_PORTS …), prints ``READY`` and waits
for one line on stdin (so the parent can start several workers at the same moment, or start its kill timer
only once Django is loaded). Then, per installation: with ``--resume-now`` the sweeper
(`resume_unfinished`) at that moment until nothing whose lease has run out is left, then `renew_due` at
``--now``, and with ``--followup`` the ports' follow-up (for `saleor_ports`: paid invoices written on their
Saleor orders). When it finishes it appends one JSON line (pid and its counts) to ``--out`` and prints
``DONE``.

The crash plan (SALEOR_SUBSCRIPTIONS_CRASH_AT) and the ports' latencies come from the environment too.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import IO

REPO = Path(__file__).resolve().parents[2]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--installations", required=True, help="comma separated installation ids")
    parser.add_argument("--now", required=True, help="the moment renew_due runs at (ISO 8601)")
    parser.add_argument("--resume-now", default="", help="run resume_unfinished at this moment first")
    parser.add_argument("--batch-size", type=int, default=200)
    parser.add_argument("--resume-limit", type=int, default=500)
    parser.add_argument("--out", default="", help="append this worker's counts (JSON) to this file")
    parser.add_argument("--no-wait", action="store_true", help="do not wait for a line on stdin")
    parser.add_argument("--followup", action="store_true", help="run the ports' follow-up after renew_due")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saleor_subscriptions.conf.settings")
    import django

    django.setup()

    from django.db.models import Q

    from saleor_subscriptions.invoicing.models import Invoice
    from saleor_subscriptions.renewals.pipeline import renew_due, resume_unfinished
    from saleor_subscriptions.renewals.wiring import configured_ports

    ports = configured_ports()
    installations = [int(i) for i in args.installations.split(",") if i]
    now = datetime.fromisoformat(args.now)
    resume_now = datetime.fromisoformat(args.resume_now) if args.resume_now else None

    print("READY", flush=True)
    if not args.no_wait and not sys.stdin.readline():
        return 3  # the parent went away before saying go: do nothing
    started = time.monotonic()

    counts: dict[str, int] = {"invoiced": 0, "ordered": 0, "resumed_ordered": 0, "sweeps": 0}
    outcomes: dict[str, int] = {}
    for installation_id in installations:
        if resume_now is not None:
            left: set[int] | None = None
            while True:
                # Sweep until nothing whose lease has run out is left, or a sweep changes nothing (then the
                # parent's checks report what was left behind).
                before = left
                left = set(
                    Invoice.objects.filter(installation_id=installation_id)
                    .exclude(pipeline_step=Invoice.PipelineStep.DONE)
                    .filter(Q(lease_until__isnull=True) | Q(lease_until__lte=resume_now))
                    .values_list("pk", flat=True)
                )
                if not left or left == before:
                    break
                resumed = resume_unfinished(
                    ports, now=resume_now, installation_id=installation_id, limit=args.resume_limit
                )
                counts["sweeps"] += 1
                counts["resumed_ordered"] += resumed.ordered
                for outcome, n in resumed.counts.items():
                    outcomes[outcome] = outcomes.get(outcome, 0) + n
        report = renew_due(ports, now=now, installation_id=installation_id, batch_size=args.batch_size)
        counts["invoiced"] += report.invoiced
        counts["ordered"] += report.ordered
        if args.followup and ports.followup is not None:
            ports.followup(installation_id, now)
        for outcome, n in report.counts.items():
            outcomes[outcome] = outcomes.get(outcome, 0) + n

    result = {
        "pid": os.getpid(),
        **counts,
        "outcomes": outcomes,
        "seconds": round(time.monotonic() - started, 3),
    }
    if args.out:
        with open(args.out, "a", encoding="utf-8") as out:
            out.write(json.dumps(result) + "\n")
    print("DONE " + json.dumps(result), flush=True)
    return 0


# --- the parent's side (the tests) -------------------------------------------------------------------


def database_url() -> str:
    """The test run's database (its NAME is the test database by the time a test runs) as a URL."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{host}:{port}/{db['NAME']}"


def child_environ(var_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a worker: the test's database, journal ports under `var_dir`, console emails."""
    environ = {
        key: value
        for key, value in os.environ.items()
        if key not in ("SALEOR_SUBSCRIPTIONS_CRASH_AT", "RENEWAL_MEMORY_ORDER_MS", "RENEWAL_MEMORY_CHARGE_MS")
    }
    environ.update(
        {
            "DATABASE_URL": database_url(),
            "DJANGO_SETTINGS_MODULE": "saleor_subscriptions.conf.settings",
            "VAR_DIR": str(var_dir),
            "RENEWAL_PORTS": "saleor_subscriptions.renewals.wiring:journal_ports",
            "EMAIL_URL": "console://",
            "SALEOR_ALLOW_PRIVATE_NETWORKS": "true",  # the fake Saleor serves on 127.0.0.1 (see conftest)
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""),
        }
    )
    environ.update(extra)
    return environ


class Worker:
    """A started worker process, loaded and waiting for `go()`."""

    def __init__(self, args: list[str], environ: dict[str, str], log: Path) -> None:
        self.log_path = log
        self._log: IO[str] = log.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.renewals.renewal_process", *args],
            env=environ,
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            text=True,
        )
        self.ready = False

    @property
    def pid(self) -> int:
        return self.process.pid

    def wait_ready(self, timeout: float = 60) -> None:
        """Block until the worker has loaded Django (its first line is READY)."""
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if line.strip() != "READY":
            self.process.wait(timeout=timeout)
            raise AssertionError(f"worker did not start ({line!r}): {self.log_tail()}")
        self.ready = True

    def go(self) -> None:
        if not self.ready:
            self.wait_ready()
        assert self.process.stdin is not None
        self.process.stdin.write("go\n")
        self.process.stdin.flush()

    def wait(self, timeout: float | None = None) -> int:
        returncode = self.process.wait(timeout=timeout)
        self.close()
        return returncode

    def kill(self) -> int:
        """SIGKILL this worker (by its own pid) and reap it."""
        if self.process.poll() is None:
            self.process.kill()
        return self.wait(timeout=30)

    def close(self) -> None:
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None and not stream.closed:
                with contextlib.suppress(OSError):
                    stream.close()
        if not self._log.closed:
            self._log.close()

    def log_tail(self, chars: int = 4000) -> str:
        if not self._log.closed:
            self._log.flush()
        return self.log_path.read_text()[-chars:]


if __name__ == "__main__":
    sys.exit(main())
