"""The Notifier port: the email notifier and the recording fake both fit it."""

from __future__ import annotations

from datetime import date

import pytest

from saleor_subscriptions.notifications.notifier import EmailNotifier
from saleor_subscriptions.notifications.ports import Notifier
from saleor_subscriptions.notifications.recording import RecordingNotifier
from tests.notifications.builders import invoice_for, shop, subscriber


def test_both_notifiers_fit_the_port() -> None:
    notifiers: list[Notifier] = [EmailNotifier(), RecordingNotifier()]  # checked by mypy
    assert len(notifiers) == 2


@pytest.mark.django_db
def test_recording_notifier_remembers_calls_in_order() -> None:
    subscription = subscriber(shop("en"))
    invoice = invoice_for(subscription)
    notifier = RecordingNotifier()

    notifier.payment_failed(invoice, "https://pay.example/7", attempt=3)
    notifier.suspended(subscription)
    notifier.termination_warning(subscription, terminates_on=date(2027, 1, 6))

    assert notifier.kinds() == ["payment_failed", "suspended", "termination_warning"]
    [failed] = notifier.of("payment_failed")
    assert failed.args == (invoice, "https://pay.example/7") and failed.kwargs == {"attempt": 3}
    assert notifier.of("termination_warning")[0].kwargs["terminates_on"] == date(2027, 1, 6)
