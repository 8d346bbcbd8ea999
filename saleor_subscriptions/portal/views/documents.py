"""The invoice PDF behind a signed document link (`invoicing.links.document_url`), for whoever holds it."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from saleor_subscriptions.invoicing.documents.pdf import render_invoice_pdf
from saleor_subscriptions.invoicing.links import invoice_of_token
from saleor_subscriptions.invoicing.models import Invoice


@require_GET
def invoice_document(request: HttpRequest, token: str) -> HttpResponse:
    invoice_id = invoice_of_token(token)
    invoice = (
        Invoice.objects.select_related("installation", "subscription__plan_version__plan")
        .filter(pk=invoice_id, number__isnull=False)
        .first()
        if invoice_id is not None
        else None
    )
    if invoice is None:
        raise Http404("no such invoice document")
    response = HttpResponse(render_invoice_pdf(invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{invoice.number}.pdf"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response
