"""`saleor-subscriptions invoice-prefix`: show or set what an installation's invoice numbers start with."""

from __future__ import annotations

import argparse
from typing import Any

from saleor_subscriptions.cli.django_setup import existing_installation, setup_django
from saleor_subscriptions.cli.errors import UsageError, parse_installation_id


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "invoice-prefix",
        help="show or set the prefix of an installation's invoice numbers",
        description=(
            "Every installation's invoice numbers start with its own prefix (random, e.g. INV-7KQ2XM-,"
            " unless set here); the numbers go on counting when it changes."
        ),
    )
    parser.add_argument("--installation", required=True, help="the installation's id")
    parser.add_argument("--set", dest="prefix", help="the new prefix, e.g. SHOP-2027-")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    installation_id = parse_installation_id(args.installation)
    setup_django()
    from saleor_subscriptions.invoicing.numbering import set_invoice_prefix

    installation = existing_installation(installation_id)
    if args.prefix is not None:
        try:
            set_invoice_prefix(installation, args.prefix)
        except ValueError as exc:
            raise UsageError("--set", str(exc)) from None
    print(f"installation {installation_id}: invoice numbers start with {installation.invoice_prefix}")
    return 0
