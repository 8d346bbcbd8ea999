"""billingIntegrity reads a million invoices of one installation in three orders: by subscription and period,
by invoice number, and by id among the paid ones. Each gets a covering partial index, so that the rules read
the index in the order their window functions and joins need, without sorting or touching the table
(docs/reports.md "Billing integrity", bench/README.md)."""

from django.db import migrations

from saleor_subscriptions.postgres_sql import postgres_only

PERIODS_INDEX = "integrity_invoice_periods_idx"
NUMBERS_INDEX = "integrity_invoice_numbers_idx"
NO_ORDER_INDEX = "integrity_paid_no_order_idx"
PAID_INDEX = "integrity_invoice_paid_idx"
CHARGES_INDEX = "integrity_attempt_succeeded_idx"

# The number's digits at the end as a number: the same expression as reports/integrity.py's _NUMBERS.
NUMBER_DIGITS = "(substring(number from '([0-9]+)$')::bigint)"


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_refresh_margin_and_refund_index"),
        ("invoicing", "0011_invoice_owed_index"),
    ]

    operations = [
        # PERIOD_BILLED_TWICE / PERIOD_NOT_BILLED: each subscription's period invoices in period order.
        postgres_only(
            f"CREATE INDEX IF NOT EXISTS {PERIODS_INDEX} ON invoicing_invoice"
            " (installation_id, subscription_id, period_index) INCLUDE (id, number, period_start, period_end)"
            " WHERE billing_reason IN ('signup', 'renewal') AND status NOT IN ('draft', 'void')",
            f"DROP INDEX IF EXISTS {PERIODS_INDEX}",
        ),
        # NUMBER_GAP: the installation's numbers in numeric order (and the largest, from its end).
        postgres_only(
            f"CREATE INDEX IF NOT EXISTS {NUMBERS_INDEX} ON invoicing_invoice"
            f" (installation_id, {NUMBER_DIGITS}, id) INCLUDE (subscription_id, number)"
            " WHERE number IS NOT NULL",
            f"DROP INDEX IF EXISTS {NUMBERS_INDEX}",
        ),
        # PAID_WITHOUT_ORDER: the (normally no) paid invoices without a Saleor order.
        postgres_only(
            f"CREATE INDEX IF NOT EXISTS {NO_ORDER_INDEX} ON invoicing_invoice (installation_id, id)"
            " WHERE status = 'paid' AND saleor_order_id = ''",
            f"DROP INDEX IF EXISTS {NO_ORDER_INDEX}",
        ),
        # The money rules: paid renewal and change invoices by id with their figures, merged with the
        # succeeded charges by invoice.
        postgres_only(
            f"CREATE INDEX IF NOT EXISTS {PAID_INDEX} ON invoicing_invoice (installation_id, id)"
            " INCLUDE (subscription_id, number, total, credit_applied, amount_due, amount_paid)"
            " WHERE status = 'paid' AND billing_reason <> 'signup'",
            f"DROP INDEX IF EXISTS {PAID_INDEX}",
        ),
        postgres_only(
            f"CREATE INDEX IF NOT EXISTS {CHARGES_INDEX} ON renewals_paymentattempt (invoice_id, number)"
            " INCLUDE (amount, reference) WHERE status = 'succeeded'",
            f"DROP INDEX IF EXISTS {CHARGES_INDEX}",
        ),
    ]
