"""A shop's self-service settings: what it forbids is not offered in the portal, and the server refuses it
(forbidden_by_shop) before the lifecycle is asked; set with `saleor-subscriptions portal-settings`."""

from __future__ import annotations

import pytest

from saleor_subscriptions.cli.main import main
from saleor_subscriptions.portal.shop_settings import forbidden, set_forbidden
from saleor_subscriptions.subscriptions.models import BillingContact, Subscription
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

    set_forbidden(coffee, ["cancel", "pause", "address", "contacts"])

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
    assert client.post("/portal/contacts/add/", {"email": "a@example.com"}).status_code == 403
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
    set_forbidden(coffee, ["switch"])
    client = signed_in(coffee, ANNA)
    path = f"/portal/subscriptions/{subscription.pk}/switch/"
    assert client.get(path, {"plan": "1"}).status_code == 403
    assert client.post(f"{path}confirm/", {"plan": "1"}).status_code == 403


def test_the_command_sets_shows_and_refuses_unknown_actions(capsys):
    coffee = shop()
    assert main(["portal-settings", "--installation", str(coffee.pk), "--forbid", "cancel, pause"]) == 0
    assert capsys.readouterr().out == f"installation {coffee.pk}: customers may not: cancel, pause\n"
    assert forbidden(coffee.pk) == {"cancel", "pause"}
    assert main(["portal-settings", "--installation", str(coffee.pk), "--forbid", "cancel,fly"]) == 2
    assert "--forbid: fly: not an action" in capsys.readouterr().err
    assert forbidden(coffee.pk) == {"cancel", "pause"}
    assert main(["portal-settings", "--installation", str(coffee.pk), "--forbid", ""]) == 0
    assert forbidden(coffee.pk) == frozenset()
