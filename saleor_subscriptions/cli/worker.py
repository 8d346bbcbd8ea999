"""`saleor-subscriptions worker`: the Celery worker, with beat (the scheduler) in the same process."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from saleor_subscriptions.cli.django_setup import setup_django
from saleor_subscriptions.cli.errors import UsageError
from saleor_subscriptions.conf.env import ConfigError


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "worker",
        help="run the Celery worker that renews subscriptions",
        description=(
            "Run a Celery worker on CELERY_BROKER_URL (a broker on the file system under ./var by default). "
            "Beat, the scheduler that finds what is due, runs inside it unless --no-beat is given; "
            "run beat in exactly one process of a deployment."
        ),
    )
    parser.add_argument("--concurrency", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--no-beat", action="store_true", help="do not run the scheduler in this worker")
    parser.add_argument(
        "--loglevel", default="INFO", choices=("DEBUG", "INFO", "WARNING", "ERROR"), help="default INFO"
    )
    parser.set_defaults(run=run)


def celery_argv(args: argparse.Namespace, schedule_file: str) -> list[str]:
    """The arguments handed to Celery's own worker command."""
    if args.concurrency < 1:
        raise UsageError("--concurrency", f"must be at least 1, got {args.concurrency}")
    argv = ["worker", f"--concurrency={args.concurrency}", f"--loglevel={args.loglevel}"]
    if not args.no_beat:
        argv += ["--beat", f"--schedule={schedule_file}"]
    return argv


def beat_schedule_file(path: Path) -> str:
    """Where beat keeps when each task last ran; its folder (VAR_DIR) is made when it does not exist yet, as
    on a fresh deployment whose database and broker live elsewhere (beat cannot start without it)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        reason = f"cannot make {path.parent} for beat's schedule: {exc.strerror}"
        raise ConfigError("VAR_DIR", reason) from None
    return str(path)


def run(args: argparse.Namespace) -> int:
    """Run the worker until it is stopped; Celery exits the process itself."""
    setup_django()
    from django.conf import settings

    from saleor_subscriptions.conf.celery import app

    schedule = "" if args.no_beat else beat_schedule_file(Path(settings.CELERY_BEAT_SCHEDULE_FILE))
    app.worker_main(argv=celery_argv(args, schedule))
