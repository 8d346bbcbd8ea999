"""Stored deliveries get the dedupe key of `webhooks.intake.dedupe_key` (the decoded signature bytes and the
body, not the signature's text), so that a delivery accepted before this change is still a duplicate when it
is replayed with its signature re-encoded. The function is copied here so this migration does not change when
the intake does. An accepted delivery whose new key an earlier accepted one already has (a re-encoded replay
accepted before the fix) keeps its old key: the unique constraint allows one accepted row per key."""

from __future__ import annotations

import base64
import binascii
import hashlib
from typing import Any

from django.db import migrations


def _signature_bytes(signature: str | None) -> bytes:
    text = (signature or "").strip()
    encoded = text.rsplit(".", 1)[-1]
    try:
        return b"sig:" + base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
    except (binascii.Error, ValueError):
        return b"text:" + text.encode("utf-8", "surrogateescape")


def _key(headers: dict[str, Any], body: bytes) -> str:
    signature = headers.get("Saleor-Signature") or headers.get("X-Saleor-Signature")
    return hashlib.sha256(_signature_bytes(signature) + b"\n" + body).hexdigest()


def rekey(apps: Any, schema_editor: Any) -> None:
    delivery_model = apps.get_model("saleor", "WebhookDelivery")
    taken: set[str] = set()
    for delivery in delivery_model.objects.order_by("accepted", "pk").iterator():
        key = _key(delivery.headers if isinstance(delivery.headers, dict) else {}, bytes(delivery.body))
        if delivery.accepted:
            if key in taken:
                continue
            taken.add(key)
        if key != delivery.dedupe_key:
            delivery.dedupe_key = key
            delivery.save(update_fields=["dedupe_key"])


class Migration(migrations.Migration):
    dependencies = [("saleor", "0003_orderrecord")]

    operations = [migrations.RunPython(rekey, migrations.RunPython.noop)]
