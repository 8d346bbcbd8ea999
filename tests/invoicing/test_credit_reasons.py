"""A credit note's reason is worded in the shop's language when it is issued, from typed facts kept beside it
(`invoicing.credits.CreditReason`); staff's own words are kept as written."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from saleor_subscriptions.invoicing.credits import CreditReason, issue_credit_note
from saleor_subscriptions.invoicing.documents import render_credit_note_pdf
from saleor_subscriptions.invoicing.models import CreditNote
from saleor_subscriptions.lifecycle import cancel_subscription
from saleor_subscriptions.tenants.models import Installation
from tests.invoicing.test_documents import pdf_text
from tests.lifecycle.helpers import CUSTOMER, active_since, at, period_invoice, plan, sandbox
from tests.notifications.builders import invoice_for, shop, subscriber

pytestmark = pytest.mark.django_db

NOV_20, DEC_1 = date(2026, 11, 20), date(2026, 12, 1)
UNUSED = CreditReason("unused_period", NOV_20, DEC_1)
DIFFERENCE = CreditReason("unused_difference", NOV_20, DEC_1)
EN_DAYS, NL_DAYS = "20 November 2026 – 30 November 2026", "20 november 2026 – 30 november 2026"


@pytest.mark.parametrize(
    ("language", "reason", "words"),
    [
        ("en", UNUSED, f"Unused part of the period {EN_DAYS}"),
        ("nl", UNUSED, f"Ongebruikt deel van de periode {NL_DAYS}"),
        ("en", DIFFERENCE, f"Unused difference after the plan change, {EN_DAYS}"),
        ("nl", DIFFERENCE, f"Ongebruikt verschil na de abonnementswijziging, {NL_DAYS}"),
        ("en", CreditReason("goodwill"), "Credit granted by the shop"),
        ("nl", CreditReason("goodwill"), "Tegoed toegekend door de winkel"),
        ("nl", CreditReason("goodwill", text="Excuses voor de levering"), "Excuses voor de levering"),
        ("en", CreditReason("refund", paid_back=True), "Invoice F2026-0007: paid back"),
        ("nl", CreditReason("refund", paid_back=True), "Factuur F2026-0007: terugbetaald"),
        ("nl", CreditReason("refund"), "Factuur F2026-0007: als tegoed verrekend"),
        ("nl", CreditReason("refund", text="Dubbel betaald"), "Factuur F2026-0007: Dubbel betaald"),
    ],
)
def test_the_reason_is_worded_in_the_shops_language_and_its_facts_are_kept(
    language: str, reason: CreditReason, words: str
) -> None:
    subscription = subscriber(shop(language))
    invoice = invoice_for(subscription, paid=True)

    note = issue_credit_note(subscription, Decimal("14.30"), reason=reason, invoice=invoice)

    stored = CreditNote.objects.get(pk=note.pk)
    assert stored.reason == words
    assert (stored.reason_kind, stored.reason_period_start, stored.reason_period_end) == (
        reason.kind,
        reason.start,
        reason.end,
    )
    assert words in pdf_text(render_credit_note_pdf(stored))


def test_a_note_keeps_the_words_it_was_issued_with_when_the_shop_changes_language() -> None:
    installation = shop("nl")
    note = issue_credit_note(subscriber(installation), Decimal("5.00"), reason=CreditReason("goodwill"))

    Installation.objects.filter(pk=installation.pk).update(language="en")

    assert CreditNote.objects.get(pk=note.pk).reason == "Tegoed toegekend door de winkel"


def test_a_dutch_shop_cancelling_with_credit_gets_a_dutch_reason_of_the_unused_days() -> None:
    installation = sandbox(at(2026, 11, 20))
    Installation.objects.filter(pk=installation.pk).update(language="nl")
    installation.refresh_from_db()
    version = plan(installation, "39.00", cancel_effect="immediately", cancel_credit=True)
    sub = active_since(version, date(2026, 11, 1))
    period_invoice(sub)

    cancel_subscription(sub, actor=CUSTOMER)

    note = CreditNote.objects.get(subscription=sub)
    assert note.reason == f"Ongebruikt deel van de periode {NL_DAYS}"
    facts = (note.reason_kind, note.reason_period_start, note.reason_period_end)
    assert facts == ("unused_period", NOV_20, DEC_1)


@pytest.mark.parametrize("kind", ["unused_period", "unused_difference"])
def test_an_unused_reason_without_its_period_is_a_programming_error(kind: str) -> None:
    with pytest.raises(ValueError, match="needs its period"):
        CreditReason(kind)


def test_an_unknown_kind_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="one of"):
        CreditReason("downgrade")
