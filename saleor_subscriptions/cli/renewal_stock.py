"""`saleor-subscriptions renewal-stock`: show or set what renewal orders do when Saleor has no stock."""

from __future__ import annotations

import argparse
from typing import Any

from saleor_subscriptions.cli.django_setup import existing_installation, setup_django
from saleor_subscriptions.cli.errors import UsageError, parse_installation_id

CHOICES = ("place", "wait")


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "renewal-stock",
        help="show or set what renewal orders do when Saleor has no stock",
        description=(
            "place (the default): bulk renewal orders are placed without allocating stock (orderBulkCreate "
            "stockUpdatePolicy SKIP); wait: they allocate stock, and an invoice whose order Saleor refuses "
            "for want of stock waits, uncharged, until it is back. Draft renewal orders always wait: Saleor "
            "allocates their stock when they are completed."
        ),
    )
    parser.add_argument("--installation", required=True, help="the installation's id")
    parser.add_argument("--set", dest="choice", help="place or wait")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    installation_id = parse_installation_id(args.installation)
    if args.choice is not None and args.choice not in CHOICES:
        raise UsageError("--set", f"{args.choice!r}: one of {', '.join(CHOICES)}")
    setup_django()
    from saleor_subscriptions.tenants.models import Installation

    installation = existing_installation(installation_id)
    if args.choice is not None:
        Installation.objects.filter(pk=installation_id).update(renewal_stock=args.choice)
        installation.renewal_stock = args.choice
    print(f"installation {installation_id}: renewal orders without stock: {installation.renewal_stock}")
    return 0
