"""The customer's actions in the portal: each a POST with a CSRF token, made through the lifecycle functions
(the same checks as the API), the refusal shown with the lifecycle's message; the switch shows the exact
lines and what is charged today before the customer confirms."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from saleor_subscriptions.discounts.models import DiscountCode, DiscountRedemption
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.subscriptions.models import Subscription
from saleor_subscriptions.tenants.models import Installation
from tests.factories import make_plan_version
from tests.lifecycle.helpers import period_invoice
from tests.portal.support import ANNA, csrf_token, shop, signed_in, subscription_of

pytestmark = pytest.mark.django_db

DEC_1 = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def _page(client, subscription: Subscription) -> str:
    return f"/portal/subscriptions/{subscription.pk}/"


def _events(subscription: Subscription) -> list[tuple[str, str, str, str]]:
    return list(subscription.events.values_list("kind", "actor_type", "actor_id", "reason"))


def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing():
    coffee = shop()
    subscription = subscription_of(coffee, ANNA)
    client = signed_in(coffee, ANNA, csrf_checks=True)

    forged = client.post(_page(client, subscription) + "cancel/", {"reason": "from another site"})

    assert forged.status_code == 403
    assert not Subscription.objects.get(pk=subscription.pk).cancel_at_period_end
    token = csrf_token(client, _page(client, subscription))
    genuine = client.post(_page(client, subscription) + "cancel/", {"csrfmiddlewaretoken": token})
    assert genuine.status_code == 302
    assert Subscription.objects.get(pk=subscription.pk).cancel_at_period_end


def test_cancel_with_a_reason_then_undo_while_pending():
    coffee = shop()
    subscription = subscription_of(coffee, ANNA)
    client = signed_in(coffee, ANNA)
    assert (
        f'action="/portal/subscriptions/{subscription.pk}/cancel/"'
        in client.get(_page(client, subscription)).content.decode()
    )

    done = client.post(_page(client, subscription) + "cancel/", {"reason": "too much coffee"})

    assert done.status_code == 302 and done["Location"] == _page(client, subscription) + "?done=1"
    after = Subscription.objects.get(pk=subscription.pk)
    assert after.cancel_at_period_end and str(after.cancel_at) == "2026-12-16"
    assert _events(after) == [("cancel_at_period_end", "customer", ANNA, "too much coffee")]
    page = client.get(done["Location"]).content.decode()
    assert "Ends on 16 December 2026" in page and "/undo-cancel/" in page and '/cancel/"' not in page

    client.post(_page(client, subscription) + "undo-cancel/")

    assert not Subscription.objects.get(pk=subscription.pk).cancel_at_period_end
    assert _events(after)[-1][:2] == ("undo_cancel", "customer")


def test_a_refusal_shows_the_lifecycles_message_and_changes_nothing():
    coffee = shop()
    subscription = subscription_of(coffee, ANNA, customer_can_cancel=False)
    client = signed_in(coffee, ANNA)
    assert "/cancel/" not in client.get(_page(client, subscription)).content.decode()  # not offered

    refused = client.post(_page(client, subscription) + "cancel/")  # and refused when forced

    assert refused.status_code == 400
    page = refused.content.decode()
    assert 'role="alert"' in page and 'data-code="customer_cannot_cancel"' in page
    assert not Subscription.objects.get(pk=subscription.pk).cancel_at_period_end
    assert not subscription.events.exists()


def test_a_reason_longer_than_200_characters_is_refused():
    coffee = shop()
    subscription = subscription_of(coffee, ANNA)
    refused = signed_in(coffee, ANNA).post(
        f"/portal/subscriptions/{subscription.pk}/cancel/", {"reason": "x" * 201}
    )
    assert refused.status_code == 400 and 'data-code="invalid_reason"' in refused.content.decode()
    assert not subscription.events.exists()


def test_pause_skip_and_resume_where_the_plan_lets_customers_pause():
    coffee = shop()
    subscription = subscription_of(coffee, ANNA, customer_can_pause=True)
    client = signed_in(coffee, ANNA)
    page = client.get(_page(client, subscription)).content.decode()
    assert "/skip/" in page and "/pause/" in page and "/resume/" not in page

    client.post(_page(client, subscription) + "skip/")
    assert (
        "16 December 2026: skipped, nothing charged"
        in client.get(_page(client, subscription)).content.decode()
    )
    client.post(_page(client, subscription) + "pause/")
    assert "When the pause ends" in client.get(_page(client, subscription)).content.decode()
    assert Subscription.objects.get(pk=subscription.pk).status == "paused"
    assert "/resume/" in client.get(_page(client, subscription)).content.decode()
    client.post(_page(client, subscription) + "resume/")

    assert Subscription.objects.get(pk=subscription.pk).status == "active"
    assert [e[0] for e in _events(subscription)] == ["skip", "pause", "resume"]


def test_a_plan_that_does_not_let_customers_pause_offers_no_pause_and_refuses_one():
    coffee = shop()
    subscription = subscription_of(coffee, ANNA, customer_can_pause=False)
    client = signed_in(coffee, ANNA)
    assert "/pause/" not in client.get(_page(client, subscription)).content.decode()

    refused = client.post(_page(client, subscription) + "pause/")

    assert refused.status_code == 400 and 'data-code="customer_cannot_pause"' in refused.content.decode()
    assert Subscription.objects.get(pk=subscription.pk).status == "active"


def test_fewer_units_wait_for_the_period_end():
    coffee = shop()
    subscription = subscription_of(coffee, ANNA, quantity=3)
    client = signed_in(coffee, ANNA)

    client.post(_page(client, subscription) + "quantity/", {"quantity": "2"})

    after = Subscription.objects.get(pk=subscription.pk)
    assert (after.quantity, after.pending_quantity) == (3, 2)
    assert (
        "Quantity changes to 2 at the end of the period" in client.get(_page(client, after)).content.decode()
    )
    bad = client.post(_page(client, subscription) + "quantity/", {"quantity": "none"})
    assert bad.status_code == 400 and 'data-code="invalid_quantity"' in bad.content.decode()


def test_a_switch_is_previewed_with_what_is_charged_today_then_confirmed():
    coffee = shop()
    Installation.objects.filter(pk=coffee.pk).update(clock=DEC_1)
    subscription = subscription_of(coffee, ANNA)
    period_invoice(subscription)  # its period paid at the list price: a switch settles on what was charged
    dearer = make_plan_version(coffee, price=Decimal("45.00"), name="Coffee deluxe")
    client = signed_in(coffee, ANNA)
    assert "Coffee deluxe" in client.get(_page(client, subscription)).content.decode()

    preview = client.get(_page(client, subscription) + "switch/", {"plan": dearer.plan_id})

    page = preview.content.decode()
    assert preview.status_code == 200 and "Confirm the change to Coffee deluxe" in page
    assert '<span id="amount-due-now">€7.50</span>' in page  # 15.00 more a month, for half the period
    assert "€45.00" in page and "Takes effect on 1 December 2026." in page
    assert Subscription.objects.get(pk=subscription.pk).plan_version_id == subscription.plan_version_id

    confirmed = client.post(
        _page(client, subscription) + "switch/confirm/", {"plan": dearer.plan_id, "code": "", "timing": "now"}
    )

    assert confirmed.status_code == 302
    assert Subscription.objects.get(pk=subscription.pk).plan_version_id == dearer.pk
    owed = Invoice.objects.get(subscription=subscription, billing_reason="change")
    assert owed.amount_due == Decimal("7.50")
    assert _events(subscription)[-1][:3] == ("switch_plan", "customer", ANNA)


def test_a_switch_to_a_plan_of_another_shop_or_with_a_bad_code_is_refused():
    coffee, tea = shop(), shop("https://tea.example.com/graphql/")
    subscription = subscription_of(coffee, ANNA)
    elsewhere = make_plan_version(tea, price=Decimal("45.00"))
    dearer = make_plan_version(coffee, price=Decimal("45.00"))
    client = signed_in(coffee, ANNA)

    other_shop = client.get(_page(client, subscription) + "switch/", {"plan": str(elsewhere.plan_id)})
    bad_code = client.get(
        _page(client, subscription) + "switch/", {"plan": str(dearer.plan_id), "code": "NOPE"}
    )

    assert other_shop.status_code == 400 and 'data-code="plan_not_found"' in other_shop.content.decode()
    assert bad_code.status_code == 400 and 'data-code="discount_code_invalid"' in bad_code.content.decode()
    forced = client.post(_page(client, subscription) + "switch/confirm/", {"plan": elsewhere.plan_id})
    assert forced.status_code == 400
    assert Subscription.objects.get(pk=subscription.pk).plan_version_id == subscription.plan_version_id


def test_a_switch_with_a_discount_code_shows_its_effect_before_the_confirm_and_redeems_it():
    coffee = shop()
    Installation.objects.filter(pk=coffee.pk).update(clock=DEC_1)
    DiscountCode.objects.create(
        installation=coffee, code="HALF", kind="percentage", percent=Decimal(50), duration="forever"
    )
    subscription = subscription_of(coffee, ANNA)
    period_invoice(subscription)  # its period paid at the list price: a switch settles on what was charged
    dearer = make_plan_version(coffee, price=Decimal("45.00"), name="Coffee deluxe")
    client = signed_in(coffee, ANNA)

    preview = client.get(
        _page(client, subscription) + "switch/", {"plan": str(dearer.plan_id), "code": "half"}
    )

    page = preview.content.decode()
    assert '<span id="amount-due-now">€3.75</span>' in page  # 7.50 of proration, half off
    assert "€22.50" in page  # the next periods, half off too
    assert 'name="code" value="half"' in page  # the confirm step sends the same code
    assert not DiscountRedemption.objects.exists()

    client.post(
        _page(client, subscription) + "switch/confirm/",
        {"plan": dearer.plan_id, "code": "half", "timing": "now"},
    )

    assert DiscountRedemption.objects.get(subscription=subscription).code.code == "HALF"
    assert Invoice.objects.get(subscription=subscription, billing_reason="change").amount_due == Decimal(
        "3.75"
    )


def test_a_dutch_portal_previews_the_switch_lines_in_dutch():
    coffee = shop()
    Installation.objects.filter(pk=coffee.pk).update(clock=DEC_1, language="nl")
    subscription = subscription_of(coffee, ANNA)
    period_invoice(subscription)
    dearer = make_plan_version(coffee, price=Decimal("45.00"), name="Coffee deluxe")
    client = signed_in(coffee, ANNA)

    page = client.get(_page(client, subscription) + "switch/", {"plan": dearer.plan_id}).content.decode()

    assert "Planwijziging, 1 december 2026" in page
    assert "Plan change" not in page
