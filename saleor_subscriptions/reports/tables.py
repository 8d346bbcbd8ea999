"""The table names the reports' SQL reads, taken from the models so that a renamed table cannot be missed."""

from __future__ import annotations

from django.db import connection

from saleor_subscriptions.catalog.models import Plan, PlanVersion
from saleor_subscriptions.invoicing.models import CreditNote, Invoice, InvoiceLine, NumberSequence
from saleor_subscriptions.renewals.models import PaymentAttempt
from saleor_subscriptions.reports.models import MrrChange
from saleor_subscriptions.saleor.models import OrderRecord
from saleor_subscriptions.subscriptions.models import Subscription, SubscriptionEvent
from saleor_subscriptions.tenants.models import Installation

MRR_STATES = ("active", "past_due", "suspended")
"""The states in which a subscription counts in MRR (docs/reports.md)."""


def _name(model: type) -> str:
    return str(connection.ops.quote_name(model._meta.db_table))  # type: ignore[attr-defined]


def tables() -> dict[str, str]:
    """`{name}` placeholders of the reports' SQL and their quoted table names."""
    return {
        "subscription": _name(Subscription),
        "event": _name(SubscriptionEvent),
        "invoice": _name(Invoice),
        "line": _name(InvoiceLine),
        "sequence": _name(NumberSequence),
        "attempt": _name(PaymentAttempt),
        "record": _name(OrderRecord),
        "plan": _name(Plan),
        "version": _name(PlanVersion),
        "change": _name(MrrChange),
        "credit_note": _name(CreditNote),
        "installation": _name(Installation),
    }


def sql(template: str) -> str:
    """`template` with its table placeholders filled in (parameters stay `%(name)s`)."""
    return template.format(**tables())
