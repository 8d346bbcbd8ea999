"""`clock advance` says every step as it runs it (charges, retries, warnings, emails, progress), and stops at
once when the installation is removed from its Saleor instead of offering the same moment for ever."""

from __future__ import annotations

import time

import pytest
from django.test import override_settings

from saleor_subscriptions.cli.main import main
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.notifications.notifier import EmailNotifier
from saleor_subscriptions.renewals.clock import advance_clock
from saleor_subscriptions.renewals.memory import InMemoryGateway, InMemoryOrderSink
from saleor_subscriptions.renewals.pipeline import RenewalPorts
from saleor_subscriptions.renewals.ports import ChargeOutcome, OrderRequest, PlacedOrder
from saleor_subscriptions.tenants.models import Installation
from tests.renewals.support import at, plan, sandbox, signed_up

pytestmark = pytest.mark.django_db

DECLINED = ChargeOutcome.DECLINED


def _email_ports(gateway: InMemoryGateway) -> RenewalPorts:
    return RenewalPorts(
        orders=InMemoryOrderSink(),
        payments=gateway,
        notifier=EmailNotifier(),
        pay_url=lambda invoice: f"https://subs.example.com/pay/{invoice.number}",
    )


def test_every_retry_warning_and_email_is_said_as_it_runs_with_progress():
    shop = sandbox(at(2026, 11, 16))
    subscription = signed_up(plan(shop, "30.00"))
    gateway = InMemoryGateway()
    gateway.script(subscription.customer_key, [DECLINED] * 10)
    said: list[str] = []
    lines = advance_clock(
        Installation.objects.get(pk=shop.pk), at(2026, 12, 31), _email_ports(gateway), say=said.append,
        progress_every_s=0,
    )
    number = Invoice.objects.get(subscription=subscription, billing_reason="renewal").number
    steps = [line for line in said if not line.startswith("...")]
    assert steps == list(lines)
    assert "2026-12-16T05:00:00+00:00 renewals: 1 ordered; charges: declined 1" in steps
    assert f"2026-12-16T05:00:00+00:00 email payment_failed to piet@example.com (invoice {number})" in steps
    assert f"2026-12-17T05:00:00+00:00 subscription {subscription.pk}: day 1: retry 2" in steps
    assert f"2026-12-23T05:00:00+00:00 subscription {subscription.pk}: day 7: suspended" in steps
    assert "2026-12-23T05:00:00+00:00 email suspended to piet@example.com" in steps
    assert f"2026-12-30T05:00:00+00:00 subscription {subscription.pk}: day 14: termination warning" in steps
    assert "2026-12-30T05:00:00+00:00 email termination_warning to piet@example.com" in steps
    progress = [line for line in said if line.startswith("...")]
    assert progress[0].startswith("... the clock is at 2026-12-16T05:00:00+00:00 (")
    assert progress[-1].endswith("of the way to 2026-12-31T10:00:00+00:00)")


class RemovedFromSaleor(Exception):
    pass


class OrdersOfARemovedApp(InMemoryOrderSink):
    """Saleor refusing the app's token: the adapter marks the installation removed, the order is not made."""

    def place_order(self, request: OrderRequest) -> PlacedOrder:
        Installation.objects.filter(pk=request.installation_id).update(
            status=Installation.Status.REMOVED, removed_at=at(2026, 12, 16)
        )
        raise RemovedFromSaleor("the app's token was refused")


def removed_app_ports() -> RenewalPorts:
    return RenewalPorts(
        orders=OrdersOfARemovedApp(),
        payments=InMemoryGateway(),
        notifier=EmailNotifier(),
        pay_url=lambda invoice: f"https://subs.example.com/pay/{invoice.number}",
    )


def _one_error_line(capsys) -> str:
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    return lines[0]


def test_an_installation_removed_while_the_clock_runs_stops_it_at_once(capsys):
    shop = sandbox(at(2026, 11, 16), url="https://removed.example.com/graphql/")
    signed_up(plan(shop, "30.00"))
    started = time.monotonic()
    with override_settings(RENEWAL_PORTS="tests.cli.test_clock_steps:removed_app_ports"):
        code = main(["clock", "advance", "--installation", str(shop.pk), "--to", "2027-06-01T00:00:00Z"])
    assert code == 2
    assert time.monotonic() - started < 10
    assert _one_error_line(capsys) == (
        f"saleor-subscriptions clock: error: --installation: installation {shop.pk} was removed from its "
        "Saleor (https://removed.example.com/graphql/): nothing renews there any more; the clock stopped at "
        "2026-12-16T05:00:00+00:00"
    )
    assert Installation.objects.get(pk=shop.pk).clock == at(2026, 12, 16, 5)


def test_a_removed_installation_with_an_unfinished_invoice_is_refused_before_anything_runs(capsys):
    shop = sandbox(at(2026, 11, 16), url="https://removed.example.com/graphql/")
    signed_up(plan(shop, "30.00"))
    with override_settings(RENEWAL_PORTS="tests.cli.test_clock_steps:removed_app_ports"):
        main(["clock", "advance", "--installation", str(shop.pk), "--to", "2026-12-17T00:00:00Z"])
    assert Invoice.objects.filter(installation=shop).exclude(pipeline_step="done").exists()
    capsys.readouterr()
    started = time.monotonic()
    with override_settings(RENEWAL_PORTS="tests.cli.test_clock_steps:removed_app_ports"):
        assert main(["clock", "advance", "--installation", str(shop.pk), "--to", "2027-06-01T00:00:00Z"]) == 2
    assert time.monotonic() - started < 10
    assert "was removed from its Saleor" in _one_error_line(capsys)
