"""Deep links: the entry link lands on its flow's page (docs/portal.md)."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest
from django.core import signing
from django.test import Client

from saleor_subscriptions.invoicing.links import METHOD_LINK_SALT, PAY_LINK_SALT
from saleor_subscriptions.portal.models import PortalFlow
from saleor_subscriptions.portal.sessions import FlowTarget
from tests.portal.support import ANNA, entry_path, invoice_of, shop, subscription_of

pytestmark = pytest.mark.django_db


def _landing(installation, target: FlowTarget) -> str:
    opened = Client().get(entry_path(installation, ANNA, target))
    assert opened.status_code == 302
    return str(opened["Location"])


def _signed(location: str, prefix: str, salt: str) -> dict[str, object]:
    path = urlsplit(location).path
    assert path.startswith(prefix), location
    loaded: dict[str, object] = signing.loads(path.removeprefix(prefix).split("/")[0], salt=salt)
    return loaded


def test_each_flow_lands_on_its_page(settings):
    coffee = shop()
    subscription = subscription_of(coffee, ANNA)
    invoice = invoice_of(subscription, "INV-0002", "open")
    mine = subscription.pk

    assert _landing(coffee, FlowTarget()) == "/portal/"
    assert _landing(coffee, FlowTarget(PortalFlow.SUBSCRIPTION_CANCEL, mine)) == (
        f"/portal/subscriptions/{mine}/?focus=cancel"
    )
    assert _landing(coffee, FlowTarget(PortalFlow.SUBSCRIPTION_UPDATE, mine)) == (
        f"/portal/subscriptions/{mine}/?focus=switch"
    )
    assert _landing(coffee, FlowTarget(PortalFlow.PAYMENT_METHOD_UPDATE)) == "/portal/payment-method/"
    method = _landing(coffee, FlowTarget(PortalFlow.PAYMENT_METHOD_UPDATE, mine))
    assert _signed(method, "/pay/method/", METHOD_LINK_SALT) == {
        "subscription": mine,
        "return": f"{settings.APP_URL}/portal/payment-method/",
    }
    pay = _landing(coffee, FlowTarget(PortalFlow.INVOICE_PAY, invoice_id=invoice.pk))
    assert _signed(pay, "/pay/", PAY_LINK_SALT) == {
        "invoice": invoice.pk,
        "return": f"{settings.APP_URL}/portal/invoices/",
    }


def test_an_invoice_paid_meanwhile_lands_on_the_invoice_list():
    coffee = shop()
    invoice = invoice_of(subscription_of(coffee, ANNA), "INV-0002", "open")
    path = entry_path(coffee, ANNA, FlowTarget(PortalFlow.INVOICE_PAY, invoice_id=invoice.pk))
    invoice.status, invoice.paid_at, invoice.amount_due = "paid", datetime(2026, 11, 17, tzinfo=UTC), 0
    invoice.save()
    assert Client().get(path)["Location"] == "/portal/invoices/"
