"""`saleor-subscriptions portal-settings`: show or set what a shop's customers may not do themselves (on top
of each plan's terms): the Installation's self-service rights, as `installationSettingsUpdate` sets them."""

from __future__ import annotations

import argparse
from typing import Any

from saleor_subscriptions.cli.django_setup import existing_installation, setup_django
from saleor_subscriptions.cli.errors import UsageError, parse_installation_id


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "portal-settings",
        help="show or set what customers may not do themselves in the portal",
        description=(
            "--forbid takes a comma-separated list of cancel, pause (pause, skip, resume), quantity, switch, "
            "address and contacts; an empty list allows everything the plans allow. It sets the shop's "
            "self-service rights (installationSettingsUpdate's arguments); forbidding cancel sets "
            "selfServiceCancel to DISABLED, allowing it again sets PLAN unless it was PERIOD_END. "
            "A forbidden action is not offered in the portal, and refused for customers everywhere."
        ),
    )
    parser.add_argument("--installation", required=True, help="the installation's id")
    parser.add_argument("--forbid", help="the actions kept to staff, comma-separated; '' for none")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    installation_id = parse_installation_id(args.installation)
    setup_django()
    from saleor_subscriptions.billing.errors import CodedError
    from saleor_subscriptions.tenants.self_service import forbid_actions, forbidden_actions

    installation = existing_installation(installation_id)
    if args.forbid is not None:
        try:
            forbid_actions(installation, args.forbid.split(","))
        except CodedError as refused:
            raise UsageError("--forbid", refused.message) from None
    kept = ", ".join(sorted(forbidden_actions(installation))) or "nothing forbidden"
    print(f"installation {installation_id}: customers may not: {kept}")
    return 0
