"""Which ports bill which installation: the production wiring by default, in-memory ports never a live one."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from saleor_subscriptions.conf.ports import ThreadSafeStripeGateway
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.renewals import faults, tasks
from saleor_subscriptions.renewals.errors import PortsMisconfigured, PortsRefused, WiringErrorCode
from saleor_subscriptions.renewals.memory import InMemoryGateway
from saleor_subscriptions.renewals.wiring import load_ports, ports_for
from saleor_subscriptions.saleor.orders import SaleorOrderSink
from saleor_subscriptions.subscriptions.models import Subscription
from saleor_subscriptions.tenants.models import Installation
from tests.renewals.support import at, plan, sandbox, signed_up

pytestmark = pytest.mark.django_db

JOURNAL = "saleor_subscriptions.renewals.wiring:journal_ports"


def test_without_renewal_ports_set_renewals_go_through_saleor_orders_and_stripe():
    environ = {k: v for k, v in os.environ.items() if k != "RENEWAL_PORTS"}
    environ["RENEWAL_PORTS"] = ""  # what the README's production settings left it
    script = (
        "import django; django.setup(); from saleor_subscriptions.renewals.wiring import load_ports; "
        "p = load_ports(); print(type(p.orders).__name__, type(p.payments).__name__)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], env=environ, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["SaleorOrderSink", "ThreadSafeStripeGateway"]


def test_the_production_ports_bill_a_live_installation_without_the_test_hooks():
    live = Installation.objects.create(saleor_api_url="https://live.example.com/graphql/")
    with override_settings(RENEWAL_PORTS="saleor_subscriptions.conf.ports:saleor_ports", TEST_HOOKS=False):
        ports = ports_for(live)
    assert isinstance(ports.orders, SaleorOrderSink)
    assert isinstance(ports.payments, ThreadSafeStripeGateway)


def test_in_memory_ports_never_bill_a_live_installation_whatever_the_settings_say(tmp_path):
    live = Installation.objects.create(saleor_api_url="https://live.example.com/graphql/")
    with override_settings(RENEWAL_PORTS=JOURNAL, TEST_HOOKS=False, VAR_DIR=tmp_path):
        with pytest.raises(PortsRefused) as refused:
            ports_for(live)
        with pytest.raises(PortsRefused):
            ports_for(None)  # beat's renewals: every live installation
    assert str(refused.value) == (
        f"RENEWAL_PORTS={JOURNAL} are in-memory ports (no order, no money taken): they never bill "
        f"installation {live.pk} (live); use saleor_subscriptions.conf.ports:saleor_ports"
    )


def test_in_memory_ports_bill_a_sandbox_installation(tmp_path):
    shop = sandbox(at(2026, 11, 16))
    with override_settings(RENEWAL_PORTS=JOURNAL, TEST_HOOKS=False, VAR_DIR=tmp_path):
        assert isinstance(ports_for(shop).payments, InMemoryGateway)


def test_with_the_test_hooks_on_in_memory_ports_bill_live_installations_in_tests(tmp_path):
    live = Installation.objects.create(saleor_api_url="https://live.example.com/graphql/")
    with override_settings(RENEWAL_PORTS=JOURNAL, TEST_HOOKS=True, VAR_DIR=tmp_path):
        assert isinstance(ports_for(live).payments, InMemoryGateway)


def test_beat_neither_enqueues_nor_renews_a_live_installation_through_in_memory_ports(tmp_path, caplog):
    live = Installation.objects.create(saleor_api_url="https://live.example.com/graphql/")
    subscription = signed_up(plan(live, "39.00"))
    due = timezone.now() - timedelta(hours=1)
    Subscription.objects.filter(pk=subscription.pk).update(next_billing_at=due)
    with override_settings(RENEWAL_PORTS=JOURNAL, TEST_HOOKS=False, VAR_DIR=tmp_path):
        assert tasks.enqueue_due_renewals() == 0
        assert "error" in tasks.renew_batch()
        assert tasks.run_due_dunning_steps() == 0
        assert tasks.resume_unfinished_renewals() == 0
    assert not Invoice.objects.filter(subscription=subscription).exists()
    assert "renewals are not running: RENEWAL_PORTS=" in caplog.text


def test_a_crash_plan_is_ignored_without_the_test_hooks(monkeypatch):
    monkeypatch.setenv("SALEOR_SUBSCRIPTIONS_CRASH_AT", "after_invoices:1")
    with override_settings(TEST_HOOKS=False):
        faults.crash_point("after_invoices")  # with the hooks on, this process would be killed here
    assert "after_invoices" not in faults._passes  # not even counted


@pytest.mark.parametrize(
    ("path", "code", "says"),
    [
        ("saleor_subscriptions.nowhere:ports", WiringErrorCode.PORTS_UNLOADABLE, "cannot load"),
        ("saleor_subscriptions.renewals.wiring:nothing", WiringErrorCode.PORTS_UNLOADABLE, "cannot load"),
        ("saleor_subscriptions.renewals.errors:__doc__", WiringErrorCode.NOT_A_FACTORY, "is not a function"),
    ],
)
def test_ports_that_do_not_load_are_refused_naming_the_variable(path, code, says):
    with override_settings(RENEWAL_PORTS=path), pytest.raises(PortsMisconfigured) as refused:
        load_ports()
    assert (refused.value.code, refused.value.field) == (code, "RENEWAL_PORTS")
    assert str(refused.value).startswith("RENEWAL_PORTS: ") and says in str(refused.value)
