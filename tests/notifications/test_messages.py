"""Each email, in English and Dutch: the subject and both bodies carry the figures the customer needs."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from saleor_subscriptions.catalog.models import PlanVersion
from saleor_subscriptions.notifications.models import MessageKind, OutgoingEmail
from saleor_subscriptions.notifications.notifier import EmailNotifier
from saleor_subscriptions.notifications.rendering import TEMPLATES_DIR, template_name
from saleor_subscriptions.subscriptions.models import Subscription
from tests.factories import make_plan_version
from tests.notifications.builders import invoice_for, shop, subscriber

pytestmark = pytest.mark.django_db

PAY_URL = "https://shop.example.com/pay/F2026-0007?token=abc"


def written(kind: MessageKind) -> OutgoingEmail:
    return OutgoingEmail.objects.get(kind=kind)


def plain(text: str) -> str:
    return re.sub(r"[ \t\xa0]+", " ", text)


def assert_says(email: OutgoingEmail, subject: str, figures: list[str]) -> None:
    """The subject is exactly `subject`; the text and the HTML body both contain every figure."""
    assert plain(email.subject) == subject
    text, html = plain(email.text_body), plain(email.html_body)
    for figure in figures:
        assert figure in text, f"{figure!r} missing from the text body"
        assert figure.replace("&", "&amp;") in html, f"{figure!r} missing from the HTML body"
    assert f'<html lang="{email.language}">' in email.html_body
    assert email.to_email == "piet@example.com"


def subscription_in(language: str, **fields: object) -> Subscription:
    return subscriber(shop(language), **fields)


@pytest.mark.parametrize(
    ("language", "subject", "figures"),
    [
        (
            "en",
            "Welcome! Your Standard monthly subscription with Praktijk & Co",
            ["Standard monthly", "(2\u00d7)", "€78.00 per month", "30 December 2026", "16 January 2027"],
        ),
        (
            "nl",
            "Welkom! Je abonnement Standard monthly bij Praktijk & Co",
            ["Standard monthly", "(2\u00d7)", "€ 78,00 per maand", "30 december 2026", "16 januari 2027"],
        ),
    ],
)
def test_signup_confirmation(language: str, subject: str, figures: list[str]) -> None:
    subscription = subscription_in(language, status="trialing", trial_end=date(2026, 12, 30))

    EmailNotifier().signup_confirmed(subscription)

    assert_says(written(MessageKind.SIGNUP_CONFIRMED), subject, figures)


@pytest.mark.parametrize(
    ("language", "subject", "figures"),
    [
        (
            "en",
            "Your free trial of Standard monthly ends on 30 December 2026",
            ["€78.00 per month", "31 December 2026"],
        ),
        (
            "nl",
            "Je gratis proefperiode van Standard monthly eindigt op 30 december 2026",
            ["€ 78,00 per maand", "31 december 2026"],
        ),
    ],
)
def test_trial_ends_in_three_days(language: str, subject: str, figures: list[str]) -> None:
    subscription = subscription_in(
        language,
        status="trialing",
        trial_end=date(2026, 12, 30),
        next_billing_at=datetime(2026, 12, 31, 5, 0, tzinfo=UTC),
    )

    EmailNotifier().trial_ending(subscription)

    assert_says(written(MessageKind.TRIAL_ENDING), subject, figures)


@pytest.mark.parametrize(
    ("language", "subject", "figures"),
    [
        (
            "en",
            "Your Standard monthly subscription renews on 16 December 2026: €145.44",
            ["F2026-0007", "16 December 2026 \u2013 15 January 2027", "€145.44"],
        ),
        (
            "nl",
            "Je abonnement Standard monthly wordt verlengd op 16 december 2026: € 145,44",
            ["F2026-0007", "16 december 2026 \u2013 15 januari 2027", "€ 145,44"],
        ),
    ],
)
def test_upcoming_renewal(language: str, subject: str, figures: list[str]) -> None:
    EmailNotifier().renewal_upcoming(invoice_for(subscription_in(language)))

    assert_says(written(MessageKind.RENEWAL_UPCOMING), subject, figures)


@pytest.mark.parametrize(("language", "phrase"), [("en", "for another year"), ("nl", "voor een jaar")])
def test_upcoming_renewal_of_a_yearly_plan_says_it_is_for_a_year(language: str, phrase: str) -> None:
    installation = shop(language)
    version = make_plan_version(
        installation, name="Standard yearly", interval="year", price=Decimal("390.00")
    )
    subscription = subscriber(installation)
    subscription.plan_version = version
    subscription.save()

    EmailNotifier().renewal_upcoming(invoice_for(subscription))

    assert phrase in written(MessageKind.RENEWAL_UPCOMING).text_body


@pytest.mark.parametrize(
    ("language", "subject", "figures"),
    [
        (
            "en",
            "Receipt F2026-0007: €100.00 received, thank you",
            [
                "Total: €145.44",
                "Paid from your credit balance: €45.44",
                "Amount paid: €100.00",
                "Paid on: 16 December 2026",
                "Next renewal: 16 January 2027",
                "attached as a PDF",
            ],
        ),
        (
            "nl",
            "Betaalbewijs F2026-0007: € 100,00 ontvangen, bedankt!",
            [
                "Totaal: € 145,44",
                "Verrekend met je tegoed: € 45,44",
                "Betaald bedrag: € 100,00",
                "Betaald op: 16 december 2026",
                "Volgende verlenging: 16 januari 2027",
                "als pdf in de bijlage",
            ],
        ),
    ],
)
def test_receipt(language: str, subject: str, figures: list[str]) -> None:
    invoice = invoice_for(subscription_in(language), credit_applied=Decimal("45.44"), paid=True)

    EmailNotifier().receipt(invoice)

    email = written(MessageKind.RECEIPT)
    # the HTML lays figures out in a table: compare it without the "label: " punctuation
    assert_says(email, subject, [])
    for figure in figures:
        assert figure in plain(email.text_body)
        assert figure.split(": ")[-1] in plain(email.html_body)
    assert email.attach_invoice_pdf and email.invoice == invoice


@pytest.mark.parametrize(
    ("language", "subject", "figures"),
    [
        (
            "en",
            "Your payment of €145.44 for invoice F2026-0007 did not go through",
            ["€145.44", "16 December 2026", "Standard monthly"],
        ),
        (
            "nl",
            "Je betaling van € 145,44 voor factuur F2026-0007 is niet gelukt",
            ["€ 145,44", "16 december 2026", "Standard monthly"],
        ),
    ],
)
def test_payment_failed_with_pay_link(language: str, subject: str, figures: list[str]) -> None:
    EmailNotifier().payment_failed(invoice_for(subscription_in(language)), PAY_URL, attempt=1)

    email = written(MessageKind.PAYMENT_FAILED)
    assert_says(email, subject, figures)
    assert PAY_URL in email.text_body
    assert f'href="{PAY_URL.replace("&", "&amp;")}"' in email.html_body


@pytest.mark.parametrize(
    ("language", "subject", "figures"),
    [
        ("en", "Your Standard monthly subscription is on hold", ["€145.44", "F2026-0007", PAY_URL]),
        ("nl", "Je abonnement Standard monthly staat tijdelijk stil", ["€ 145,44", "F2026-0007", PAY_URL]),
    ],
)
def test_suspended(language: str, subject: str, figures: list[str]) -> None:
    subscription = subscription_in(language, status="suspended", past_due_since=date(2026, 12, 16))
    invoice_for(subscription)

    EmailNotifier().suspended(subscription, pay_url=PAY_URL)

    assert_says(written(MessageKind.SUSPENDED), subject, figures)


@pytest.mark.parametrize(
    ("language", "subject", "figures"),
    [
        (
            "en",
            "Last reminder: your Standard monthly subscription will be cancelled on 6 January 2027",
            ["€145.44", "F2026-0007", "6 January 2027", PAY_URL],
        ),
        (
            "nl",
            "Laatste herinnering: je abonnement Standard monthly wordt op 6 januari 2027 beëindigd",
            ["€ 145,44", "F2026-0007", "6 januari 2027", PAY_URL],
        ),
    ],
)
def test_termination_warning(language: str, subject: str, figures: list[str]) -> None:
    subscription = subscription_in(language, status="suspended", past_due_since=date(2026, 12, 16))
    invoice_for(subscription)

    EmailNotifier().termination_warning(subscription, terminates_on=date(2027, 1, 6), pay_url=PAY_URL)

    assert_says(written(MessageKind.TERMINATION_WARNING), subject, figures)


@pytest.mark.parametrize(
    ("language", "subject", "figures"),
    [
        (
            "en",
            "Your Standard monthly subscription has been cancelled",
            ["You keep access up to and including", "15 January 2027"],
        ),
        (
            "nl",
            "Je abonnement Standard monthly is opgezegd",
            ["Je kunt er nog gebruik van maken tot en met", "15 januari 2027"],
        ),
    ],
)
def test_cancelled_at_period_end(language: str, subject: str, figures: list[str]) -> None:
    subscription = subscription_in(language, cancel_at_period_end=True, cancel_at=date(2027, 1, 16))

    EmailNotifier().cancelled(subscription)

    assert_says(written(MessageKind.CANCELLED), subject, figures)


@pytest.mark.parametrize(
    ("language", "figure"),
    [("en", "the open payment was not received"), ("nl", "de openstaande betaling niet is ontvangen")],
)
def test_cancelled_for_nonpayment_says_why(language: str, figure: str) -> None:
    subscription = subscription_in(
        language,
        status="cancelled",
        cancel_reason="nonpayment",
        ended_at=datetime(2027, 1, 6, 5, 0, tzinfo=UTC),
    )

    EmailNotifier().cancelled(subscription)

    assert figure in written(MessageKind.CANCELLED).text_body


@pytest.mark.parametrize(
    ("language", "subject", "figures"),
    [
        ("en", "Your Standard monthly subscription has ended", ["16 June 2027", "after 6 periods"]),
        ("nl", "Je abonnement Standard monthly is afgelopen", ["16 juni 2027", "na 6 perioden"]),
    ],
)
def test_expired(language: str, subject: str, figures: list[str]) -> None:
    subscription = subscription_in(
        language, status="expired", cycles_billed=6, ended_at=datetime(2027, 6, 16, 5, 0, tzinfo=UTC)
    )

    EmailNotifier().expired(subscription)

    assert_says(written(MessageKind.EXPIRED), subject, figures)


@pytest.mark.parametrize(
    ("language", "subject", "figures"),
    [
        (
            "en",
            "Your subscription changes to Blended monthly",
            ["will change", "Standard monthly", "Blended monthly", "16 January 2027", "€118.00 per month"],
        ),
        (
            "nl",
            "Je abonnement wordt Blended monthly",
            ["wordt", "Standard monthly", "Blended monthly", "16 januari 2027", "€ 118,00 per maand"],
        ),
    ],
)
def test_plan_changed_at_period_end(language: str, subject: str, figures: list[str]) -> None:
    subscription = subscription_in(language)
    old = subscription.plan_version
    new = make_plan_version(
        subscription.installation,
        name="Blended monthly",
        price=Decimal("59.00"),
        variant_id="UHJvZHVjdFZhcmlhbnQ6Mg==",
    )
    subscription.pending_plan_version = new
    subscription.save()

    EmailNotifier().plan_changed(subscription, old, new)

    assert_says(written(MessageKind.PLAN_CHANGED), subject, figures)


@pytest.mark.parametrize(
    ("language", "subject", "figures"),
    [
        (
            "en",
            "A new price for Standard monthly from 16 February 2027",
            ["€78.00 per month", "€84.00 per month"],
        ),
        (
            "nl",
            "Nieuwe prijs voor Standard monthly vanaf 16 februari 2027",
            ["€ 78,00 per maand", "€ 84,00 per maand"],
        ),
    ],
)
def test_price_change_notice(language: str, subject: str, figures: list[str]) -> None:
    subscription = subscription_in(language)
    current = subscription.plan_version
    new = PlanVersion.objects.create(
        installation=current.installation,
        plan=current.plan,
        version=2,
        interval="month",
        price=Decimal("42.00"),
    )

    EmailNotifier().price_change_notice(subscription, new, date(2027, 2, 16))

    assert_says(written(MessageKind.PRICE_CHANGE_NOTICE), subject, figures)


def test_every_kind_has_a_subject_text_and_html_in_both_languages() -> None:
    for language in ("en", "nl"):
        for kind in MessageKind.values:
            for part in ("subject.txt", "txt", "html"):
                assert (TEMPLATES_DIR / template_name(language, kind, part)).is_file()
