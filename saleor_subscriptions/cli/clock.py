"""`saleor-subscriptions clock advance`: move a sandbox installation's test clock, running what falls due."""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import Any

from saleor_subscriptions.cli.django_setup import existing_installation, setup_django
from saleor_subscriptions.cli.errors import UsageError, parse_installation_id


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "clock",
        help="move the test clock of a sandbox installation",
        description="The test clock of a sandbox installation (never of a live one).",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    advance = actions.add_parser(
        "advance",
        help="run everything that would have happened up to a moment, in order",
        description=(
            "Move the clock of a sandbox installation forward to --to, running in order every renewal, "
            "retry, dunning step and email due on the way, and print what happened."
        ),
    )
    advance.add_argument("--installation", required=True, help="the installation's id")
    advance.add_argument(
        "--to",
        required=True,
        help="ISO date-time; without an offset it is read in the installation's time zone",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    installation_id = parse_installation_id(args.installation)
    try:
        target = datetime.fromisoformat(args.to)
    except ValueError:
        raise UsageError("--to", f"not an ISO date-time: {args.to!r}") from None
    setup_django()
    from saleor_subscriptions.renewals.clock import ClockError, advance_clock
    from saleor_subscriptions.renewals.errors import PortsRefused
    from saleor_subscriptions.renewals.wiring import ports_for

    installation = existing_installation(installation_id)
    if target.tzinfo is None:
        target = target.replace(tzinfo=installation.zone)
    if not installation.sandbox:
        raise UsageError(
            "--installation",
            f"installation {installation_id} is live: only a sandbox installation has a test clock",
        )
    try:
        ports = ports_for(installation)
    except PortsRefused as exc:
        raise UsageError("RENEWAL_PORTS", str(exc)) from None
    try:
        lines = advance_clock(installation, target, ports, say=_say)
    except ClockError as exc:
        flag = "--to" if "only moves forward" in str(exc) else "--installation"
        raise UsageError(flag, str(exc)) from None
    print(
        f"clock of installation {installation_id} is now {target.isoformat()} "
        f"({lines.events} events, {len(lines) - lines.events} other steps)"
    )
    return 0


def _say(line: str) -> None:
    print(line, flush=True)
