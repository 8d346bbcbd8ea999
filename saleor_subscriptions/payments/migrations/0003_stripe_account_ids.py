"""Ties Stripe customers to the Stripe account (acct_…) that knows them.

Existing rows: the account behind saved keys cannot be asked from a migration, so `StripeAccount` rows get an
empty `stripe_account_id` (read from Stripe at first use, `accounts.stripe_account_id_of`) and existing
`StripeCustomer` rows an empty one too, meaning "not confirmed yet": the first look-up for an account whose
key Stripe confirms knows the `cus_…` id adopts the row for that account (`customers.stripe_customer_for`);
a row no account knows is never sent to Stripe again. The old uniqueness (installation, customer, mode) holds
for the existing rows, so the new constraint (installation, account, mode, customer) holds as well.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0002_checkout_payments"),
        ("tenants", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="stripeaccount",
            name="stripe_account_id",
            field=models.CharField(
                blank=True,
                default="",
                help_text="Stripe's id (acct_…) of the account the keys belong to, read when they are saved; empty for keys saved before it was read (then read at first use)",
                max_length=64,
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="stripecustomer",
            name="stripe_account_id",
            field=models.CharField(
                blank=True, default="", help_text="acct_…; empty: not known yet", max_length=64
            ),
            preserve_default=False,
        ),
        migrations.RemoveConstraint(
            model_name="stripecustomer",
            name="stripe_customer_per_customer",
        ),
        migrations.AddConstraint(
            model_name="stripecustomer",
            constraint=models.UniqueConstraint(
                fields=("installation", "stripe_account_id", "livemode", "customer_key"),
                name="stripe_customer_per_account",
            ),
        ),
    ]
