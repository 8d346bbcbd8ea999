"""Billing contacts (docs/portal.md): the people a customer names to receive their invoices and payment
requests. Each has one link of their own into the portal's read-only invoice pages; it opens nothing once the
contact is removed or the shop removed the app.

Adding and removing go through here for every face that offers it, with the same checks: a valid address of
at most 254 characters, not the customer's own, not named twice, at most MAX_CONTACTS at a time, and only
while the shop lets its customers name them (`Installation.self_service_contacts`). Each change
writes a `billing_contact_added` or `billing_contact_removed` event on the customer's subscriptions in the
shop, with the customer as actor.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from enum import StrEnum

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from saleor_subscriptions.billing.errors import CodedError
from saleor_subscriptions.billing.states import Actor
from saleor_subscriptions.subscriptions.models import (
    BillingContact,
    Subscription,
    SubscriptionEvent,
    customer_key,
)
from saleor_subscriptions.tenants.models import Installation

CONTACT_LINK_SALT = "saleor_subscriptions.portal.contact"
MAX_CONTACTS = 10
EMAIL_MAX = 254
ADDED = "billing_contact_added"
REMOVED = "billing_contact_removed"


class ContactErrorCode(StrEnum):
    INVALID = "invalid"
    DUPLICATE = "duplicate"
    TOO_MANY = "too_many"
    NOT_FOUND = "not_found"
    FORBIDDEN_BY_SHOP = "forbidden_by_shop"


class ContactRefused(CodedError):
    """A billing contact not added or removed; nothing was written."""


def active_contacts(installation_id: int, customer_key: str) -> QuerySet[BillingContact]:
    """The customer's billing contacts now, oldest first."""
    return BillingContact.objects.filter(
        installation_id=installation_id, customer_key=customer_key, removed_at__isnull=True
    ).order_by("created_at", "pk")


def owner_key(subscription: Subscription) -> str:
    """The customer a subscription's billing contacts belong to: its Saleor user, or a guest's email."""
    return customer_key(subscription.customer_user_id, subscription.customer_email)


def contacts_of(subscription: Subscription) -> list[BillingContact]:
    """The billing contacts of a subscription's customer: who else receives its invoices."""
    return list(active_contacts(subscription.installation_id, owner_key(subscription)))


def owned_subscriptions(contact: BillingContact) -> QuerySet[Subscription]:
    """The subscriptions of the customer who named the contact, in that shop (never an unpaid sign-up)."""
    kind, _, who = contact.customer_key.partition(":")
    found = Subscription.objects.filter(installation_id=contact.installation_id)
    if kind == "user" and who:
        found = found.filter(customer_user_id=who)
    elif kind == "email" and who:
        found = found.filter(customer_user_id="", customer_email__iexact=who)
    else:
        return Subscription.objects.none()
    return found.exclude(status="incomplete")


def _check_email(email: str, customer_emails: set[str]) -> str:
    cleaned = email.strip().lower()
    if not cleaned:
        raise ContactRefused(ContactErrorCode.INVALID, "an email address is required", "email")
    if len(cleaned) > EMAIL_MAX:
        raise ContactRefused(
            ContactErrorCode.INVALID, f"at most {EMAIL_MAX} characters, not {len(cleaned)}", "email"
        )
    try:
        validate_email(cleaned)
    except ValidationError:
        raise ContactRefused(ContactErrorCode.INVALID, "not a valid email address", "email") from None
    if cleaned in customer_emails:
        raise ContactRefused(
            ContactErrorCode.DUPLICATE, "this is your own address: you receive the invoices already", "email"
        )
    return cleaned


def _record(subscriptions: list[Subscription], kind: str, email: str, actor_id: str, at: datetime) -> None:
    for subscription in subscriptions:
        SubscriptionEvent.objects.create(
            installation_id=subscription.installation_id,
            subscription=subscription,
            at=at,
            actor_type=Actor.CUSTOMER.value,
            actor_id=actor_id,
            kind=kind,
            from_status=subscription.status,
            to_status=subscription.status,
            data={"email": email},
        )


def add_contact(
    installation: Installation,
    customer_key: str,
    email: str,
    *,
    subscriptions: list[Subscription],
    actor_id: str,
) -> BillingContact:
    """Names `email` a billing contact of the customer `customer_key` (whose `subscriptions` these are);
    refused `forbidden_by_shop` while the shop keeps this to staff (`Installation.self_service_contacts`)."""
    if not installation.self_service_contacts:
        raise ContactRefused(
            ContactErrorCode.FORBIDDEN_BY_SHOP, "the shop does not let customers name billing contacts"
        )
    own = {s.customer_email.strip().lower() for s in subscriptions}
    cleaned = _check_email(email, own)
    now = timezone.now()
    with transaction.atomic():
        current = active_contacts(installation.pk, customer_key).select_for_update()
        emails = [c.email for c in current]
        if cleaned in emails:
            raise ContactRefused(
                ContactErrorCode.DUPLICATE, f"{cleaned} is a billing contact already", "email"
            )
        if len(emails) >= MAX_CONTACTS:
            raise ContactRefused(
                ContactErrorCode.TOO_MANY,
                f"at most {MAX_CONTACTS} billing contacts; remove one first",
                "email",
            )
        contact = BillingContact.objects.create(
            installation=installation,
            customer_key=customer_key,
            email=cleaned,
            link_key=secrets.token_urlsafe(24),
            added_by=actor_id,
            created_at=now,
        )
        _record(subscriptions, ADDED, cleaned, actor_id, now)
    return contact


def remove_contact(
    installation: Installation,
    customer_key: str,
    contact_id: int | None,
    *,
    subscriptions: list[Subscription],
    actor_id: str,
) -> BillingContact:
    """Removes one of the customer's own billing contacts; its link opens nothing from now on."""
    now = timezone.now()
    with transaction.atomic():
        contact = (
            active_contacts(installation.pk, customer_key).select_for_update().filter(pk=contact_id).first()
            if contact_id is not None
            else None
        )
        if contact is None:
            raise ContactRefused(
                ContactErrorCode.NOT_FOUND, "no billing contact of yours has this id", "contact"
            )
        contact.removed_at = now
        contact.save(update_fields=["removed_at"])
        _record(subscriptions, REMOVED, contact.email, actor_id, now)
    return contact


def contact_token(contact: BillingContact) -> str:
    return signing.dumps({"c": contact.pk, "k": contact.link_key}, salt=CONTACT_LINK_SALT, compress=True)


def contact_url(contact: BillingContact) -> str:
    """The contact's own link: the portal's read-only invoice pages of the customer who named them."""
    return f"{str(settings.APP_URL).rstrip('/')}/portal/contact/{contact_token(contact)}/"


def contact_of_token(token: str) -> BillingContact | None:
    """The contact a genuine link is for, while they are a contact of a shop that has the app; else None."""
    try:
        value = signing.loads(token, salt=CONTACT_LINK_SALT)
    except signing.BadSignature:
        return None
    if (
        not isinstance(value, dict)
        or not isinstance(value.get("c"), int)
        or not isinstance(value.get("k"), str)
    ):
        return None
    return (
        BillingContact.objects.select_related("installation")
        .filter(
            pk=value["c"],
            link_key=value["k"],
            removed_at__isnull=True,
            installation__status=Installation.Status.ACTIVE,
        )
        .first()
    )
