from django.db import migrations, models

from saleor_subscriptions.postgres_sql import postgres_only

REFUND_EVENT_INDEX = "reports_event_refunded_idx"


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("subscriptions", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="refreshmark",
            name="margin_events",
            field=models.IntegerField(
                default=0,
                help_text="How many events had ids in the margin below last_event_id when it was set",
            ),
        ),
        # billingIntegrity's REFUNDS_NOT_MATCHING reads Stripe's refunds among a million other events.
        postgres_only(
            f"CREATE INDEX IF NOT EXISTS {REFUND_EVENT_INDEX} ON subscriptions_subscriptionevent (installation_id)"
            " WHERE kind = 'payment_refunded'",
            f"DROP INDEX IF EXISTS {REFUND_EVENT_INDEX}",
        ),
    ]
