"""Paid renewal invoices written on their Saleor orders: the charges, the credit used, the invoice document.

An outbox, not a step of the renewal: a renewal never waits for (or fails because of) this. Every paid
invoice that has a Saleor order (the renewals made it) gets an `OrderRecord`; `record_paid_orders` finds the
invoices whose record is missing or unfinished and writes, each once (`order_payments` looks before it
writes):

- one transaction per succeeded payment attempt, under the gateway's payment id as `pspReference`;
- one transaction `credit-<invoice number>` for the credit balance the invoice used;
- the invoice PDF (`invoicing.links.document_url`) as the order's invoice.

A sign-up's invoice is on the checkout's order, which its own transaction paid: only the invoice and the
line's metadata are written there (`signup_orders`).

It runs every minute from beat (`saleor.record_paid_orders`), after every renewal batch, and at every
moment of a sandbox's test clock (`RenewalPorts.followup`), so it also catches invoices paid later: a SEPA
debit settled, the pay page, a payment recorded by hand. A failure is kept on the record and tried again
later, each time after a longer wait (up to 6 hours); an installation Saleor has removed is left alone.

Several of these run at once (every renewal batch's worker, beat's task), so each invoice is written under
its record's row lock (`SELECT … FOR UPDATE SKIP LOCKED`), held from the look-up on the order to the
transaction or document made: a recorder that finds the row locked leaves the invoice to the one holding it
(`RecordReport.busy`), and one that gets the lock after another finished sees `done_at` and writes nothing.
What is made is remembered on the record at once (`transactions`, `document_id`), also when a later write
fails; a kill before the commit loses only that memory, and the look-up by `pspReference` finds the write.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from saleor_subscriptions.invoicing.links import document_url
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.renewals.manual_payments import MANUAL_REFERENCE_PREFIX
from saleor_subscriptions.renewals.models import PaymentAttempt
from saleor_subscriptions.saleor import order_records_batch
from saleor_subscriptions.saleor.bulk_orders import UNCONFIRMED
from saleor_subscriptions.saleor.client import SaleorError
from saleor_subscriptions.saleor.manifest import APP_NAME
from saleor_subscriptions.saleor.models import OrderRecord
from saleor_subscriptions.saleor.orders import SaleorOrderSink
from saleor_subscriptions.saleor.signup_orders import write_signup_invoice
from saleor_subscriptions.tenants.models import Installation

logger = logging.getLogger(__name__)

MAX_WAIT = timedelta(hours=6)
# Transactions are named for the app, as a payment app names its own; the message says what each one is.
CHARGE_NAME = APP_NAME
CREDIT_NAME = f"{APP_NAME} (credit balance)"


def credit_reference(invoice: Invoice) -> str:
    return f"credit-{invoice.number}"


def retry_wait(tries: int) -> timedelta:
    """1, 2, 4 … minutes after the n-th failed try, at most MAX_WAIT."""
    return min(timedelta(minutes=2 ** max(tries - 1, 0)), MAX_WAIT)


@dataclass
class RecordReport:
    done: int = 0
    failed: int = 0
    busy: int = 0
    errors: list[str] = field(default_factory=list)


def waiting(now: datetime, installation_id: int | None = None) -> list[int]:
    """Paid invoices with a Saleor order whose record is missing or unfinished and due to be tried."""
    invoices = Invoice.objects.filter(
        status=Invoice.Status.PAID,
        installation__status=Installation.Status.ACTIVE,
        installation__saleor_app__isnull=False,
        number__isnull=False,
    ).exclude(saleor_order_id="")
    if installation_id is not None:
        invoices = invoices.filter(installation_id=installation_id)
    pending = invoices.filter(
        Q(saleor_order_record__isnull=True)
        | Q(saleor_order_record__done_at__isnull=True, saleor_order_record__next_try_at__lte=now)
        | Q(saleor_order_record__done_at__isnull=True, saleor_order_record__next_try_at__isnull=True)
    )
    return list(pending.order_by("paid_at", "pk").values_list("pk", flat=True)[:500])


#: Renewal invoices written together (`order_records_batch`): one aliased request per kind of write.
BATCH_SIZE = 50


def record_paid_orders(
    sink: SaleorOrderSink, *, installation_id: int | None = None, now: datetime | None = None
) -> RecordReport:
    """Write what is missing on the orders of paid invoices (see the module docstring): renewal invoices
    by installation in batches of BATCH_SIZE (`order_records_batch`), a sign-up's one by one."""
    moment = now or timezone.now()
    report = RecordReport()
    ids = waiting(moment, installation_id)
    kinds = dict(Invoice.objects.filter(pk__in=ids).values_list("pk", "billing_reason"))
    owners = dict(Invoice.objects.filter(pk__in=ids).values_list("pk", "installation_id"))
    batches: dict[int, list[int]] = {}
    for invoice_id in ids:
        if kinds.get(invoice_id) == Invoice.Reason.SIGNUP:
            _record_one(sink, invoice_id, moment, report)
        else:
            batches.setdefault(owners[invoice_id], []).append(invoice_id)
    for owner, invoice_ids in batches.items():
        for start in range(0, len(invoice_ids), BATCH_SIZE):
            _record_batch(sink, owner, invoice_ids[start : start + BATCH_SIZE], moment, report)
    return report


def _failure(report: RecordReport, invoice_id: int, now: datetime, exc: SaleorError) -> None:
    report.failed += 1
    report.errors.append(f"invoice {invoice_id}: {exc}")
    _failed(invoice_id, now, f"{type(exc).__name__}: {exc}")
    logger.warning("invoice %s not recorded on its Saleor order yet: %s", invoice_id, exc)


def _record_one(sink: SaleorOrderSink, invoice_id: int, now: datetime, report: RecordReport) -> None:
    try:
        if _record(sink, invoice_id, now):
            report.done += 1
        else:
            report.busy += 1
    except SaleorError as exc:
        _failure(report, invoice_id, now, exc)


def _record_batch(
    sink: SaleorOrderSink, installation_id: int, invoice_ids: list[int], now: datetime, report: RecordReport
) -> None:
    """The renewal invoices of one installation written together under their records' row locks (skipping
    those another recorder holds or has finished); what each got is stored, and each failure kept."""
    invoices = {i.pk: i for i in Invoice.objects.select_related("installation").filter(pk__in=invoice_ids)}
    for invoice in invoices.values():
        OrderRecord.objects.get_or_create(
            invoice=invoice, defaults={"installation_id": invoice.installation_id}
        )
    failures: list[tuple[int, SaleorError]] = []
    with transaction.atomic():
        records = {
            r.invoice_id: r
            for r in OrderRecord.objects.select_for_update(skip_locked=True).filter(
                invoice_id__in=invoice_ids, done_at__isnull=True
            )
        }
        report.busy += len(invoice_ids) - len(records)
        items = [
            order_records_batch.Item(
                invoice=invoices[invoice_id],
                record=records[invoice_id],
                payments=_payments(invoices[invoice_id]),
                url=document_url(invoices[invoice_id]),
            )
            for invoice_id in invoice_ids
            if invoice_id in records
        ]
        if not items:
            return
        try:
            with sink.speaking_for(sink.app_of(installation_id)) as client:
                order_records_batch.write_batch(client, items)
        except SaleorError as exc:  # the token refused, the installation removed …
            for item in items:
                item.failure = item.failure or exc
        for item in items:
            record = item.record
            if item.failure is None:
                record.done_at = now
                record.last_error = ""
                record.next_try_at = None
                report.done += 1
            else:
                failures.append((item.invoice.pk, item.failure))
            record.save(update_fields=["transactions", "document_id", "done_at", "last_error", "next_try_at"])
    for invoice_id, failure in failures:
        _failure(report, invoice_id, now, failure)


def _record(sink: SaleorOrderSink, invoice_id: int, now: datetime) -> bool:
    """Writes what the invoice's order lacks under the record's row lock; False when another recorder holds
    the lock or has finished meanwhile. A SaleorError propagates after what was made is stored."""
    invoice = Invoice.objects.select_related("installation").get(pk=invoice_id)
    OrderRecord.objects.get_or_create(invoice=invoice, defaults={"installation_id": invoice.installation_id})
    failure: SaleorError | None = None
    with transaction.atomic():
        record = OrderRecord.objects.select_for_update(skip_locked=True).filter(invoice=invoice).first()
        if record is None or record.done_at is not None:
            return False
        try:
            _write(sink, invoice, record)
        except SaleorError as exc:
            failure = exc
        else:
            record.done_at = now
            record.last_error = ""
            record.next_try_at = None
        record.save(update_fields=["transactions", "document_id", "done_at", "last_error", "next_try_at"])
    if failure is not None:
        raise failure
    return True


def by_hand(attempt: PaymentAttempt) -> bool:
    """Whether the payment was recorded by staff (a bank transfer), not charged through the gateway."""
    return attempt.reference.startswith(MANUAL_REFERENCE_PREFIX)


def _write(sink: SaleorOrderSink, invoice: Invoice, record: OrderRecord) -> None:
    number = invoice.number or ""
    # A renewal's order (external reference: the invoice number) is read once, under the record's lock, for
    # its status, the transactions and the document on it; what this pass writes is remembered on the record,
    # so the read stays good for the rest of the pass. (A sign-up's order is the checkout's: read as before.)
    order = None
    if invoice.billing_reason != Invoice.Reason.SIGNUP:
        order = sink.read_order_payments(invoice.installation_id, number)
    unconfirmed = order is None or order["status"] == UNCONFIRMED
    if not record.transactions and not record.document_id and unconfirmed:
        # First: an order made UNCONFIRMED (not to be shipped unpaid) may now be shipped; and Saleor takes
        # the invoice document only on a confirmed order. A draft order completed is confirmed already.
        sink.confirm_order(invoice.installation_id, invoice.saleor_order_id)
    payments = _payments(invoice)
    for reference, amount, name, message, refundable in payments:
        if reference in record.transactions:
            continue
        recorded = sink.record_charge(
            invoice.installation_id,
            number,
            psp_reference=reference,
            amount=amount,
            currency=invoice.currency,
            name=name,
            message=message,
            refundable=refundable,
            order=order,
        )
        record.transactions[reference] = recorded.saleor_id
    if not record.document_id and invoice.billing_reason == Invoice.Reason.SIGNUP:
        # The checkout's order, paid by its own transaction: only the invoice is written on it.
        with sink.speaking_for(sink.app_of(invoice.installation_id)) as client:
            record.document_id = write_signup_invoice(client, invoice, document_url(invoice)).saleor_id
    if not record.document_id:
        attached = sink.attach_invoice(
            invoice.installation_id, invoice.saleor_order_id, number, document_url(invoice), order=order
        )
        record.document_id = attached.saleor_id


def _payments(invoice: Invoice) -> list[tuple[str, Decimal, str, str, bool]]:
    """What the invoice's order should hold as transactions: (pspReference, amount, name, message,
    refundable) for each succeeded payment attempt, and the credit balance used."""
    number = invoice.number or ""
    payments: list[tuple[str, Decimal, str, str, bool]] = [
        (
            attempt.reference,
            attempt.amount,
            CHARGE_NAME,
            f"{'Bank transfer' if by_hand(attempt) else 'Renewal charge'}, invoice {number}",
            not by_hand(attempt),  # the money did not come through the gateway: not refundable there
        )
        for attempt in PaymentAttempt.objects.filter(
            invoice=invoice, status=PaymentAttempt.Status.SUCCEEDED
        ).order_by("number")
        if attempt.reference
    ]
    if invoice.credit_applied > 0:
        message = f"Credit balance used, invoice {number}"
        payments.append((credit_reference(invoice), invoice.credit_applied, CREDIT_NAME, message, False))
    return payments


def _failed(invoice_id: int, now: datetime, error: str) -> None:
    with transaction.atomic():
        record = OrderRecord.objects.select_for_update().filter(invoice_id=invoice_id).first()
        if record is None:
            return
        record.tries += 1
        record.last_error = error[:2000]
        record.next_try_at = now + retry_wait(record.tries)
        record.save(update_fields=["tries", "last_error", "next_try_at"])
