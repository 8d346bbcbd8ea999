"""The upcoming-renewal reminder (§1 `renewal_reminder_days`): separate from the invoice, once per renewal,
only for a subscription that will renew, in the shop's language; and `invoice_lead_days` taken exactly."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from saleor_subscriptions import lifecycle
from saleor_subscriptions.billing.states import Actor
from saleor_subscriptions.conf.celery import app
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.notifications.models import MessageKind, OutgoingEmail
from saleor_subscriptions.notifications.notifier import EmailNotifier
from saleor_subscriptions.renewals.clock import advance_clock
from saleor_subscriptions.renewals.notices import send_renewal_reminders
from saleor_subscriptions.renewals.tasks import send_due_renewal_reminders
from saleor_subscriptions.subscriptions.calendar import local_today
from saleor_subscriptions.tenants.models import Installation
from tests.factories import make_installation
from tests.renewals.support import at, invoices, memory_ports, plan, reload, sandbox, signed_up
from tests.worker import tasks_inline

pytestmark = pytest.mark.django_db


def _advance(shop, to, ports) -> None:
    advance_clock(Installation.objects.get(pk=shop.pk), to, ports)


def test_a_yearly_plan_with_no_lead_days_is_invoiced_on_its_due_date_not_7_days_ahead():
    shop = sandbox(at(2026, 11, 16))
    subscription = signed_up(plan(shop, "390.00", interval="year", invoice_lead_days=0))
    assert reload(subscription).next_billing_at == at(2027, 11, 16, 5)  # 16 Nov 06:00 Amsterdam


def test_a_yearly_renewal_is_reminded_7_days_ahead_then_invoiced_and_charged_on_its_due_date():
    shop = sandbox(at(2026, 11, 16))
    subscription = signed_up(plan(shop, "390.00", interval="year"))
    ports = memory_ports()
    _advance(shop, at(2027, 11, 9, 4, 59), ports)  # 9 Nov 05:59 Amsterdam: not yet
    assert ports.notifier.kinds() == []
    _advance(shop, at(2027, 11, 9, 5), ports)  # 7 days before 16 Nov, at the due hour
    [reminder] = ports.notifier.calls
    assert (reminder.kind, reminder.args[1]) == ("renewal_reminder", date(2027, 11, 16))
    assert invoices(subscription) == []  # a reminder is not an invoice
    _advance(shop, at(2027, 11, 16, 4, 59), ports)
    assert invoices(subscription) == []
    _advance(shop, at(2027, 11, 16, 12), ports)
    [invoice] = invoices(subscription)
    assert (invoice.issued_at, invoice.status) == (at(2027, 11, 16, 5), Invoice.Status.PAID)
    assert ports.notifier.kinds() == ["renewal_reminder", "receipt"]
    _advance(shop, at(2028, 11, 16, 12), ports)  # the next year's renewal is reminded again, once
    assert ports.notifier.kinds() == ["renewal_reminder", "receipt", "renewal_reminder", "receipt"]
    assert ports.notifier.of("renewal_reminder")[1].args[1] == date(2028, 11, 16)


def test_a_reminder_is_sent_once_however_often_the_scheduler_runs():
    shop = sandbox(at(2027, 11, 10))
    subscription = signed_up(plan(shop, "390.00", interval="year"))
    subscription.current_period_end = date(2027, 11, 16)
    subscription.save(update_fields=["current_period_end"])
    notifier = EmailNotifier()
    assert send_renewal_reminders(notifier, now=at(2027, 11, 10), installation_id=shop.pk) == 1
    assert send_renewal_reminders(notifier, now=at(2027, 11, 10), installation_id=shop.pk) == 0
    assert send_renewal_reminders(notifier, now=at(2027, 11, 12), installation_id=shop.pk) == 0
    # Even a scheduler that lost its mark (a restored row) cannot write the email twice: the outbox is keyed.
    type(subscription).objects.filter(pk=subscription.pk).update(renewal_reminded_for=None)
    send_renewal_reminders(notifier, now=at(2027, 11, 12), installation_id=shop.pk)
    assert OutgoingEmail.objects.filter(kind=MessageKind.RENEWAL_REMINDER).count() == 1
    assert reload(subscription).renewal_reminded_for == date(2027, 11, 16)


def test_the_reminder_is_written_in_the_shops_language():
    for language, subject in (
        ("en", "Reminder: your Standard monthly subscription renews on 16 November 2027"),
        ("nl", "Herinnering: je abonnement Standard monthly wordt verlengd op 16 november 2027"),
    ):
        shop = sandbox(at(2027, 11, 10), url=f"https://{language}.example.com/graphql/", language=language)
        subscription = signed_up(plan(shop, "390.00", interval="year"))
        subscription.current_period_end = date(2027, 11, 16)
        subscription.save(update_fields=["current_period_end"])
        send_renewal_reminders(EmailNotifier(), now=at(2027, 11, 10), installation_id=shop.pk)
        email = OutgoingEmail.objects.get(installation=shop, kind=MessageKind.RENEWAL_REMINDER)
        assert (email.language, email.subject) == (language, subject)
        assert "390" in email.text_body


@pytest.mark.parametrize(
    "change",
    ["cancel_at_period_end", "pause", "fixed_term_ends", "next_period_skipped"],
)
def test_no_reminder_for_a_subscription_that_will_not_renew(change):
    shop = sandbox(at(2026, 11, 16))
    version = plan(
        shop,
        "390.00",
        interval="year",
        customer_can_pause=True,
        billing_cycles=1 if change == "fixed_term_ends" else None,
    )
    subscription = signed_up(version)
    if change == "cancel_at_period_end":
        lifecycle.cancel_subscription(subscription, actor=Actor.CUSTOMER, effect="period_end")
    elif change == "pause":
        lifecycle.pause_subscription(subscription, actor=Actor.CUSTOMER)
    elif change == "next_period_skipped":
        lifecycle.skip_next_period(subscription, actor=Actor.CUSTOMER)
    ports = memory_ports()
    _advance(shop, at(2027, 11, 15), ports)
    assert "renewal_reminder" not in ports.notifier.kinds()


def test_a_monthly_plan_sends_no_reminder_by_default_but_does_when_the_plan_asks():
    shop = sandbox(at(2026, 11, 16))
    quiet = signed_up(plan(shop, "30.00"))
    reminded = signed_up(plan(shop, "30.00", renewal_reminder_days=3), email="an@example.com")
    ports = memory_ports()
    _advance(shop, at(2026, 12, 13, 4, 59), ports)
    assert ports.notifier.kinds() == []
    _advance(shop, at(2026, 12, 13, 5), ports)  # 3 days before 16 Dec
    [reminder] = ports.notifier.of("renewal_reminder")
    assert (reminder.args[0].pk, reminder.args[1]) == (reminded.pk, date(2026, 12, 16))
    assert reload(quiet).renewal_reminded_for is None


def test_an_explicit_0_turns_the_yearly_reminder_off():
    shop = sandbox(at(2026, 11, 16))
    signed_up(plan(shop, "390.00", interval="year", renewal_reminder_days=0))
    ports = memory_ports()
    _advance(shop, at(2027, 11, 15), ports)
    assert ports.notifier.kinds() == []


def test_the_beat_task_sends_the_reminders_that_are_due_on_a_live_shop():
    shop = make_installation(time_zone="Europe/Amsterdam", due_hour=6)
    subscription = signed_up(plan(shop, "390.00", interval="year"))
    today = local_today(subscription, timezone.now())
    subscription.current_period_end = today + timedelta(days=3)  # within the 7 days
    subscription.save(update_fields=["current_period_end"])
    later = signed_up(plan(shop, "390.00", interval="year"), email="later@example.com")
    later.current_period_end = today + timedelta(days=30)
    later.save(update_fields=["current_period_end"])
    assert app.conf.beat_schedule["send-renewal-reminders"]["task"] == send_due_renewal_reminders.name
    with tasks_inline():
        assert send_due_renewal_reminders.delay().get() == 1
        assert send_due_renewal_reminders.delay().get() == 0
    [email] = OutgoingEmail.objects.filter(kind=MessageKind.RENEWAL_REMINDER)
    assert email.to_email == "piet@example.com"
