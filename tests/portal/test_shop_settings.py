"""A shop's self-service rights (the Installation's `self_service_*` fields): what it forbids is not offered
in the portal, and the server refuses it (forbidden_by_shop) before the lifecycle, which refuses it for every
caller, is asked; set with `saleor-subscriptions portal-settings` or `installationSettingsUpdate`."""

from __future__ import annotations

import pytest

from saleor_subscriptions.cli.main import main
from saleor_subscriptions.subscriptions.contacts import ContactRefused, add_contact
from saleor_subscriptions.subscriptions.models import BillingContact, Subscription
from saleor_subscriptions.tenants.models import Installation
from saleor_subscriptions.tenants.self_service import forbid_actions, forbidden_actions
from tests.portal.support import ANNA, shop, signed_in, subscription_of

pytestmark = pytest.mark.django_db


def test_what_the_shop_forbids_is_hidden_and_refused_and_the_rest_still_works():
    coffee = shop()
    subscription = subscription_of(coffee, ANNA, customer_can_pause=True)
    Subscription.objects.filter(pk=subscription.pk).update(shipping_address={"city": "Amsterdam"})
    client = signed_in(coffee, ANNA)
    page = f"/portal/subscriptions/{subscription.pk}/"
    before = client.get(page).content.decode()
    assert "/cancel/" in before and "/pause/" in before and "/address/" in before

    forbid_actions(coffee, ["cancel", "pause", "address", "contacts"])

    shown = client.get(page).content.decode()
    assert (
        "/cancel/" not in shown
        and "/pause/" not in shown
        and "/skip/" not in shown
        and "/address/" not in shown
    )
    assert "/quantity/" in shown and 'id="switch"' in shown
    for action in ("cancel", "pause", "skip", "resume"):
        refused = client.post(f"{page}{action}/", {"reason": "x"})
        assert refused.status_code == 403 and 'data-code="forbidden_by_shop"' in refused.content.decode()
    assert client.post(f"{page}address/", {"city": "Utrecht"}).status_code == 403
    assert 'id="contact-email"' not in client.get("/portal/contacts/").content.decode()
    kept = client.post("/portal/contacts/add/", {"email": "a@example.com"})
    assert kept.status_code == 403 and 'data-code="forbidden_by_shop"' in kept.content.decode()
    after = Subscription.objects.get(pk=subscription.pk)
    assert (after.status, after.cancel_at_period_end, after.shipping_address) == (
        "active",
        False,
        {"city": "Amsterdam"},
    )
    assert not after.events.exists() and not BillingContact.objects.exists()
    assert client.post(f"{page}quantity/", {"quantity": "2"}).status_code == 302


def test_a_forbidden_plan_change_is_refused_at_the_preview_and_the_confirm():
    coffee = shop()
    subscription = subscription_of(coffee, ANNA)
    forbid_actions(coffee, ["switch"])
    client = signed_in(coffee, ANNA)
    path = f"/portal/subscriptions/{subscription.pk}/switch/"
    assert client.get(path, {"plan": "1"}).status_code == 403
    assert client.post(f"{path}confirm/", {"plan": "1"}).status_code == 403


def forbidden(installation: Installation) -> frozenset[str]:
    return forbidden_actions(Installation.objects.get(pk=installation.pk))


def test_the_rights_are_the_installations_fields_and_the_domain_refuses_contacts():
    coffee = shop()
    subscription = subscription_of(coffee, ANNA)
    forbid_actions(coffee, ["contacts", "address", "switch"])
    stored = Installation.objects.get(pk=coffee.pk)
    assert (stored.self_service_contacts, stored.self_service_address, stored.self_service_switch) == (
        False,
        False,
        False,
    )
    assert (stored.self_service_pause, stored.self_service_quantity, stored.self_service_cancel) == (
        True,
        True,
        "plan",
    )
    with pytest.raises(ContactRefused) as refused:
        add_contact(stored, "anna", "b@example.com", subscriptions=[subscription], actor_id=ANNA)
    assert (refused.value.code, refused.value.field) == ("forbidden_by_shop", None)
    assert not BillingContact.objects.exists()


def test_allowing_cancel_again_keeps_a_period_end_mode_and_undoes_disabled():
    coffee = shop()
    Installation.objects.filter(pk=coffee.pk).update(self_service_cancel="period_end")
    coffee.refresh_from_db()
    forbid_actions(coffee, ["pause"])
    assert Installation.objects.get(pk=coffee.pk).self_service_cancel == "period_end"
    forbid_actions(coffee, ["cancel"])
    assert Installation.objects.get(pk=coffee.pk).self_service_cancel == "disabled"
    forbid_actions(coffee, [])
    assert Installation.objects.get(pk=coffee.pk).self_service_cancel == "plan"


def test_the_command_sets_shows_and_refuses_unknown_actions(capsys):
    coffee = shop()
    assert main(["portal-settings", "--installation", str(coffee.pk), "--forbid", "cancel, pause"]) == 0
    assert capsys.readouterr().out == f"installation {coffee.pk}: customers may not: cancel, pause\n"
    assert forbidden(coffee) == {"cancel", "pause"}
    assert main(["portal-settings", "--installation", str(coffee.pk), "--forbid", "cancel,fly"]) == 2
    assert "--forbid: fly: not an action" in capsys.readouterr().err
    assert forbidden(coffee) == {"cancel", "pause"}
    assert main(["portal-settings", "--installation", str(coffee.pk), "--forbid", ""]) == 0
    assert forbidden(coffee) == frozenset()
