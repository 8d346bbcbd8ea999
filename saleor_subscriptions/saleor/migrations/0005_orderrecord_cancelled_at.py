from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("saleor", "0004_webhookdelivery_key_on_signature_bytes")]

    operations = [
        migrations.AddField(
            model_name="orderrecord",
            name="cancelled_at",
            field=models.DateTimeField(
                blank=True,
                help_text="When the order was cancelled in Saleor (its invoice void or uncollectible)",
                null=True,
            ),
        ),
    ]
