"""Invoices (number, period, status, PDF; an open one paid through the pay page), the credit balance, and
the saved payment method (replaced on the pay pages' page that saves another card)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from saleor_subscriptions.invoicing.credits import balances
from saleor_subscriptions.invoicing.documents import formatting as fmt
from saleor_subscriptions.invoicing.links import document_token, pay_url, payment_method_url
from saleor_subscriptions.invoicing.models import CreditNote, Invoice
from saleor_subscriptions.portal.views.common import Visit, Wording, portal_page
from saleor_subscriptions.portal.views.paying import PAYABLE, payable, portal_url
from saleor_subscriptions.subscriptions.models import Subscription
from saleor_subscriptions.subscriptions.rules import ENDED


def _status(visit: Wording, invoice: Invoice) -> str:
    if invoice.status == Invoice.Status.PAID:
        paid = invoice.paid_at
        day = visit.day(fmt.local_date(paid, invoice.subscription.time_zone)) if paid else ""
        return visit.t["paid_on"].format(day=day)
    if invoice.status == Invoice.Status.VOID:
        return visit.t["void"]
    return visit.t["unpaid"]


def _row(visit: Wording, invoice: Invoice) -> dict[str, Any]:
    return {
        "pk": invoice.pk,
        "number": invoice.number,
        "plan": invoice.subscription.plan_version.plan.name,
        "period": fmt.period(invoice.period_start, invoice.period_end, visit.fmt_language),
        "status": _status(visit, invoice),
        "unpaid": invoice.status in PAYABLE,
        "payable": payable(invoice),
        "download_label": visit.t["download"].format(number=invoice.number),
        "pay_label": visit.t["pay"].format(number=invoice.number),
        "total": visit.money(
            invoice.amount_due if invoice.status in PAYABLE else invoice.total, invoice.currency
        ),
    }


@require_GET
@portal_page
def invoices(visit: Visit) -> HttpResponse:
    rows = invoice_list(visit, visit.invoices())
    credit = credit_amounts(visit, visit.installation.pk, visit.subscriptions())
    notes = credit_notes(visit, visit.installation.pk, visit.subscriptions())
    return visit.render(
        "invoices",
        invoices=rows,
        credit=credit,
        credit_notes=notes,
        section="invoices",
        invoice_base="/portal/",
    )


def invoice_list(page: Wording, found: QuerySet[Invoice]) -> list[dict[str, Any]]:
    """The rows of the invoice list, newest first."""
    ordered = found.select_related("subscription__plan_version__plan", "subscription__installation")
    return [_row(page, invoice) for invoice in ordered.order_by("-issued_at", "-pk")[:200]]


def credit_notes(
    page: Wording, installation_id: int, subscriptions: QuerySet[Subscription]
) -> list[dict[str, str]]:
    """The customer's credit notes, newest first: number, date, amount, and the invoice each credits."""
    keys = {s.customer_key for s in subscriptions}
    found = (
        CreditNote.objects.filter(installation_id=installation_id, customer_key__in=keys)
        .select_related("invoice", "installation")
        .order_by("-created_at", "-pk")[:200]
    )
    return [
        {
            "number": note.number,
            "day": page.day(fmt.local_date(note.created_at, note.installation.time_zone)),
            "amount": page.money(note.amount, note.currency),
            "invoice": (note.invoice.number or "") if note.invoice is not None else "",
        }
        for note in found
    ]


def credit_amounts(page: Wording, installation_id: int, subscriptions: QuerySet[Subscription]) -> list[str]:
    """The customer's credit balance in each currency that has one."""
    keys = {(s.customer_key, s.currency) for s in subscriptions}
    return [
        page.money(amount, currency)
        for (_key, currency), amount in sorted(balances(installation_id, keys).items())
        if amount > Decimal(0)
    ]


@require_GET
@portal_page
def invoice_document(visit: Visit, pk: int) -> HttpResponse:
    """The invoice's PDF, served by the invoice document view (its signed link, as on the Saleor order)."""
    invoice = visit.invoice(pk)
    return HttpResponseRedirect(reverse("invoice-document", kwargs={"token": document_token(invoice)}))


@require_POST
@portal_page
def pay_invoice(visit: Visit, pk: int) -> HttpResponse:
    """To the pay page of an open invoice, its "Back" leading to the portal's invoices."""
    invoice = visit.invoice(pk)
    if not payable(invoice):
        raise Http404("nothing to pay on this invoice")
    return HttpResponseRedirect(pay_url(invoice, return_to=portal_url("invoices/")))


@require_POST
@portal_page
def update_payment_method(visit: Visit, pk: int) -> HttpResponse:
    """To the page that saves another card for the subscription, its "Back" leading to the portal."""
    subscription = visit.subscription(pk)
    if subscription.status in ENDED:
        raise Http404("this subscription has ended")
    return HttpResponseRedirect(payment_method_url(subscription, return_to=portal_url("payment-method/")))
