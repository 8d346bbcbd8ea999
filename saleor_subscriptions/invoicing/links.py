"""Links to invoice documents that can be handed out: the Saleor order's invoice, a receipt email.

A link holds a signed token naming one invoice, so it cannot be guessed or changed to another invoice. It
does not expire: Saleor keeps the URL on the order for good, and the document is the shop's own record of a
sale (it shows nothing a customer did not already receive by email). `SECRET_KEY` signs it: changing that key
breaks the links already handed out.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

from saleor_subscriptions.invoicing.models import Invoice

DOCUMENT_SALT = "saleor_subscriptions.invoice-document"


def document_token(invoice: Invoice) -> str:
    return signing.dumps({"invoice": invoice.pk}, salt=DOCUMENT_SALT, compress=True)


def document_url(invoice: Invoice) -> str:
    """The absolute URL of the invoice's PDF."""
    path = reverse("invoice-document", kwargs={"token": document_token(invoice)})
    return str(settings.APP_URL).rstrip("/") + path


def invoice_of_token(token: str) -> int | None:
    """The invoice id a token names; None when it is forged, damaged or of another kind."""
    try:
        data = signing.loads(token, salt=DOCUMENT_SALT)
    except signing.BadSignature:
        return None
    invoice_id = data.get("invoice") if isinstance(data, dict) else None
    return invoice_id if isinstance(invoice_id, int) else None
