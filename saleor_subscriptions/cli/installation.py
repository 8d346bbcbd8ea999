"""`saleor-subscriptions installation`: list the installations, and switch one between sandbox and live."""

from __future__ import annotations

import argparse
from typing import Any

from saleor_subscriptions.cli.django_setup import setup_django
from saleor_subscriptions.cli.errors import UsageError, parse_installation_id


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "installation",
        help="list installations; switch one between sandbox and live",
        description="The Saleor shops that installed the app (installations), and their mode.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    actions.add_parser(
        "list",
        help="print every installation",
        description="Print one line per installation: id, Saleor API URL, state (active/removed), mode.",
    )
    set_mode = actions.add_parser(
        "set-mode",
        help="make an installation a sandbox or live",
        description=(
            "Make an installation a sandbox (a test clock, Stripe test keys only: refused while it holds "
            "live keys) or live (no test clock: renewed by beat on the real time)."
        ),
    )
    set_mode.add_argument("id", help="the installation's id")
    which = set_mode.add_mutually_exclusive_group(required=True)
    which.add_argument("--sandbox", action="store_true", help="a sandbox, with a test clock")
    which.add_argument("--live", action="store_true", help="live: billed on the real time")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.action == "set-mode":
        installation_id = parse_installation_id(args.id, "ID")
    setup_django()
    from saleor_subscriptions.payments.accounts import StripeSettingsError
    from saleor_subscriptions.payments.modes import mode, set_sandbox
    from saleor_subscriptions.tenants.models import Installation

    if args.action == "list":
        for row in Installation.objects.order_by("pk"):
            print(f"{row.pk}\t{row.saleor_api_url}\t{row.status}\t{mode(row)}")
        return 0
    try:
        installation = set_sandbox(installation_id, sandbox=args.sandbox)
    except Installation.DoesNotExist:
        raise UsageError("ID", f"there is no installation {installation_id}") from None
    except StripeSettingsError as exc:
        raise UsageError("--sandbox", exc.message) from None
    print(f"installation {installation.pk} ({installation.saleor_api_url}) is {mode(installation)}")
    return 0
