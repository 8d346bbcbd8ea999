"""`saleor-subscriptions serve`: the app's HTTP server (gunicorn), optionally with a worker beside it."""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
from typing import Any

from saleor_subscriptions.cli.django_setup import setup_django
from saleor_subscriptions.cli.errors import UsageError


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="serve the app over HTTP",
        description="Serve the app with gunicorn. Settings come from the environment (see README.md).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    parser.add_argument("--workers", type=int, default=2, help="HTTP worker processes (default 2)")
    parser.add_argument(
        "--with-worker",
        action="store_true",
        help="also start `saleor-subscriptions worker` (with beat) and stop it on exit",
    )
    parser.set_defaults(run=run)


def gunicorn_argv(args: argparse.Namespace) -> list[str]:
    """Gunicorn's command line for these flags, after checking them."""
    if not 1 <= args.port <= 65535:
        raise UsageError("--port", f"must be between 1 and 65535, got {args.port}")
    if args.workers < 1:
        raise UsageError("--workers", f"must be at least 1, got {args.workers}")
    return [
        "gunicorn",
        "saleor_subscriptions.conf.wsgi:application",
        f"--bind={args.host}:{args.port}",
        f"--workers={args.workers}",
        "--access-logfile=-",
        "--logger-class=saleor_subscriptions.cli.access_log.RedactingAccessLog",
    ]


def run(args: argparse.Namespace) -> int:
    argv = gunicorn_argv(args)
    setup_django()  # a bad setting stops here, before any process starts
    worker: subprocess.Popen[bytes] | None = None
    if args.with_worker:
        worker = subprocess.Popen([sys.executable, "-m", "saleor_subscriptions", "worker"])
    try:
        from gunicorn.app.wsgiapp import WSGIApplication  # type: ignore[import-untyped]

        sys.argv = argv
        WSGIApplication("%(prog)s [OPTIONS] [APP_MODULE]").run()
    finally:
        if worker is not None:
            _stop(worker)
    return 0


def _stop(worker: subprocess.Popen[bytes], grace_seconds: float = 30) -> None:
    """Stop the worker started beside the server: a warm shutdown (it finishes its task), then a kill."""
    worker.send_signal(signal.SIGTERM)
    try:
        worker.wait(timeout=grace_seconds)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()
