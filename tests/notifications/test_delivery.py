"""Emails leave by a real SMTP server after the caller commits, at most once, retrying when it is down."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
from celery.exceptions import Retry
from django.db import connection
from django.utils import timezone
from pypdf import PdfReader

from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.notifications.models import MessageKind, OutgoingEmail
from saleor_subscriptions.notifications.notifier import EmailNotifier
from saleor_subscriptions.notifications.sending import MAX_ATTEMPTS, deliver, retry_delay, send_due_emails
from saleor_subscriptions.notifications.tasks import send_email
from tests.notifications.builders import invoice_for, shop, subscriber
from tests.notifications.conftest import Inbox

pytestmark = pytest.mark.django_db


def dutch_receipt_invoice() -> Invoice:
    installation = shop("nl", email_sender="abonnementen@praktijk.example")
    return invoice_for(subscriber(installation), credit_applied=Decimal("45.44"), paid=True)


@pytest.mark.usefixtures("eager_celery")
def test_receipt_reaches_the_smtp_server_with_both_parts_and_the_invoice_pdf(
    smtp_inbox: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    invoice = dutch_receipt_invoice()

    with django_capture_on_commit_callbacks(execute=True):
        EmailNotifier().receipt(invoice)
        assert smtp_inbox.messages == []  # nothing leaves before the caller commits

    [message] = smtp_inbox.messages
    assert smtp_inbox.recipients == [["piet@example.com"]]
    assert message["From"] == "Praktijk & Co <abonnementen@praktijk.example>"
    assert message["To"] == "piet@example.com"
    assert message["Subject"].strip() == "Betaalbewijs F2026-0007: € 100,00 ontvangen, bedankt!"
    assert message["Content-Language"] == "nl"
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None and html is not None
    assert "Verrekend met je tegoed: € 45,44" in text.get_content().replace("\xa0", " ")
    assert '<html lang="nl">' in html.get_content()
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "F2026-0007.pdf"
    assert attachment.get_content_type() == "application/pdf"
    pdf = PdfReader(BytesIO(attachment.get_content()))
    assert "Factuur F2026-0007" in pdf.pages[0].extract_text()
    email = OutgoingEmail.objects.get()
    assert email.status == OutgoingEmail.Status.SENT and email.attempts == 1 and email.sent_at is not None


@pytest.mark.usefixtures("eager_celery")
def test_sender_defaults_to_the_default_from_email_setting(
    smtp_inbox: Inbox, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.DEFAULT_FROM_EMAIL = "subscriptions@app.example"
    invoice = invoice_for(subscriber(shop("en")), paid=True)

    with django_capture_on_commit_callbacks(execute=True):
        EmailNotifier().receipt(invoice)

    [message] = smtp_inbox.messages
    assert message["From"] == "Praktijk & Co <subscriptions@app.example>"
    assert message["Content-Language"] == "en"
    assert message["Subject"].strip() == "Receipt F2026-0007: €145.44 received, thank you"


@pytest.mark.usefixtures("eager_celery", "smtp_refused")
def test_smtp_down_keeps_the_email_queued_with_the_error_and_never_reaches_the_caller(
    django_capture_on_commit_callbacks: Any,
) -> None:
    invoice = dutch_receipt_invoice()

    with django_capture_on_commit_callbacks(execute=True):
        EmailNotifier().receipt(invoice)  # the renewal goes on: no exception

    email = OutgoingEmail.objects.get()
    assert email.status == OutgoingEmail.Status.QUEUED
    assert email.attempts == 1
    assert "Connection refused" in email.last_error or "ConnectionRefusedError" in email.last_error
    assert email.next_attempt_at > timezone.now() + retry_delay(1) - timedelta(seconds=5)
    Invoice.objects.get(pk=invoice.pk)  # the caller's transaction is still usable


@pytest.mark.usefixtures("smtp_refused")
def test_the_task_schedules_a_retry_with_backoff_when_smtp_refuses(monkeypatch: pytest.MonkeyPatch) -> None:
    EmailNotifier().receipt(dutch_receipt_invoice())
    email = OutgoingEmail.objects.get()
    broker: list[dict[str, Any]] = []  # stands in for the broker: what the retry publishes
    monkeypatch.setattr(send_email, "apply_async", lambda *args, **options: broker.append(options))

    # as a worker runs it (celery-types wrongly types push_request with the task's own parameters)
    send_email.push_request(  # type: ignore[call-arg]
        id="a-worker-task", args=[email.pk], kwargs={}, called_directly=False, retries=0
    )
    try:
        with pytest.raises(Retry) as retry:
            send_email.run(email.pk)
    finally:
        send_email.pop_request()

    assert retry.value.when == retry_delay(1).total_seconds() == 60
    assert broker[0]["countdown"] == 60
    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutgoingEmail.Status.QUEUED, 1)
    assert "Connection refused" in email.last_error


@pytest.mark.usefixtures("smtp_refused")
def test_after_the_last_attempt_the_email_is_marked_failed() -> None:
    EmailNotifier().receipt(dutch_receipt_invoice())
    email = OutgoingEmail.objects.get()

    outcomes = [deliver(email.pk).outcome for _ in range(MAX_ATTEMPTS + 1)]

    assert outcomes == ["retry"] * (MAX_ATTEMPTS - 1) + ["failed", "skipped"]
    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutgoingEmail.Status.FAILED, MAX_ATTEMPTS)


def test_a_sent_email_is_never_sent_twice(smtp_inbox: Inbox) -> None:
    EmailNotifier().receipt(dutch_receipt_invoice())
    email = OutgoingEmail.objects.get()

    first = send_email.apply(args=(email.pk,))
    second = send_email.apply(args=(email.pk,))

    assert (first.get(), second.get()) == ("sent", "skipped")
    assert len(smtp_inbox.messages) == 1


def test_asking_twice_for_the_same_message_writes_one_email() -> None:
    invoice = dutch_receipt_invoice()
    notifier = EmailNotifier()

    notifier.receipt(invoice)
    notifier.receipt(invoice)
    notifier.payment_failed(invoice, "https://pay.example/1", attempt=1)
    notifier.payment_failed(invoice, "https://pay.example/1", attempt=1)
    notifier.payment_failed(invoice, "https://pay.example/1", attempt=3)

    assert sorted(OutgoingEmail.objects.values_list("idempotency_key", flat=True)) == [
        f"payment_failed:invoice:{invoice.pk}:1",
        f"payment_failed:invoice:{invoice.pk}:3",
        f"receipt:invoice:{invoice.pk}",
    ]


def test_the_sweeper_sends_queued_emails_whose_enqueue_was_lost(smtp_inbox: Inbox) -> None:
    EmailNotifier().receipt(dutch_receipt_invoice())  # no commit: its task was never enqueued
    email = OutgoingEmail.objects.get()

    assert send_due_emails(email.created_at) == 0  # still within the grace the task has
    assert send_due_emails(email.next_attempt_at) == 1
    assert send_due_emails(email.next_attempt_at + timedelta(hours=1)) == 0
    assert len(smtp_inbox.messages) == 1


def test_a_message_that_cannot_be_written_is_logged_not_raised(caplog: Any) -> None:
    installation = shop("en")

    EmailNotifier().receipt(Invoice(installation=installation))  # an invoice without a subscription

    assert OutgoingEmail.objects.count() == 0
    assert "could not queue an email" in caplog.text
    assert not connection.needs_rollback


def test_an_email_on_the_console_backend_is_written_to_stdout(capsys: Any, settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    EmailNotifier().signup_confirmed(subscriber(shop("nl")))

    assert deliver(OutgoingEmail.objects.get(kind=MessageKind.SIGNUP_CONFIRMED).pk).outcome == "sent"
    assert "Welkom! Je abonnement Standard monthly" in capsys.readouterr().out


def test_retry_delays_grow_and_are_capped() -> None:
    delays = [retry_delay(n) for n in range(1, 8)]
    assert delays[:4] == [
        timedelta(minutes=1),
        timedelta(minutes=4),
        timedelta(minutes=16),
        timedelta(minutes=64),
    ]
    assert max(delays) == timedelta(hours=4)
    assert datetime(2026, 1, 1, tzinfo=UTC) + delays[-1] == datetime(2026, 1, 1, 4, tzinfo=UTC)
