"""`saleor-subscriptions installation`: list the installations, switch one between sandbox and live, and show
or set the seller's details its invoices print (legal name, address, VAT and registration number)."""

from __future__ import annotations

import argparse
from typing import Any

from saleor_subscriptions.cli.django_setup import existing_installation, setup_django
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
    seller = actions.add_parser(
        "seller",
        help="show or set the seller's details on invoices",
        description=(
            "The seller's details every invoice and credit note prints (EU VAT directive art. 226): legal "
            "name, address, VAT number, registration (KvK) number. Without flags, print them. A flag sets "
            "one for documents issued from now on; an empty value clears it. An invoice issued while one is "
            "missing is still made, and marked as missing seller details."
        ),
    )
    seller.add_argument("id", help="the installation's id")
    seller.add_argument("--seller-name", help="the legal name, e.g. 'Praktijk & Co B.V.'")
    seller.add_argument(
        "--seller-address",
        action="append",
        metavar="LINE",
        help="one line of the address; repeat for each line (street, postcode and city, country)",
    )
    seller.add_argument("--seller-vat-number", help="the VAT number, e.g. NL123456789B01")
    seller.add_argument(
        "--seller-registration-number", help="the registration number: the KvK's 8 digits for a Dutch seller"
    )
    parser.set_defaults(run=run)


SELLER_FLAGS = {
    "name": "--seller-name",
    "address": "--seller-address",
    "vat_number": "--seller-vat-number",
    "registration_number": "--seller-registration-number",
}


def run(args: argparse.Namespace) -> int:
    if args.action in ("set-mode", "seller"):
        installation_id = parse_installation_id(args.id, "ID")
    setup_django()
    if args.action == "seller":
        return seller(args, installation_id)
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


def seller(args: argparse.Namespace, installation_id: int) -> int:
    from saleor_subscriptions.tenants.seller import SellerDetailsError

    installation = existing_installation(installation_id, "ID")
    address = args.seller_address
    changes = {
        "name": args.seller_name,
        "address": "\n".join(address) if address is not None else None,
        "vat_number": args.seller_vat_number,
        "registration_number": args.seller_registration_number,
    }
    if any(value is not None for value in changes.values()):
        try:
            installation.update_seller(**changes)
        except SellerDetailsError as exc:
            raise UsageError(SELLER_FLAGS[exc.field or "name"], exc.message) from None
    details = installation.seller
    print(f"installation {installation.pk} ({installation.saleor_api_url}) seller:")
    print(f"  name: {details.name or '(not set)'}")
    print(f"  address: {' / '.join(details.address_lines()) or '(not set)'}")
    print(f"  VAT number: {details.vat_number or '(not set)'}")
    print(f"  registration number: {details.registration_number or '(not set)'}")
    missing = details.missing()
    if missing:
        print(f"  missing on invoices: {', '.join(SELLER_FLAGS[name] for name in missing)}")
    return 0
