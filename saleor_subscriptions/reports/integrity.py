"""Billing integrity: the rules every installation's billing keeps, each checked by one set-based statement
that lists the rows breaking it (docs/reports.md "Billing integrity").

Every finding names its rule, the subscription and invoice concerned, and what was expected and found.
"""

# ruff: noqa: E501 (SQL and table-like literals read best on one line)

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.db import connection, transaction

from saleor_subscriptions.reports.tables import sql


class IntegrityRule(StrEnum):
    PERIOD_BILLED_TWICE = "period_billed_twice"
    PERIOD_NOT_BILLED = "period_not_billed"
    NUMBER_GAP = "number_gap"
    PAID_WITHOUT_ORDER = "paid_without_order"
    PAID_WITHOUT_CHARGE = "paid_without_charge"
    CHARGE_WITHOUT_INVOICE = "charge_without_invoice"
    CHARGED_NOT_PAID = "charged_not_paid"
    ORDER_TOTAL_MISMATCH = "order_total_mismatch"
    REFUNDS_NOT_MATCHING = "refunds_not_matching"


@dataclass(frozen=True)
class Finding:
    rule: IntegrityRule
    subscription_id: int | None
    invoice_id: int | None
    invoice_number: str | None
    expected: str
    found: str


# Each statement returns (rule, subscription_id, invoice_id, invoice_number, expected, found), in the order of
# IntegrityRule, at most %(limit)s rows; statements that read the same rows check their rules together.
_PERIODS = """
WITH periods AS (
    SELECT id, subscription_id, number, period_index, period_start, period_end,
           lag(period_index) OVER w AS previous_index, lag(period_start) OVER w AS previous_start,
           lag(period_end) OVER w AS previous_end, lag(number) OVER w AS previous_number
    FROM {invoice}
    WHERE installation_id = %(installation)s AND billing_reason IN ('signup', 'renewal')
      AND status NOT IN ('draft', 'void')
    WINDOW w AS (PARTITION BY subscription_id ORDER BY period_index)
),
broken AS (
    -- Two period invoices of a subscription whose periods overlap.
    SELECT 1 AS rule, subscription_id, id, number,
           'billed once: ' || previous_start || ' to ' || previous_end || ' on ' || coalesce(previous_number, 'a draft')
               AS expected,
           'billed again from ' || period_start || ' to ' || period_end AS found
    FROM periods WHERE period_start < previous_end
    UNION ALL
    -- A period number skipped, with no pause, skip, cancellation, reactivation, settlement or plan change
    -- between the two invoices' periods that explains it.
    SELECT 2, subscription_id, id, number, 'period ' || (previous_index + 1) || ' billed',
           'next billed period is ' || period_index
    FROM periods p
    WHERE period_index > previous_index + 1 AND previous_index >= 0
      AND NOT EXISTS (
          SELECT 1 FROM {event} e
          WHERE e.subscription_id = p.subscription_id
            AND e.at >= p.previous_start::timestamptz AND e.at < p.period_start::timestamptz + interval '1 day'
            AND e.kind IN ('pause', 'resume', 'skip', 'reactivate', 'cancel_now', 'finish_cancellation',
                           'cancel_for_nonpayment', 'settle', 'switch_plan', 'pending_change_applied'))
)
SELECT CASE rule WHEN 1 THEN 'period_billed_twice' ELSE 'period_not_billed' END, subscription_id, id, number,
       expected, found
FROM broken ORDER BY rule, subscription_id, id LIMIT %(limit)s
"""

# Invoice numbers are 1, 2, 3 … of the installation's sequence (the digits at the end, whatever the prefix): a
# missing number, one used twice, or numbers taken that no invoice has. The numbers are read in order from
# reports/0003's expression index (no sort, no table), the largest from its end.
_DIGITS = "substring(number from '([0-9]+)$')::bigint"
_NUMBERS = (
    """
WITH ordered AS (
    SELECT id, subscription_id, number, """
    + _DIGITS
    + """ AS n, lag("""
    + _DIGITS
    + """) OVER (ORDER BY """
    + _DIGITS
    + """, id) AS previous
    FROM {invoice} WHERE installation_id = %(installation)s AND number IS NOT NULL
),
taken AS (
    SELECT next_number - 1 AS last,
           coalesce((SELECT max("""
    + _DIGITS
    + """) FROM {invoice}
                     WHERE installation_id = %(installation)s AND number IS NOT NULL), 0) AS largest
    FROM {sequence} WHERE installation_id = %(installation)s AND kind = 'invoice'
)
(SELECT 'number_gap', subscription_id, id, number,
        CASE WHEN n = previous THEN 'number ' || n || ' used once' ELSE 'number ' || (coalesce(previous, 0) + 1) END,
        CASE WHEN n = previous THEN 'used again by ' || number ELSE 'next number is ' || n END
 FROM ordered WHERE n <> coalesce(previous, 0) + 1
 ORDER BY n, id LIMIT %(limit)s)
UNION ALL
SELECT 'number_gap', NULL, NULL, NULL, 'numbers up to ' || last || ' on invoices',
       'the last invoice number is ' || largest
FROM taken WHERE last <> largest
"""
)

_ORDERS = """
(SELECT 'paid_without_order', subscription_id, id, number, 'a Saleor order', 'none'
 FROM {invoice}
 WHERE installation_id = %(installation)s AND status = 'paid' AND saleor_order_id = ''
 ORDER BY id LIMIT %(limit)s)
UNION ALL
-- A succeeded charge whose invoice is not paid (void, open, uncollectible): money taken for nothing owed. Read
-- from the few invoices not paid (every status but 'paid'), not from a million succeeded charges.
(WITH unpaid AS MATERIALIZED (
     SELECT id, subscription_id, number, status FROM {invoice}
     WHERE installation_id = %(installation)s AND status IN ('draft', 'open', 'void', 'uncollectible'))
 SELECT 'charge_without_invoice', i.subscription_id, i.id, i.number,
        'a paid invoice for charge ' || coalesce(nullif(a.reference, ''), a.idempotency_key),
        'invoice ' || coalesce(i.number, 'draft') || ' is ' || i.status
 FROM unpaid i JOIN {attempt} a ON a.invoice_id = i.id
 WHERE a.installation_id = %(installation)s AND a.status = 'succeeded'
 ORDER BY a.id LIMIT %(limit)s)
"""

# The money of paid renewal and change invoices (a sign-up is paid by its checkout's order): one with an
# amount due has a succeeded charge; its succeeded charges add up to what it says was paid; and what the app
# recorded on its Saleor order (its OrderRecord, once done: a transaction per succeeded charge, one for the
# credit used) adds up to its total.
_PAID = """
i.installation_id = %(installation)s AND i.status = 'paid' AND i.billing_reason <> 'signup'
"""
_CHARGES = (
    """
WITH candidates AS (
    -- Found in one pass without adding up a million invoices' charges: a second succeeded charge (its number is
    -- above 1), and a paid invoice whose charge is missing, of another amount, or not what its order record
    -- shows. An invoice with several charges may be listed here and be right: its sums decide below.
    SELECT a.invoice_id AS id FROM {attempt} a
    WHERE a.installation_id = %(installation)s AND a.status = 'succeeded' AND a.number > 1
      AND EXISTS (SELECT 1 FROM {attempt} b
                  WHERE b.invoice_id = a.invoice_id AND b.status = 'succeeded' AND b.number < a.number)
    UNION
    SELECT i.id FROM {invoice} i
    LEFT JOIN {attempt} a ON a.invoice_id = i.id AND a.status = 'succeeded'
    LEFT JOIN {record} r ON r.invoice_id = i.id
    WHERE """
    + _PAID
    + """ AND ((a.id IS NULL AND i.amount_due > 0) OR a.amount <> i.amount_paid
           OR (r.done_at IS NOT NULL
               AND coalesce(CASE WHEN r.transactions ? a.reference THEN a.amount END, 0)
                   + CASE WHEN r.transactions ? ('credit-' || i.number) THEN i.credit_applied ELSE 0 END <> i.total))
),
paid AS (
    SELECT i.id, i.subscription_id, i.number, i.amount_due, i.amount_paid, i.total, i.credit_applied,
           (SELECT sum(a.amount) FROM {attempt} a WHERE a.invoice_id = i.id AND a.status = 'succeeded')
               AS charged_amount,
           (SELECT count(*) FROM {attempt} a WHERE a.invoice_id = i.id AND a.status = 'succeeded') AS charges,
           r.done_at IS NOT NULL AS recorded,
           coalesce((SELECT sum(a.amount) FROM {attempt} a
                     WHERE a.invoice_id = i.id AND a.status = 'succeeded' AND r.transactions ? a.reference), 0)
               + CASE WHEN r.transactions ? ('credit-' || i.number) THEN i.credit_applied ELSE 0 END AS on_order
    FROM {invoice} i LEFT JOIN {record} r ON r.invoice_id = i.id
    WHERE i.id = ANY(ARRAY(SELECT id FROM candidates)) AND """
    + _PAID
    + """
),
broken AS (
    SELECT 1 AS rule, subscription_id, id, number, 'a succeeded charge of ' || round(amount_due, 6) AS expected,
           'none' AS found
    FROM paid WHERE amount_due > 0 AND charged_amount IS NULL
    UNION ALL
    SELECT 2, subscription_id, id, number, 'charged ' || round(amount_paid, 6),
           'charged ' || round(charged_amount, 6) || ' in ' || charges || ' charge(s)'
    FROM paid WHERE charged_amount IS NOT NULL AND charged_amount <> amount_paid
    UNION ALL
    SELECT 3, subscription_id, id, number, 'recorded on the order ' || round(total, 6),
           'recorded ' || round(on_order, 6)
    FROM paid WHERE recorded AND on_order <> total
)
SELECT CASE rule WHEN 1 THEN 'paid_without_charge' WHEN 2 THEN 'charged_not_paid' ELSE 'order_total_mismatch' END,
       subscription_id, id, number, expected, found
FROM broken ORDER BY rule, id LIMIT %(limit)s
"""
)

# Charged minus refunded matches the invoices paid: on every invoice with a refund (a money-back credit note,
# or Stripe's `charge.refunded`, written as a `payment_refunded` event with what the charge has refunded in
# all), its succeeded charges less what Stripe refunded of them equal what it says was paid less what its
# credit notes paid back. A credit note paid back less than a day ago counts as refunded already (Stripe's event
# may not be in yet); an unneeded payment (`payment_refunded_duplicate`) is a succeeded charge until Stripe confirms its refund. A
# sign-up without a charge of its own was paid by its checkout's order: its `amount_paid` is what it charged.
_REFUNDS = """
WITH at_stripe AS (
    SELECT number, sum(refunded) AS refunded FROM (
        SELECT e.data->>'invoice' AS number, e.data->>'charge' AS charge,
               max((e.data->>'amount_refunded')::numeric) AS refunded
        FROM {event} e
        WHERE e.installation_id = %(installation)s AND e.kind = 'payment_refunded'
        GROUP BY 1, 2
    ) AS per_charge GROUP BY number
),
paid_back AS (
    SELECT invoice_id, sum(amount) AS amount, max(created_at) AS newest FROM {credit_note}
    WHERE installation_id = %(installation)s AND refund_reference <> '' AND invoice_id IS NOT NULL
    GROUP BY invoice_id
),
money AS (
    SELECT i.id, i.subscription_id, i.number, i.amount_paid,
           coalesce((SELECT sum(a.amount) FROM {attempt} a WHERE a.invoice_id = i.id AND a.status = 'succeeded'),
                    CASE WHEN i.billing_reason = 'signup' THEN i.amount_paid ELSE 0 END) AS charged,
           CASE WHEN b.newest > now() - interval '1 day' THEN greatest(s.refunded, b.amount)
                ELSE coalesce(s.refunded, 0) END AS refunded,
           coalesce(b.amount, 0) AS paid_back
    FROM {invoice} i
    LEFT JOIN at_stripe s ON s.number = i.number
    LEFT JOIN paid_back b ON b.invoice_id = i.id
    WHERE i.installation_id = %(installation)s AND i.id = ANY(ARRAY(
        -- only the invoices a refund names, each found by its number or id (not a pass over a million)
        SELECT x.id FROM {invoice} x JOIN at_stripe ON x.installation_id = %(installation)s
                                                   AND x.number = at_stripe.number
        UNION SELECT invoice_id FROM paid_back))
)
SELECT 'refunds_not_matching', subscription_id, id, number,
       'charged less refunded ' || round(amount_paid - paid_back, 6) || ' (paid ' || round(amount_paid, 6)
           || ', paid back ' || round(paid_back, 6) || ')',
       'charged ' || round(charged, 6) || ' less refunded ' || round(refunded, 6) || ' at Stripe'
FROM money WHERE charged - refunded <> amount_paid - paid_back
ORDER BY id LIMIT %(limit)s
"""

_STATEMENTS = (_PERIODS, _NUMBERS, _ORDERS, _CHARGES, _REFUNDS)


def findings(installation_id: int, limit: int) -> tuple[list[Finding], bool]:
    """Rows breaking any rule, in the order of the rules, at most `limit`; and whether more were left out."""
    rows: list[tuple[object, ...]] = []
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = '256MB'")  # sorts of a million invoices stay in memory
        cursor.execute("SET LOCAL jit = off")  # compiling costs more than it saves on these plans
        for query in _STATEMENTS:
            cursor.execute(sql(query), {"installation": installation_id, "limit": limit + 1})
            rows += cursor.fetchall()
    order = {rule: position for position, rule in enumerate(IntegrityRule)}
    rows.sort(key=lambda row: order[IntegrityRule(str(row[0]))])
    result = [
        Finding(IntegrityRule(str(rule)), sub, inv, number, str(expected), str(found))  # type: ignore[arg-type]
        for rule, sub, inv, number, expected, found in rows[:limit]
    ]
    return result, len(rows) > limit
