"""Indexes for the staff lists (the `subscriptions` and `invoices` queries and the CSV exports): each sort and
filter is served by an index that starts with the installation, customer search by trigram indexes (pg_trgm)
on the upper-cased email and billing names, and "needs attention" by small partial indexes.

Plain SQL, so the models' state is unchanged: the indexes are the database's, not the ORM's."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from saleor_subscriptions.postgres_sql import postgres_only

INDEXES = {
    "sub_staff_created_idx": "subscriptions_subscription (installation_id, created_at, id)",
    "sub_staff_status_created_idx": "subscriptions_subscription (installation_id, status, created_at, id)",
    "sub_staff_status_idx": "subscriptions_subscription (installation_id, status, id)",
    "sub_staff_next_billing_idx": "subscriptions_subscription (installation_id, next_billing_at, id)",
    "sub_staff_email_idx": "subscriptions_subscription (installation_id, customer_email, id)",
    "sub_staff_email_upper_idx": "subscriptions_subscription (installation_id, UPPER(customer_email::text))",
    "sub_staff_user_idx": "subscriptions_subscription (installation_id, customer_user_id)",
    "sub_staff_channel_idx": "subscriptions_subscription (installation_id, channel_slug, created_at)",
    "sub_staff_cancelled_idx": (
        "subscriptions_subscription (installation_id, cancelled_at) WHERE cancelled_at IS NOT NULL"
    ),
    "sub_staff_email_trgm_idx": "subscriptions_subscription USING gin (UPPER(customer_email::text) gin_trgm_ops)",
    "sub_staff_first_name_trgm_idx": (
        "subscriptions_subscription USING gin (UPPER((billing_address ->> 'firstName')) gin_trgm_ops)"
    ),
    "sub_staff_last_name_trgm_idx": (
        "subscriptions_subscription USING gin (UPPER((billing_address ->> 'lastName')) gin_trgm_ops)"
    ),
    "invoice_staff_due_idx": "invoicing_invoice (installation_id, due_at, id)",
    "invoice_staff_issued_idx": "invoicing_invoice (installation_id, issued_at, id)",
    "invoice_staff_order_problem_idx": (
        "invoicing_invoice (subscription_id) WHERE order_problem <> '' AND status IN ('open', 'uncollectible')"
    ),
    "attempt_staff_action_idx": "renewals_paymentattempt (invoice_id) WHERE status = 'requires_action'",
    "stripe_customer_key_idx": "payments_stripecustomer (installation_id, customer_key)",
    "credit_note_staff_created_idx": "invoicing_creditnote (installation_id, created_at, id)",
}


class Migration(migrations.Migration):
    dependencies = [
        ("subscriptions", "0006_renewal_reminded_for"),
        ("invoicing", "0005_invoice_line_target"),
        ("payments", "0003_stripe_account_ids"),
        ("renewals", "0003_attempt_amount_refused"),
    ]

    operations = [
        TrigramExtension(),
        *(
            postgres_only(f"CREATE INDEX {name} ON {target}", f"DROP INDEX IF EXISTS {name}")
            for name, target in INDEXES.items()
        ),
    ]
