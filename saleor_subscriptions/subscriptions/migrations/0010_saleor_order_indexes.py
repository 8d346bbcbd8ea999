"""Indexes for the staff filter `saleorOrder` (the dashboard's order popup): the subscriptions a Saleor order
started (the sign-up order) or renewed (an invoice's order), found without reading every row. Partial: most
rows of a large shop are renewals, and an empty id is never looked up.

Plain SQL like 0007, so the models' state is unchanged."""

from django.db import migrations

from saleor_subscriptions.postgres_sql import postgres_only

INDEXES = {
    "sub_staff_saleor_order_idx": (
        "subscriptions_subscription (installation_id, saleor_order_id) WHERE saleor_order_id <> ''"
    ),
    "invoice_staff_saleor_order_idx": (
        "invoicing_invoice (installation_id, saleor_order_id) WHERE saleor_order_id <> ''"
    ),
}


class Migration(migrations.Migration):
    dependencies = [
        ("subscriptions", "0009_customer_vat_number"),
        ("invoicing", "0009_credit_note_refund_reference"),
    ]

    operations = [
        postgres_only(f"CREATE INDEX {name} ON {target}", f"DROP INDEX IF EXISTS {name}")
        for name, target in INDEXES.items()
    ]
