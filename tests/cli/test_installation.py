"""`saleor-subscriptions installation`: list the installations; switch one between sandbox and live."""

from __future__ import annotations

import pytest

from saleor_subscriptions.cli.main import main
from saleor_subscriptions.payments.models import StripeAccount
from saleor_subscriptions.tenants.models import Installation
from tests.renewals.support import at, sandbox

pytestmark = pytest.mark.django_db


def _one_error_line(capsys) -> str:
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    return lines[0]


def _keys(installation: Installation, *, live: bool, channel: str = "") -> None:
    mode = "live" if live else "test"
    account = StripeAccount(
        installation=installation, channel_slug=channel, livemode=live, verified_at=at(2026, 11, 1)
    )
    account.secret_key = f"sk_{mode}_{'x' * 24}"
    account.publishable_key = f"pk_{mode}_{'x' * 24}"
    account.save()


def test_list_prints_id_saleor_url_state_and_mode(capsys):
    live = Installation.objects.create(saleor_api_url="https://live.example.com/graphql/")
    test_shop = sandbox(at(2026, 11, 16), url="https://test.example.com/graphql/")
    gone = Installation.objects.create(saleor_api_url="https://gone.example.com/graphql/", status="removed")
    assert main(["installation", "list"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"{live.pk}\thttps://live.example.com/graphql/\tactive\tlive",
        f"{test_shop.pk}\thttps://test.example.com/graphql/\tactive\tsandbox",
        f"{gone.pk}\thttps://gone.example.com/graphql/\tremoved\tlive",
    ]


def test_a_live_installation_with_test_keys_becomes_a_sandbox(capsys):
    shop = Installation.objects.create(saleor_api_url="https://shop.example.com/graphql/")
    _keys(shop, live=False)
    assert main(["installation", "set-mode", str(shop.pk), "--sandbox"]) == 0
    said = capsys.readouterr().out
    assert said == f"installation {shop.pk} (https://shop.example.com/graphql/) is sandbox\n"
    assert Installation.objects.get(pk=shop.pk).sandbox is True


def test_a_sandbox_becomes_live_and_loses_its_test_clock(capsys):
    shop = sandbox(at(2026, 11, 16))
    assert main(["installation", "set-mode", str(shop.pk), "--live"]) == 0
    switched = Installation.objects.get(pk=shop.pk)
    assert (switched.sandbox, switched.clock) == (False, None)
    assert capsys.readouterr().out.endswith("is live\n")


def test_an_installation_holding_live_stripe_keys_is_refused_as_a_sandbox(capsys):
    shop = Installation.objects.create(saleor_api_url="https://shop.example.com/graphql/")
    _keys(shop, live=False, channel="default-channel")
    _keys(shop, live=True, channel="channel-eu")
    assert main(["installation", "set-mode", str(shop.pk), "--sandbox"]) == 2
    assert _one_error_line(capsys) == (
        f"saleor-subscriptions installation: error: --sandbox: installation {shop.pk} holds live Stripe keys "
        "(channel-eu): a sandbox takes Stripe test keys only; save test keys first"
    )
    assert Installation.objects.get(pk=shop.pk).sandbox is False


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["set-mode", "shop-1", "--live"], "ID: an installation id is a whole number, got 'shop-1'"),
        (["set-mode", "999999", "--live"], "ID: there is no installation 999999"),
    ],
)
def test_bad_input_is_named_and_exits_2(argv, expected, capsys):
    assert main(["installation", *argv]) == 2
    assert _one_error_line(capsys) == f"saleor-subscriptions installation: error: {expected}"


def test_a_mode_must_be_given(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["installation", "set-mode", "1"])
    assert exited.value.code == 2
    assert "one of the arguments --sandbox --live is required" in capsys.readouterr().err


def test_seller_details_are_set_checked_and_printed(capsys):
    shop = Installation.objects.create(saleor_api_url="https://shop.example.com/graphql/")
    argv = [
        "installation",
        "seller",
        str(shop.pk),
        "--seller-name",
        "Praktijk & Co B.V.",
        "--seller-address",
        "Keizersgracht 1",
        "--seller-address",
        "1015 CJ Amsterdam",
        "--seller-vat-number",
        "nl 8047.33.568 b01",
        "--seller-registration-number",
        "12345678",
    ]
    assert main(argv) == 0
    saved = Installation.objects.get(pk=shop.pk)
    assert (
        saved.seller_name,
        saved.seller_address,
        saved.seller_vat_number,
        saved.seller_registration_number,
    ) == ("Praktijk & Co B.V.", "Keizersgracht 1\n1015 CJ Amsterdam", "NL804733568B01", "12345678")
    said = capsys.readouterr().out
    assert "  VAT number: NL804733568B01\n" in said
    assert "  address: Keizersgracht 1 / 1015 CJ Amsterdam\n" in said
    assert "missing" not in said


def test_seller_details_without_flags_are_shown_with_what_is_missing(capsys):
    shop = Installation.objects.create(saleor_api_url="https://shop.example.com/graphql/", seller_name="Co")
    assert main(["installation", "seller", str(shop.pk)]) == 0
    said = capsys.readouterr().out
    assert "  name: Co\n" in said
    assert (
        "  missing on invoices: --seller-address, --seller-vat-number, --seller-registration-number\n" in said
    )


def test_an_empty_value_clears_one_seller_detail_and_keeps_the_others(capsys):
    shop = Installation.objects.create(
        saleor_api_url="https://shop.example.com/graphql/", seller_name="Co", seller_vat_number="BE0123456789"
    )
    assert main(["installation", "seller", str(shop.pk), "--seller-vat-number", ""]) == 0
    saved = Installation.objects.get(pk=shop.pk)
    assert (saved.seller_name, saved.seller_vat_number) == ("Co", "")


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        (
            ["--seller-vat-number", "123"],
            "--seller-vat-number: '123' is not a VAT number: two letters of the country (NL, BE, DE, …) "
            "then 2 to 13 letters and digits",
        ),
        (
            ["--seller-vat-number", "NL12345678B01"],
            "--seller-vat-number: 'NL12345678B01' is not a Dutch VAT number: NL, 9 digits, B and 2 digits "
            "(NL123456789B01)",
        ),
        (
            ["--seller-vat-number", "NL804733568B01", "--seller-registration-number", "1234"],
            "--seller-registration-number: '1234' is not a KvK number: a Dutch seller's registration number "
            "is 8 digits",
        ),
        (
            ["--seller-registration-number", "#12"],
            "--seller-registration-number: '#12': letters, digits, spaces and . / -, beginning with a letter "
            "or digit",
        ),
        (["--seller-name", "x" * 201], "--seller-name: at most 200 characters, got 201"),
        (["--seller-address", "a\tb"], "--seller-address: control characters are not allowed"),
        (["--seller-address", "x" * 501], "--seller-address: at most 500 characters, got 501"),
    ],
)
def test_bad_seller_details_are_named_by_their_flag_and_nothing_is_saved(flags, expected, capsys):
    shop = Installation.objects.create(saleor_api_url="https://shop.example.com/graphql/", seller_name="Co")
    assert main(["installation", "seller", str(shop.pk), "--seller-name", "New", *flags]) == 2
    assert _one_error_line(capsys) == f"saleor-subscriptions installation: error: {expected}"
    assert Installation.objects.get(pk=shop.pk).seller_name == "Co"


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["seller", "x"], "ID: an installation id is a whole number, got 'x'"),
        (["seller", "999999", "--seller-name", "Co"], "ID: there is no installation 999999"),
    ],
)
def test_seller_of_a_bad_installation_is_refused(argv, expected, capsys):
    assert main(["installation", *argv]) == 2
    assert _one_error_line(capsys) == f"saleor-subscriptions installation: error: {expected}"
