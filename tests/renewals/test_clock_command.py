"""`saleor-subscriptions clock advance`: what happened up to a moment, printed; bad input named."""

from __future__ import annotations

import pytest
from django.test import override_settings

from saleor_subscriptions.cli.main import main
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.tenants.models import Installation
from tests.renewals.support import at, plan, sandbox, signed_up

pytestmark = pytest.mark.django_db

JOURNAL = "saleor_subscriptions.renewals.wiring:journal_ports"


def _one_error_line(capsys) -> str:
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    return lines[0]


def test_advancing_a_sandbox_clock_renews_and_prints_each_event(tmp_path, capsys):
    shop = sandbox(at(2026, 11, 16))
    subscription = signed_up(plan(shop, "30.00"))
    with override_settings(RENEWAL_PORTS=JOURNAL, VAR_DIR=tmp_path):
        assert main(["clock", "advance", "--installation", str(shop.pk), "--to", "2027-01-20T12:00:00"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert [line for line in out if "invoiced" in line] == [
        f"2026-12-16T05:00:00+00:00 subscription {subscription.pk}: invoiced (active -> active) "
        "invoice INV-000001 for the period from 2026-12-16",
        f"2027-01-16T05:00:00+00:00 subscription {subscription.pk}: invoiced (active -> active) "
        "invoice INV-000002 for the period from 2027-01-16",
    ]
    assert out[-1] == (
        f"clock of installation {shop.pk} is now 2027-01-20T12:00:00+01:00 (2 events, 4 other steps)"
    )
    assert Invoice.objects.filter(subscription=subscription, status="paid").count() == 2
    assert Installation.objects.get(pk=shop.pk).clock == at(2027, 1, 20, 11)


def test_a_live_installation_has_no_test_clock(capsys):
    live = Installation.objects.create(saleor_api_url="https://live.example.com/graphql/")
    with override_settings(RENEWAL_PORTS=JOURNAL):
        assert main(["clock", "advance", "--installation", str(live.pk), "--to", "2027-01-01T00:00:00Z"]) == 2
    assert _one_error_line(capsys) == (
        f"saleor-subscriptions clock: error: --installation: installation {live.pk} is live: "
        "only a sandbox installation has a test clock"
    )


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (
            ["--installation", "shop-1", "--to", "2027-01-01"],
            "--installation: an installation id is a whole number",
        ),
        (
            ["--installation", "999999", "--to", "2027-01-01"],
            "--installation: there is no installation 999999",
        ),
        (["--installation", "1", "--to", "next tuesday"], "--to: not an ISO date-time: 'next tuesday'"),
    ],
)
def test_bad_flags_are_named(argv, expected, capsys):
    with override_settings(RENEWAL_PORTS=JOURNAL):
        assert main(["clock", "advance", *argv]) == 2
    assert expected in _one_error_line(capsys)


def test_going_back_in_time_is_refused(tmp_path, capsys):
    shop = sandbox(at(2026, 11, 16))
    with override_settings(RENEWAL_PORTS=JOURNAL, VAR_DIR=tmp_path):
        assert main(["clock", "advance", "--installation", str(shop.pk), "--to", "2026-11-01T00:00:00Z"]) == 2
    assert "--to: the clock is at 2026-11-16T10:00:00+00:00; it only moves forward" in _one_error_line(capsys)


def test_a_sandbox_clock_runs_on_in_memory_ports_without_the_test_hooks(tmp_path, capsys):
    shop = sandbox(at(2026, 11, 16))
    signed_up(plan(shop, "30.00"))
    with override_settings(RENEWAL_PORTS=JOURNAL, VAR_DIR=tmp_path, TEST_HOOKS=False):
        assert main(["clock", "advance", "--installation", str(shop.pk), "--to", "2026-12-20T00:00:00Z"]) == 0
    assert Invoice.objects.filter(installation=shop, status="paid").count() == 1


def test_the_clock_lapses_a_sign_up_left_unpaid_for_23_hours():
    from saleor_subscriptions import lifecycle
    from saleor_subscriptions.billing.states import Actor
    from saleor_subscriptions.renewals.clock import advance_clock
    from tests.renewals.support import memory_ports, reload

    shop = sandbox(at(2026, 11, 16))
    version = plan(shop, "30.00")
    unpaid = lifecycle.start_subscription(
        shop,
        version,
        customer_user_id=None,
        customer_email="jan@example.com",
        quantity=1,
        channel_slug=version.plan.channel_slug,
        actor=Actor.CUSTOMER,
    )
    advance_clock(Installation.objects.get(pk=shop.pk), at(2026, 11, 17, 8, 59), memory_ports())
    assert reload(unpaid).status == "incomplete"
    advance_clock(Installation.objects.get(pk=shop.pk), at(2026, 11, 17, 9), memory_ports())
    assert (reload(unpaid).status, reload(unpaid).cancel_reason) == ("cancelled", "lapsed")
