"""The data migration that redacts the intents' client secrets of Stripe event bodies stored before the intake
redacted them (issue 13, item 7)."""

from __future__ import annotations

import importlib
import json

import pytest
from django.apps import apps

from saleor_subscriptions.payments.stripe_webhooks.models import StripeEvent

pytestmark = pytest.mark.django_db

migration = importlib.import_module(
    "saleor_subscriptions.payments.stripe_webhooks.migrations.0003_redact_stored_client_secrets"
)


def test_stored_client_secrets_are_redacted_and_the_rest_of_the_body_kept():
    intent = {"id": "pi_1", "object": "payment_intent", "client_secret": "pi_1_secret_abc", "amount": 1900}
    body = json.dumps({"id": "evt_1", "object": "event", "data": {"object": intent}}).encode()
    event = StripeEvent.objects.create(installation_ref="1", body=body)
    untouched = StripeEvent.objects.create(installation_ref="1", body=b'{"id": "evt_2"}')

    migration.redact(apps, None)

    event.refresh_from_db()
    untouched.refresh_from_db()
    assert json.loads(event.raw_body)["data"]["object"] == {**intent, "client_secret": "redacted"}
    assert untouched.raw_body == b'{"id": "evt_2"}'
