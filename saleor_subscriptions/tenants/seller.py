"""The seller on a shop's invoices: legal name, address, VAT number, registration number (EU VAT directive
2006/112/EC, article 226, items 5 and 3).

An installation holds them as plain fields; every invoice and credit note copies them when it is issued, so a
document never changes after it was issued. An invoice issued while one of them is missing is still made and
numbered, but is marked `missing_seller_details` for staff to see.

Checks (`check_seller_details`): the legal name and address are free text (the address one line per line);
a VAT number is two letters (the country: `NL`, `BE`, `DE`, … or `EL` for Greece) then 2 to 13 letters and
digits, spaces, dots and dashes removed and letters upper-cased; a Dutch one is `NL` + 9 digits + `B` + 2
digits. A registration number (the Dutch KvK number, a Handelsregister number) is 1 to 40 letters, digits,
spaces, dots, slashes and dashes; a Dutch seller's (VAT number `NL…`) is the KvK's 8 digits.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from saleor_subscriptions.billing.errors import CodedError

NAME_MAX = 200
ADDRESS_MAX = 500
VAT_NUMBER_MAX = 20
REGISTRATION_MAX = 40

_VAT = re.compile(r"[A-Z]{2}[A-Z0-9+*]{2,13}")
_DUTCH_VAT = re.compile(r"NL[0-9]{9}B[0-9]{2}")
_REGISTRATION = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ./-]{0,39}")
_KVK = re.compile(r"[0-9]{8}")
_VAT_SEPARATORS = re.compile(r"[\s.\-]")


class SellerDetailsErrorCode(StrEnum):
    INVALID = "invalid"
    TOO_LONG = "too_long"


class SellerDetailsError(CodedError):
    """A seller detail that cannot go on an invoice; `field` is its name (`name`, `address`, `vat_number`,
    `registration_number`)."""


SELLER_FIELDS = ("name", "address", "vat_number", "registration_number")
"""The seller's details in the order an invoice prints them; each is required for a complete invoice."""


@dataclass(frozen=True)
class SellerDetails:
    """What an invoice says about the seller; an empty string is a detail not set yet."""

    name: str = ""
    address: str = ""
    vat_number: str = ""
    registration_number: str = ""

    def missing(self) -> list[str]:
        """The details an invoice needs but this seller has not given, by field name."""
        return [field for field in SELLER_FIELDS if not getattr(self, field)]

    def snapshot(self) -> dict[str, str]:
        # By hand, not `asdict` (which deep-copies every value): every renewal invoice takes one.
        return {
            "name": self.name,
            "address": self.address,
            "vat_number": self.vat_number,
            "registration_number": self.registration_number,
        }

    @classmethod
    def from_snapshot(cls, data: Mapping[str, object]) -> SellerDetails:
        return cls(**{field: str(data.get(field) or "") for field in SELLER_FIELDS})

    def address_lines(self) -> list[str]:
        return [line for line in self.address.splitlines() if line.strip()]


def normal_vat_number(text: str) -> str:
    """A VAT number as printed: spaces, dots and dashes removed, letters upper-cased ("nl 8047.33.568 B01"
    is "NL804733568B01")."""
    return _VAT_SEPARATORS.sub("", text).upper()


def vat_number_problem(vat_number: str) -> str | None:
    """Why `vat_number` (already normalised) is no EU VAT number, or None."""
    if not _VAT.fullmatch(vat_number):
        return (
            f"{vat_number!r} is not a VAT number: two letters of the country (NL, BE, DE, …) then 2 to 13 "
            "letters and digits"
        )
    if vat_number.startswith("NL") and not _DUTCH_VAT.fullmatch(vat_number):
        return f"{vat_number!r} is not a Dutch VAT number: NL, 9 digits, B and 2 digits (NL123456789B01)"
    return None


def _text(field: str, value: str, limit: int) -> str:
    text = "\n".join(line.strip() for line in value.strip().splitlines() if line.strip())
    if len(text) > limit:
        raise SellerDetailsError(
            SellerDetailsErrorCode.TOO_LONG, f"at most {limit} characters, got {len(text)}", field
        )
    if any(ord(char) < 32 and char != "\n" for char in text):
        raise SellerDetailsError(SellerDetailsErrorCode.INVALID, "control characters are not allowed", field)
    return text


def check_seller_details(current: SellerDetails, **changes: str | None) -> SellerDetails:
    """`current` with `changes` applied (a None leaves a detail as it is, "" clears it), checked; a
    SellerDetailsError names the first detail that cannot go on an invoice and why."""
    unknown = set(changes) - set(SELLER_FIELDS)
    if unknown:
        raise ValueError(f"unknown seller details: {sorted(unknown)}")
    values = current.snapshot()
    for field, value in changes.items():
        if value is not None:
            values[field] = value
    name = _text("name", values["name"], NAME_MAX)
    if "\n" in name:
        raise SellerDetailsError(SellerDetailsErrorCode.INVALID, "the legal name is one line", "name")
    address = _text("address", values["address"], ADDRESS_MAX)
    vat_number = normal_vat_number(values["vat_number"])
    if vat_number:
        if len(vat_number) > VAT_NUMBER_MAX:
            raise SellerDetailsError(
                SellerDetailsErrorCode.TOO_LONG, f"at most {VAT_NUMBER_MAX} characters", "vat_number"
            )
        problem = vat_number_problem(vat_number)
        if problem is not None:
            raise SellerDetailsError(SellerDetailsErrorCode.INVALID, problem, "vat_number")
    registration = values["registration_number"].strip()
    if registration:
        if len(registration) > REGISTRATION_MAX:
            raise SellerDetailsError(
                SellerDetailsErrorCode.TOO_LONG,
                f"at most {REGISTRATION_MAX} characters, got {len(registration)}",
                "registration_number",
            )
        if not _REGISTRATION.fullmatch(registration):
            raise SellerDetailsError(
                SellerDetailsErrorCode.INVALID,
                f"{registration!r}: letters, digits, spaces and . / -, beginning with a letter or digit",
                "registration_number",
            )
        if vat_number.startswith("NL") and not _KVK.fullmatch(registration):
            raise SellerDetailsError(
                SellerDetailsErrorCode.INVALID,
                f"{registration!r} is not a KvK number: a Dutch seller's registration number is 8 digits",
                "registration_number",
            )
    return SellerDetails(name, address, vat_number, registration)
