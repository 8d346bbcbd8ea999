"""`saleor-subscriptions migrate`: bring the database schema up to date."""

from __future__ import annotations

import argparse
from typing import Any

from saleor_subscriptions.cli.django_setup import setup_django


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "migrate",
        help="create or update the database tables",
        description="Apply the database migrations to DATABASE_URL (the embedded SQLite file by default).",
    )
    parser.add_argument(
        "--check", action="store_true", help="apply nothing; exit 1 when migrations are waiting to be applied"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    setup_django()
    from django.core.management import call_command

    if args.check:
        try:
            call_command("migrate", check_unapplied=True, plan=True, verbosity=1)
        except SystemExit as exc:
            return int(exc.code or 0)
        return 0
    call_command("migrate", interactive=False, verbosity=1)
    return 0
