"""Entry point of `saleor-subscriptions`: one subcommand per module, each with `add_parser`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

from saleor_subscriptions import __version__
from saleor_subscriptions.cli.errors import UsageError
from saleor_subscriptions.conf.env import ConfigError
from saleor_subscriptions.renewals.errors import PortsMisconfigured


class OneLineParser(argparse.ArgumentParser):
    """An argparse parser whose errors are one line on stderr and exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


Registrar = Callable[["argparse._SubParsersAction[OneLineParser]"], None]


def _registrars() -> list[Registrar]:
    from saleor_subscriptions.cli import (
        clock,
        installation,
        invoice_prefix,
        migrate,
        portal_settings,
        renewal_stock,
        schedule,
        serve,
        worker,
    )

    return [
        serve.add_parser,
        worker.add_parser,
        migrate.add_parser,
        schedule.add_parser,
        clock.add_parser,
        installation.add_parser,
        invoice_prefix.add_parser,
        renewal_stock.add_parser,
        portal_settings.add_parser,
    ]


def build_parser() -> OneLineParser:
    parser = OneLineParser(
        prog="saleor-subscriptions",
        description="Subscription billing for Saleor shops: the app server, its worker and tools.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=OneLineParser)
    subparsers.required = True
    for register in _registrars():
        register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        return run(args)
    except UsageError as exc:
        print(f"saleor-subscriptions {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except (ConfigError, PortsMisconfigured) as exc:
        print(f"saleor-subscriptions: configuration error: {exc}", file=sys.stderr)
        return 2
