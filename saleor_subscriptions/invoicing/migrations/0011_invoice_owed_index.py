"""The staff list's ACTION_REQUIRED and needs-attention filters find owed invoices by id among a million paid
ones: a small partial index, read without touching the table (its subscription included)."""

from django.db import migrations

from saleor_subscriptions.postgres_sql import postgres_only

OWED_INDEX = "invoice_owed_idx"


class Migration(migrations.Migration):
    dependencies = [("invoicing", "0010_credit_note_reason_facts")]

    operations = [
        postgres_only(
            f"CREATE INDEX IF NOT EXISTS {OWED_INDEX} ON invoicing_invoice (id) INCLUDE (subscription_id)"
            " WHERE status IN ('open', 'uncollectible')",
            f"DROP INDEX IF EXISTS {OWED_INDEX}",
        ),
    ]
