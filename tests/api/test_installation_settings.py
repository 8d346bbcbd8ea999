"""The shop's settings through the API: `installationSettings` (MANAGE_SETTINGS, or a key with `read`) and
`installationSettingsUpdate` (MANAGE_SETTINGS); each invalid value is refused naming its argument, with
nothing written."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.forms.models import model_to_dict

from saleor_subscriptions import lifecycle
from saleor_subscriptions.billing.states import Actor
from saleor_subscriptions.invoicing.models import NumberSequence
from saleor_subscriptions.invoicing.numbering import take_number
from saleor_subscriptions.payments.models import StripeAccount
from saleor_subscriptions.subscriptions.errors import LifecycleError
from saleor_subscriptions.subscriptions.models import Subscription
from saleor_subscriptions.tenants.api_keys import create_api_key
from saleor_subscriptions.tenants.models import Installation
from tests.factories import make_subscription

pytestmark = pytest.mark.django_db

SETTINGS = """
fragment All on InstallationSettings {
  shopName emailSender timeZone language dueHour invoicePrefix sandbox
  dunningPolicy { onFirstFailure retryDays suspendDay terminationWarningDay cancelDay reactivationWindowDays }
  selfService { cancel pause switch quantity address contacts }
}
"""
READ = SETTINGS + "query { installationSettings { ...All } }"
UPDATE = (
    SETTINGS
    + """
mutation Update($shopName: String, $emailSender: String, $timeZone: String, $language: ShopLanguage,
                $dueHour: Int, $dunningPolicy: DunningPolicyInput, $selfServiceCancel: SelfServiceCancel,
                $selfServicePause: Boolean, $selfServiceSwitch: Boolean, $selfServiceQuantity: Boolean,
                $selfServiceAddress: Boolean, $selfServiceContacts: Boolean,
                $invoicePrefix: String, $sandbox: Boolean) {
  installationSettingsUpdate(shopName: $shopName, emailSender: $emailSender, timeZone: $timeZone,
      language: $language, dueHour: $dueHour, dunningPolicy: $dunningPolicy,
      selfServiceCancel: $selfServiceCancel, selfServicePause: $selfServicePause,
      selfServiceSwitch: $selfServiceSwitch, selfServiceQuantity: $selfServiceQuantity,
      selfServiceAddress: $selfServiceAddress, selfServiceContacts: $selfServiceContacts,
      invoicePrefix: $invoicePrefix, sandbox: $sandbox) {
    installationSettings { ...All }
    errors { field code message }
  }
}
"""
)
MANAGE_SETTINGS = ("MANAGE_SETTINGS",)


def _update(api: Any, shop: Any, **variables: Any) -> dict[str, Any]:
    result: dict[str, Any] = api.data(UPDATE, variables, token=shop.staff_token(MANAGE_SETTINGS))
    return result


def _row(shop: Any) -> dict[str, Any]:
    return model_to_dict(Installation.objects.get(pk=shop.installation.pk))


def test_staff_read_the_settings_with_their_defaults(api, shop):
    settings = api.data(READ, token=shop.staff_token(MANAGE_SETTINGS))

    assert settings["timeZone"] == "UTC" and settings["sandbox"] is True
    assert settings["dunningPolicy"] == {
        "onFirstFailure": "REMIND",
        "retryDays": [1, 3, 5],
        "suspendDay": 7,
        "terminationWarningDay": 14,
        "cancelDay": 21,
        "reactivationWindowDays": 30,
    }
    assert settings["selfService"] == {
        "cancel": "PLAN",
        "pause": True,
        "switch": True,
        "quantity": True,
        "address": True,
        "contacts": True,
    }
    assert settings["invoicePrefix"] == shop.installation.invoice_prefix


def test_every_setting_is_saved(api, shop):
    result = _update(
        api,
        shop,
        shopName="Koffie & Co",
        emailSender="billing@koffie.example",
        timeZone="Europe/Amsterdam",
        language="NL",
        dueHour=6,
        dunningPolicy={"onFirstFailure": "SUSPEND", "retryDays": [2, 4], "suspendDay": 5, "cancelDay": 30},
        selfServiceCancel="PERIOD_END",
        selfServicePause=False,
        selfServiceSwitch=False,
        selfServiceQuantity=False,
        selfServiceAddress=False,
        selfServiceContacts=False,
        invoicePrefix="KC-2027-",
        sandbox=False,
    )

    assert result["errors"] == []
    saved = result["installationSettings"]
    assert {k: saved[k] for k in ("shopName", "emailSender", "timeZone", "language", "dueHour")} == {
        "shopName": "Koffie & Co",
        "emailSender": "billing@koffie.example",
        "timeZone": "Europe/Amsterdam",
        "language": "NL",
        "dueHour": 6,
    }
    assert saved["dunningPolicy"]["retryDays"] == [2, 4] and saved["dunningPolicy"]["cancelDay"] == 30
    assert saved["dunningPolicy"]["terminationWarningDay"] == 14  # left out: §6's default
    assert saved["selfService"] == {
        "cancel": "PERIOD_END",
        "pause": False,
        "switch": False,
        "quantity": False,
        "address": False,
        "contacts": False,
    }
    assert (saved["invoicePrefix"], saved["sandbox"]) == ("KC-2027-", False)
    row = Installation.objects.get(pk=shop.installation.pk)
    assert (row.name, row.language, row.clock) == ("Koffie & Co", "nl", None)  # live: no test clock
    assert take_number(row, NumberSequence.Kind.INVOICE).startswith("KC-2027-")
    assert api.data(READ, token=shop.staff_token(MANAGE_SETTINGS)) == saved


def test_what_is_not_given_stays(api, shop):
    before = _row(shop)

    result = _update(api, shop, dueHour=23)

    assert result["errors"] == []
    assert _row(shop) == {**before, "due_hour": 23}


@pytest.mark.parametrize(
    ("variables", "field"),
    [
        ({"shopName": "x" * 201}, "shopName"),
        ({"emailSender": "not an address"}, "emailSender"),
        ({"timeZone": "Mars/Olympus"}, "timeZone"),
        ({"timeZone": "../etc/passwd"}, "timeZone"),
        ({"timeZone": ""}, "timeZone"),
        ({"timeZone": "Europe"}, "timeZone"),
        ({"timeZone": "posixrules"}, "timeZone"),
        ({"timeZone": "zone.tab"}, "timeZone"),
        ({"dueHour": 24}, "dueHour"),
        ({"dueHour": -1}, "dueHour"),
        ({"dunningPolicy": {"retryDays": [3, 1]}}, "dunningPolicy.retryDays"),
        ({"dunningPolicy": {"retryDays": [0]}}, "dunningPolicy.retryDays"),
        ({"dunningPolicy": {"suspendDay": 4}}, "dunningPolicy.suspendDay"),
        ({"dunningPolicy": {"terminationWarningDay": 7}}, "dunningPolicy.terminationWarningDay"),
        ({"dunningPolicy": {"cancelDay": 10}}, "dunningPolicy.cancelDay"),
        ({"dunningPolicy": {"reactivationWindowDays": -1}}, "dunningPolicy.reactivationWindowDays"),
        ({"invoicePrefix": ""}, "invoicePrefix"),
        ({"invoicePrefix": "-INV"}, "invoicePrefix"),
        ({"invoicePrefix": "INV 2027"}, "invoicePrefix"),
        ({"invoicePrefix": "A" * 21}, "invoicePrefix"),
    ],
)
def test_each_invalid_value_is_refused_naming_its_field_and_nothing_is_written(api, shop, variables, field):
    before = _row(shop)

    result = _update(api, shop, **{"shopName": "Would be saved", "selfServicePause": False, **variables})

    assert result["installationSettings"] is None
    assert [(e["field"], e["code"]) for e in result["errors"]] == [(field, "INVALID")]
    assert _row(shop) == before


def test_a_shop_with_live_stripe_keys_cannot_become_a_sandbox(api, shop):
    Installation.objects.filter(pk=shop.installation.pk).update(sandbox=False, clock=None)
    account = StripeAccount(
        installation=shop.installation,
        channel_slug="",
        livemode=True,
        verified_at=datetime(2026, 11, 1, tzinfo=UTC),
    )
    account.secret_key = "sk_live_" + "x" * 24
    account.publishable_key = "pk_live_" + "x" * 24
    account.save()
    before = _row(shop)

    result = _update(api, shop, sandbox=True, dueHour=5)

    assert [(e["field"], e["code"]) for e in result["errors"]] == [("sandbox", "LIVE_KEYS_IN_SANDBOX")]
    assert _row(shop) == before  # the due hour too: all or nothing


def test_an_api_key_with_read_reads_the_settings_but_cannot_change_them(api, shop):
    reader = create_api_key(shop.installation, "ERP", ["read"], created_by="staff").secret
    writer = create_api_key(shop.installation, "ERP", ["write", "usage"], created_by="staff").secret

    assert api.data(READ, token=reader)["timeZone"] == "UTC"
    assert api.refused(READ, token=writer) == (200, "PERMISSION_DENIED")
    assert api.refused(UPDATE, {"dueHour": 3}, token=reader) == (200, "PERMISSION_DENIED")
    assert api.refused(UPDATE, {"dueHour": 3}, token=shop.staff_token(("MANAGE_PRODUCTS",))) == (
        200,
        "PERMISSION_DENIED",
    )
    assert Installation.objects.get(pk=shop.installation.pk).due_hour != 3


def test_the_shops_self_service_rights_narrow_what_customers_may_do(api, shop):
    version = shop.plan(customer_can_pause=True, cancel_effect="immediately")
    other = shop.plan(name="Coffee large")
    subscription = make_subscription(version, status="active")
    _update(
        api,
        shop,
        selfServiceCancel="PERIOD_END",
        selfServicePause=False,
        selfServiceSwitch=False,
        selfServiceQuantity=False,
        selfServiceAddress=False,
    )
    shipped = {
        "firstName": "Ann",
        "lastName": "Lee",
        "streetAddress1": "Keizersgracht 1",
        "city": "Amsterdam",
        "postalCode": "1015 CJ",
        "country": "NL",
    }
    Subscription.objects.filter(pk=subscription.pk).update(shipping_address=shipped)

    refusals = []
    for action in (
        lambda: lifecycle.pause_subscription(subscription, actor=Actor.CUSTOMER),
        lambda: lifecycle.cancel_subscription(subscription, actor=Actor.CUSTOMER, effect="immediately"),
        lambda: lifecycle.switch_plan(subscription, other, actor=Actor.CUSTOMER),
        lambda: lifecycle.change_quantity(subscription, 3, actor=Actor.CUSTOMER),
        lambda: lifecycle.change_shipping_address(subscription, shipped, actor=Actor.CUSTOMER),
    ):
        with pytest.raises(LifecycleError) as refused:
            action()
        refusals.append(refused.value.code.value)

    assert refusals == [
        "customer_cannot_pause",
        "immediate_cancel_not_allowed",
        "customer_cannot_switch",
        "customer_cannot_change_quantity",
        "customer_cannot_change_address",
    ]
    cancelled = lifecycle.cancel_subscription(subscription, actor=Actor.CUSTOMER, effect="period_end")
    assert cancelled.cancel_at_period_end is True
    changed = lifecycle.change_quantity(cancelled, 3, actor=Actor.STAFF)  # staff always may
    assert changed.quantity == 3 or changed.pending_quantity == 3
