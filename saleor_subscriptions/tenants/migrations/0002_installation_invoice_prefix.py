"""Every installation gets its own random invoice number prefix and order token ("INV-7KQ2XM-"), existing ones included, so
that no two app databases on one Saleor make the same invoice number (the Saleor order's external reference)."""

from typing import Any

from django.db import migrations, models

import saleor_subscriptions.tenants.models


def give_each_installation_its_prefix(apps: Any, schema_editor: Any) -> None:
    Installation = apps.get_model("tenants", "Installation")
    for installation in Installation.objects.all().only("pk"):
        installation.invoice_prefix = saleor_subscriptions.tenants.models.new_invoice_prefix()
        installation.order_token = saleor_subscriptions.tenants.models.new_order_token()
        installation.save(update_fields=["invoice_prefix", "order_token"])


class Migration(migrations.Migration):
    dependencies = [("tenants", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="installation",
            name="invoice_prefix",
            field=models.CharField(default="INV-", max_length=20),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="installation",
            name="order_token",
            field=models.CharField(default="", max_length=32),
            preserve_default=False,
        ),
        migrations.RunPython(give_each_installation_its_prefix, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="installation",
            name="invoice_prefix",
            field=models.CharField(
                default=saleor_subscriptions.tenants.models.new_invoice_prefix,
                help_text="Starts every invoice number; random per installation unless the shop sets its own",
                max_length=20,
            ),
        ),
        migrations.AlterField(
            model_name="installation",
            name="order_token",
            field=models.CharField(
                default=saleor_subscriptions.tenants.models.new_order_token,
                help_text=(
                    "Written on the Saleor orders this database makes; an order without it is not ours"
                ),
                max_length=32,
            ),
        ),
    ]
