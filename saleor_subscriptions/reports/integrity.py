"""Billing integrity: the rules every installation's billing keeps, each checked by one set-based statement
that lists the rows breaking it (docs/reports.md "Billing integrity").

Every finding names its rule, the subscription and invoice concerned, and what was expected and found.
"""

# ruff: noqa: E501 (SQL and table-like literals read best on one line)

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.db import connection

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


@dataclass(frozen=True)
class Finding:
    rule: IntegrityRule
    subscription_id: int | None
    invoice_id: int | None
    invoice_number: str | None
    expected: str
    found: str


# Each statement returns (subscription_id, invoice_id, invoice_number, expected, found), at most %(limit)s rows.
_CHECKS: dict[IntegrityRule, str] = {
    # Two signup/renewal invoices (not void) of one subscription whose periods overlap.
    IntegrityRule.PERIOD_BILLED_TWICE: """
WITH periods AS (
    SELECT id, subscription_id, number, period_start, period_end,
           lag(period_end) OVER w AS previous_end, lag(number) OVER w AS previous_number,
           lag(period_start) OVER w AS previous_start
    FROM {invoice}
    WHERE installation_id = %(installation)s AND billing_reason IN ('signup', 'renewal')
      AND status NOT IN ('draft', 'void')
    WINDOW w AS (PARTITION BY subscription_id ORDER BY period_start, id)
)
SELECT subscription_id, id, number,
       'billed once: ' || previous_start || ' to ' || previous_end || ' on ' || coalesce(previous_number, 'a draft'),
       'billed again from ' || period_start || ' to ' || period_end
FROM periods WHERE period_start < previous_end
ORDER BY subscription_id, id LIMIT %(limit)s
""",
    # A period number skipped between two period invoices, with no pause, skip, cancellation or
    # reactivation between them that explains it.
    IntegrityRule.PERIOD_NOT_BILLED: """
WITH periods AS (
    SELECT id, subscription_id, number, period_index, period_start,
           lag(period_index) OVER w AS previous_index, lag(period_start) OVER w AS previous_start
    FROM {invoice}
    WHERE installation_id = %(installation)s AND billing_reason IN ('signup', 'renewal')
      AND status NOT IN ('draft', 'void')
    WINDOW w AS (PARTITION BY subscription_id ORDER BY period_index)
)
SELECT subscription_id, id, number,
       'period ' || (previous_index + 1) || ' billed', 'next billed period is ' || period_index
FROM periods p
WHERE period_index > previous_index + 1 AND previous_index >= 0
  AND NOT EXISTS (
      SELECT 1 FROM {event} e
      WHERE e.subscription_id = p.subscription_id
        AND e.at >= p.previous_start::timestamptz AND e.at < p.period_start::timestamptz + interval '1 day'
        AND e.kind IN ('pause', 'resume', 'skip', 'reactivate', 'cancel_now', 'finish_cancellation',
                       'cancel_for_nonpayment', 'settle', 'switch_plan', 'pending_change_applied'))
ORDER BY subscription_id, id LIMIT %(limit)s
""",
    # Invoice numbers are 1, 2, 3 … of the installation's sequence: a missing number, one used twice (the
    # same number under two prefixes), or numbers taken that no invoice has.
    IntegrityRule.NUMBER_GAP: """
WITH numbered AS (
    SELECT id, subscription_id, number, substring(number from '([0-9]+)$')::bigint AS n
    FROM {invoice} WHERE installation_id = %(installation)s AND number IS NOT NULL
),
ordered AS (SELECT *, lag(n) OVER (ORDER BY n, id) AS previous FROM numbered),
taken AS (
    SELECT next_number - 1 AS last FROM {sequence}
    WHERE installation_id = %(installation)s AND kind = 'invoice'
)
(SELECT subscription_id, id, number,
        CASE WHEN n = previous THEN 'number ' || n || ' used once' ELSE 'number ' || (coalesce(previous, 0) + 1) END,
        CASE WHEN n = previous THEN 'used again by ' || number ELSE 'next number is ' || n END
 FROM ordered WHERE n <> coalesce(previous, 0) + 1
 ORDER BY n LIMIT %(limit)s)
UNION ALL
SELECT NULL, NULL, NULL, 'numbers up to ' || taken.last || ' on invoices',
       'the last invoice number is ' || coalesce((SELECT max(n) FROM numbered), 0)
FROM taken WHERE taken.last <> coalesce((SELECT max(n) FROM numbered), 0)
""",
    IntegrityRule.PAID_WITHOUT_ORDER: """
SELECT subscription_id, id, number, 'a Saleor order', 'none'
FROM {invoice}
WHERE installation_id = %(installation)s AND status = 'paid' AND saleor_order_id = ''
ORDER BY id LIMIT %(limit)s
""",
    # A paid renewal or change invoice that asked for money (a sign-up is paid by its checkout's order).
    IntegrityRule.PAID_WITHOUT_CHARGE: """
SELECT i.subscription_id, i.id, i.number, 'a succeeded charge of ' || round(i.amount_due, 6), 'none'
FROM {invoice} i
WHERE i.installation_id = %(installation)s AND i.status = 'paid' AND i.billing_reason <> 'signup'
  AND i.amount_due > 0
  AND NOT EXISTS (SELECT 1 FROM {attempt} a WHERE a.invoice_id = i.id AND a.status = 'succeeded')
ORDER BY i.id LIMIT %(limit)s
""",
    # A succeeded charge whose invoice is not paid (void, open, uncollectible): money taken for nothing owed.
    IntegrityRule.CHARGE_WITHOUT_INVOICE: """
SELECT i.subscription_id, i.id, i.number, 'a paid invoice for charge ' || coalesce(nullif(a.reference, ''), a.idempotency_key),
       'invoice ' || coalesce(i.number, 'draft') || ' is ' || i.status
FROM {attempt} a JOIN {invoice} i ON i.id = a.invoice_id
WHERE a.installation_id = %(installation)s AND a.status = 'succeeded' AND i.status <> 'paid'
ORDER BY a.id LIMIT %(limit)s
""",
    # What the succeeded charges of a paid renewal or change invoice add up to is what the invoice says was
    # paid (charged twice, or charged another amount, breaks it).
    IntegrityRule.CHARGED_NOT_PAID: """
SELECT i.subscription_id, i.id, i.number, 'charged ' || round(i.amount_paid, 6),
       'charged ' || round(sum(a.amount), 6) || ' in ' || count(*) || ' charge(s)'
FROM {invoice} i JOIN {attempt} a ON a.invoice_id = i.id AND a.status = 'succeeded'
WHERE i.installation_id = %(installation)s AND i.status = 'paid' AND i.billing_reason <> 'signup'
GROUP BY i.id HAVING sum(a.amount) <> i.amount_paid
ORDER BY i.id LIMIT %(limit)s
""",
    # The payments the app recorded on a paid invoice's Saleor order (its OrderRecord: one transaction per
    # succeeded charge, and one for the credit used) add up to the invoice's total.
    IntegrityRule.ORDER_TOTAL_MISMATCH: """
SELECT i.subscription_id, i.id, i.number, 'recorded on the order ' || round(i.total, 6),
       'recorded ' || round(
           coalesce((SELECT sum(a.amount) FROM {attempt} a
                     WHERE a.invoice_id = i.id AND a.status = 'succeeded' AND r.transactions ? a.reference), 0)
           + CASE WHEN r.transactions ? ('credit-' || i.number) THEN i.credit_applied ELSE 0 END, 6)
FROM {invoice} i JOIN {record} r ON r.invoice_id = i.id
WHERE i.installation_id = %(installation)s AND i.status = 'paid' AND i.billing_reason <> 'signup'
  AND r.done_at IS NOT NULL
  AND coalesce((SELECT sum(a.amount) FROM {attempt} a
                WHERE a.invoice_id = i.id AND a.status = 'succeeded' AND r.transactions ? a.reference), 0)
      + CASE WHEN r.transactions ? ('credit-' || i.number) THEN i.credit_applied ELSE 0 END <> i.total
ORDER BY i.id LIMIT %(limit)s
""",
}


def findings(installation_id: int, limit: int) -> tuple[list[Finding], bool]:
    """Rows breaking any rule, rule by rule, at most `limit`; and whether more were left out."""
    result: list[Finding] = []
    truncated = False
    with connection.cursor() as cursor:
        for rule, query in _CHECKS.items():
            left = limit - len(result)
            if left < 0:
                break
            cursor.execute(sql(query), {"installation": installation_id, "limit": left + 1})
            rows = cursor.fetchall()
            if len(rows) > left:
                truncated = True
                rows = rows[:left]
            result += [
                Finding(rule, sub, inv, number, str(expected), str(found))
                for sub, inv, number, expected, found in rows
            ]
            if truncated:
                break
    return result, truncated
