from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("invoicing", "0003_shipping_lines")]

    operations = [
        migrations.AddField(
            model_name="invoice",
            name="order_problem",
            field=models.CharField(
                blank=True,
                help_text="Why its Saleor order waits for a person (order_conflict, order_refused); empty when none",
                max_length=32,
            ),
        ),
        migrations.AddField(
            model_name="invoice",
            name="order_problem_detail",
            field=models.TextField(blank=True, help_text="Saleor's reason, as staff were told it"),
        ),
        migrations.AddField(
            model_name="invoice",
            name="order_tries",
            field=models.PositiveIntegerField(default=0, help_text="Tries of the order since the problem"),
        ),
    ]
