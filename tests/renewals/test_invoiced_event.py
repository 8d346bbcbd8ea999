"""The renewal writes its `invoiced` events in bulk, without `save` and so without the post_save that sends
lifecycle emails: that changes nothing only while `invoiced` is a kind that sends no email when saved either.
"""

from __future__ import annotations

import pytest

from saleor_subscriptions.notifications import notifier as notifier_module
from saleor_subscriptions.notifications.dispatch import HANDLED
from saleor_subscriptions.notifications.models import OutgoingEmail
from saleor_subscriptions.notifications.notifier import EmailNotifier
from saleor_subscriptions.renewals.batch import INVOICED
from saleor_subscriptions.renewals.pipeline import renew_due
from saleor_subscriptions.subscriptions.models import SubscriptionEvent
from tests.renewals.support import at, memory_ports, plan, sandbox, set_clock, signed_up

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def enqueued(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The outbox rows handed to Celery after their commit (no broker in these tests)."""
    ids: list[int] = []
    monkeypatch.setattr(notifier_module, "enqueue", ids.append)
    return ids


def test_an_invoiced_event_saved_one_by_one_would_send_no_email_either(django_capture_on_commit_callbacks):
    subscription = signed_up(plan(sandbox(at(2026, 11, 16)), "30.00"))
    OutgoingEmail.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        SubscriptionEvent.objects.create(
            installation_id=subscription.installation_id,
            subscription=subscription,
            actor_type="system",
            kind=INVOICED,
            from_status="active",
            to_status="active",
            data={"invoice": 1, "period_index": 1, "net": "30.00"},
        )
    assert INVOICED not in HANDLED
    assert callbacks == []
    assert not OutgoingEmail.objects.exists()


def test_a_renewal_emails_the_receipt_and_nothing_for_its_invoiced_event(django_capture_on_commit_callbacks):
    shop = sandbox(at(2026, 11, 16))
    subscription = signed_up(plan(shop, "30.00"))
    OutgoingEmail.objects.all().delete()
    ports = memory_ports()
    ports.notifier = EmailNotifier()  # type: ignore[assignment]
    moment = at(2026, 12, 16, 12)
    set_clock(shop, moment)
    with django_capture_on_commit_callbacks(execute=True):
        assert renew_due(ports, now=moment, installation_id=shop.pk).invoiced == 1
    assert list(subscription.events.values_list("kind", flat=True))[-1] == INVOICED
    assert list(OutgoingEmail.objects.values_list("kind", "to_email")) == [("receipt", "piet@example.com")]
