"""The data migration that re-keys stored Saleor deliveries on the decoded signature bytes (issue 13, item 5):
a delivery accepted before the fix is a duplicate of its re-encoded replay afterwards."""

from __future__ import annotations

import hashlib
import importlib

import pytest
from django.apps import apps

from saleor_subscriptions.saleor.models import WebhookDelivery
from saleor_subscriptions.saleor.webhooks.intake import dedupe_key
from tests.saleor.test_webhooks import reencoded

pytestmark = pytest.mark.django_db

migration = importlib.import_module(
    "saleor_subscriptions.saleor.migrations.0004_webhookdelivery_key_on_signature_bytes"
)
SIGNATURE = "eyJhbGciOiJSUzI1NiJ9.." + "QUJD" * 85 + "QUI"
BODY = b'{"order": {"id": "T3JkZXI6MQ=="}}'


def old_key(signature: str, body: bytes) -> str:
    return hashlib.sha256(signature.encode() + b"\n" + body).hexdigest()


def stored(signature: str, *, accepted: bool) -> WebhookDelivery:
    return WebhookDelivery.objects.create(
        name="order-created",
        headers={"Saleor-Signature": signature},
        body=BODY,
        dedupe_key=old_key(signature, BODY),
        accepted=accepted,
    )


def test_stored_deliveries_are_keyed_on_the_signature_bytes_and_a_replay_keeps_its_old_key():
    original = stored(SIGNATURE, accepted=True)
    replay_accepted_before_the_fix = stored(reencoded(SIGNATURE), accepted=True)
    refused = stored(reencoded(SIGNATURE), accepted=False)

    migration.rekey(apps, None)

    for row in (original, replay_accepted_before_the_fix, refused):
        row.refresh_from_db()
    assert original.dedupe_key == dedupe_key(SIGNATURE, BODY) == dedupe_key(reencoded(SIGNATURE), BODY)
    assert refused.dedupe_key == original.dedupe_key
    assert replay_accepted_before_the_fix.dedupe_key == old_key(reencoded(SIGNATURE), BODY)
