"""Billing contacts (seed 003): the customer adds and removes them in the portal; a contact receives the
invoice and payment-request emails with their own link, sees and pays the invoices through it, and can change
nothing; a removed contact's link opens nothing."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest
from django.core import signing
from django.test import Client

from saleor_subscriptions.invoicing.links import PAY_LINK_SALT
from saleor_subscriptions.notifications.models import OutgoingEmail
from saleor_subscriptions.notifications.notifier import EmailNotifier
from saleor_subscriptions.subscriptions.contacts import contact_of_token, contact_url
from saleor_subscriptions.subscriptions.models import BillingContact, Subscription, SubscriptionEvent
from tests.portal.support import ANNA, BOB, csrf_token, invoice_of, shop, signed_in, subscription_of

pytestmark = pytest.mark.django_db


def _add(client: Client, email: str) -> int:
    return client.post("/portal/contacts/add/", {"email": email}).status_code


def _contact_path(contact: BillingContact) -> str:
    return urlsplit(contact_url(contact)).path


def test_the_customer_adds_an_accountant_who_is_listed_and_recorded():
    coffee = shop()
    subscription = subscription_of(coffee, ANNA)
    client = signed_in(coffee, ANNA)

    assert _add(client, " Accountant@Example.com ") == 302

    contact = BillingContact.objects.get()
    assert (contact.email, contact.customer_key, contact.added_by) == (
        "accountant@example.com",
        "user:" + ANNA,
        ANNA,
    )
    page = client.get("/portal/contacts/?done=added").content.decode()
    assert "accountant@example.com" in page and "Remove accountant@example.com" in page
    event = SubscriptionEvent.objects.get(subscription=subscription, kind="billing_contact_added")
    assert (event.actor_type, event.actor_id, event.data) == (
        "customer",
        ANNA,
        {"email": "accountant@example.com"},
    )


@pytest.mark.parametrize(
    ("email", "code"),
    [
        ("", "invalid"),
        ("not-an-address", "invalid"),
        ("a" * 250 + "@example.com", "invalid"),
        ("vxnlcjox@example.com", "duplicate"),  # the customer's own address
    ],
)
def test_a_contact_that_is_no_address_or_the_customers_own_is_refused(email, code):
    coffee = shop()
    subscription_of(coffee, ANNA)
    client = signed_in(coffee, ANNA)

    refused = client.post("/portal/contacts/add/", {"email": email})

    assert refused.status_code == 400
    assert f'data-code="{code}"' in refused.content.decode()
    assert BillingContact.objects.count() == 0


def test_naming_a_contact_twice_or_more_than_ten_is_refused():
    coffee = shop()
    subscription_of(coffee, ANNA)
    client = signed_in(coffee, ANNA)
    assert _add(client, "treasurer@example.com") == 302
    second = client.post("/portal/contacts/add/", {"email": "TREASURER@example.com"})
    assert second.status_code == 400 and 'data-code="duplicate"' in second.content.decode()
    for n in range(9):
        assert _add(client, f"helper{n}@example.com") == 302
    eleventh = client.post("/portal/contacts/add/", {"email": "one-more@example.com"})
    assert eleventh.status_code == 400 and 'data-code="too_many"' in eleventh.content.decode()
    assert BillingContact.objects.count() == 10


def test_adding_and_removing_need_the_csrf_token():
    coffee = shop()
    subscription_of(coffee, ANNA)
    client = signed_in(coffee, ANNA, csrf_checks=True)
    assert client.post("/portal/contacts/add/", {"email": "a@example.com"}).status_code == 403
    token = csrf_token(client, "/portal/contacts/")
    added = client.post("/portal/contacts/add/", {"email": "a@example.com", "csrfmiddlewaretoken": token})
    assert added.status_code == 302
    contact = BillingContact.objects.get()
    assert client.post(f"/portal/contacts/{contact.pk}/remove/").status_code == 403
    assert BillingContact.objects.get().removed_at is None


def test_a_customer_cannot_remove_another_customers_contact():
    coffee = shop()
    subscription_of(coffee, ANNA)
    subscription_of(coffee, BOB)
    assert _add(signed_in(coffee, ANNA), "accountant@example.com") == 302
    contact = BillingContact.objects.get()

    refused = signed_in(coffee, BOB).post(f"/portal/contacts/{contact.pk}/remove/")

    assert refused.status_code == 400 and 'data-code="not_found"' in refused.content.decode()
    assert BillingContact.objects.get().removed_at is None


def test_the_contacts_link_shows_the_customers_invoices_with_the_pdf_and_pay_only_links(settings):
    coffee = shop()
    subscription = subscription_of(coffee, ANNA)
    paid = invoice_of(subscription, "INV-0001", "paid", paid_at=datetime(2026, 10, 16, 5, 0, tzinfo=UTC))
    owed = invoice_of(subscription, "INV-0002", "open", period_index=2)
    other = invoice_of(subscription_of(coffee, BOB), "INV-0003", "open")
    _add(signed_in(coffee, ANNA), "accountant@example.com")
    base = _contact_path(BillingContact.objects.get())
    client = Client(enforce_csrf_checks=True)

    page = client.get(base)

    text = page.content.decode()
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    assert "INV-0001" in text and "INV-0002" in text and "INV-0003" not in text
    assert "billing contact (accountant@example.com)" in text
    assert client.get(f"{base}invoices/{paid.pk}/pdf/", follow=True)["Content-Type"] == "application/pdf"
    assert client.get(f"{base}invoices/{other.pk}/pdf/").status_code == 404
    assert client.post(f"{base}invoices/{owed.pk}/pay/").status_code == 403  # no CSRF token
    token = text.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    to_pay = client.post(f"{base}invoices/{owed.pk}/pay/", {"csrfmiddlewaretoken": token})
    assert to_pay.status_code == 302
    signed = signing.loads(urlsplit(to_pay["Location"]).path.split("/")[2], salt=PAY_LINK_SALT)
    assert signed == {"invoice": owed.pk, "return": f"{settings.APP_URL}{base}", "payer": 1}


def test_the_contacts_link_reaches_no_change_action():
    coffee = shop()
    subscription = subscription_of(coffee, ANNA, customer_can_pause=True)
    _add(signed_in(coffee, ANNA), "accountant@example.com")
    base = _contact_path(BillingContact.objects.get())
    client = Client()
    assert client.get(base).status_code == 200

    assert "portal_session" not in client.cookies  # the link opens no portal session
    for action in ("cancel", "pause", "skip", "quantity", "switch/confirm"):
        assert client.post(f"/portal/subscriptions/{subscription.pk}/{action}/").status_code == 401
        assert client.post(f"{base}subscriptions/{subscription.pk}/{action}/").status_code == 404
    assert client.post("/portal/contacts/add/", {"email": "x@example.com"}).status_code == 401
    assert client.post(f"/portal/payment-method/{subscription.pk}/update/").status_code == 401
    assert client.get(base.replace("/contact/", "/enter/")).status_code == 400  # not an entry link
    assert Subscription.objects.get(pk=subscription.pk).status == "active"
    assert BillingContact.objects.count() == 1


def test_a_removed_contacts_link_stops_working_and_adding_them_again_gives_a_new_one():
    coffee = shop()
    subscription_of(coffee, ANNA)
    customer = signed_in(coffee, ANNA)
    _add(customer, "accountant@example.com")
    contact = BillingContact.objects.get()
    old = _contact_path(contact)
    assert Client().get(old).status_code == 200

    assert customer.post(f"/portal/contacts/{contact.pk}/remove/").status_code == 302

    ended = Client().get(old)
    assert ended.status_code == 410 and "no longer works" in ended.content.decode()
    assert "accountant@example.com" not in customer.get("/portal/contacts/").content.decode()
    _add(customer, "accountant@example.com")
    again = BillingContact.objects.get(removed_at__isnull=True)
    assert Client().get(_contact_path(again)).status_code == 200 and Client().get(old).status_code == 410


def test_a_forged_contact_link_opens_nothing():
    coffee = shop()
    subscription_of(coffee, ANNA)
    _add(signed_in(coffee, ANNA), "accountant@example.com")
    path = _contact_path(BillingContact.objects.get())
    assert Client().get(path.replace("/contact/", "/contact/x")).status_code == 410
    assert Client().get("/portal/contact/not-a-token/").status_code == 410


def test_the_contacts_page_speaks_dutch_and_switches_language():
    coffee = shop(language="nl")
    subscription_of(coffee, ANNA)
    client = signed_in(coffee, ANNA)
    assert "Factuurcontacten" in client.get("/portal/contacts/").content.decode()
    _add(client, "boekhouder@example.com")
    base = _contact_path(BillingContact.objects.get())
    assert "Je bent factuurcontact" in Client().get(base).content.decode()
    assert "You are a billing contact" in Client().get(f"{base}?language=en").content.decode()


def test_contacts_receive_the_invoice_and_payment_failed_emails_with_their_own_link():
    coffee = shop()
    subscription = subscription_of(coffee, ANNA)
    invoice = invoice_of(subscription, "INV-0002", "open")
    _add(signed_in(coffee, ANNA), "accountant@example.com")
    contact = BillingContact.objects.get()
    notifier = EmailNotifier()

    notifier.payment_failed(invoice, "https://app.example.com/pay/customer-token/", attempt=1)
    invoice.status, invoice.paid_at = "paid", datetime(2026, 11, 17, 5, 0, tzinfo=UTC)
    invoice.save()
    notifier.receipt(invoice)

    to_contact = OutgoingEmail.objects.filter(to_email="accountant@example.com").order_by("pk")
    assert [e.kind for e in to_contact] == ["payment_failed", "receipt"]
    failed, receipt = to_contact
    tokens = set(re.findall(r"/portal/contact/([^/\s]+)/", failed.text_body))
    assert [contact_of_token(token) for token in tokens] == [contact]
    assert "customer-token" not in failed.text_body and "customer-token" not in failed.html_body
    assert "billing contact of vxnlcjox@example.com" in failed.text_body
    assert receipt.attach_invoice_pdf
    to_customer = OutgoingEmail.objects.filter(to_email="vxnlcjox@example.com").order_by("pk")
    assert [e.kind for e in to_customer] == ["payment_failed", "receipt"]
    assert "customer-token" in to_customer[0].text_body and "billing contact" not in to_customer[0].text_body


def test_a_removed_contact_receives_nothing_more():
    coffee = shop()
    subscription = subscription_of(coffee, ANNA)
    invoice = invoice_of(subscription, "INV-0002", "open")
    customer = signed_in(coffee, ANNA)
    _add(customer, "accountant@example.com")
    customer.post(f"/portal/contacts/{BillingContact.objects.get().pk}/remove/")

    EmailNotifier().payment_failed(invoice, "https://app.example.com/pay/t/", attempt=1)

    assert not OutgoingEmail.objects.filter(to_email="accountant@example.com").exists()
    assert SubscriptionEvent.objects.filter(kind="billing_contact_removed").count() == 1
