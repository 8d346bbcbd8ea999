from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tenants", "0006_installation_seller_details"),
    ]

    operations = [
        migrations.AddField(
            model_name="installation",
            name="self_service_address",
            field=models.BooleanField(
                default=True, help_text="Customers may change the shipping address of future renewal orders"
            ),
        ),
        migrations.AddField(
            model_name="installation",
            name="self_service_contacts",
            field=models.BooleanField(default=True, help_text="Customers may name billing contacts"),
        ),
    ]
