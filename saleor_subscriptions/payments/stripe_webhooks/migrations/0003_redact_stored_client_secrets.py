"""Stored Stripe event bodies lose the `client_secret`s of their intents, as the intake now stores them
(`stripe_webhooks.redaction`; the pattern is copied so this migration does not change with it)."""

from __future__ import annotations

import re
from typing import Any

from django.db import migrations

REDACTED = b'"client_secret": "redacted"'
CLIENT_SECRET = re.compile(rb'"client_secret"\s*:\s*"(?:[^"\\]|\\.)*"')


def redact(apps: Any, schema_editor: Any) -> None:
    event_model = apps.get_model("stripe_webhooks", "StripeEvent")
    for event in event_model.objects.only("pk", "body").iterator():
        body = bytes(event.body)
        redacted = CLIENT_SECRET.sub(REDACTED, body)
        if redacted != body:
            event_model.objects.filter(pk=event.pk).update(body=redacted)


class Migration(migrations.Migration):
    dependencies = [("stripe_webhooks", "0002_follow_ups")]

    operations = [migrations.RunPython(redact, migrations.RunPython.noop)]
