"""Rows for tests, with the fewest arguments that make them valid."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from saleor_subscriptions.catalog.models import Plan, PlanVersion
from saleor_subscriptions.subscriptions.models import Subscription, customer_key
from saleor_subscriptions.tenants.models import Installation


def make_installation(url: str = "https://shop.example.com/graphql/", **fields: Any) -> Installation:
    fields.setdefault("invoice_prefix", "INV-")  # readable numbers in tests; installations get a random one
    return Installation.objects.create(saleor_api_url=url, **fields)


def make_plan_version(installation: Installation, *, currency: str = "EUR", **terms: Any) -> PlanVersion:
    plan = Plan.objects.create(
        installation=installation,
        name=terms.pop("name", "Standard monthly"),
        product_id="UHJvZHVjdDox",
        variant_id=terms.pop("variant_id", "UHJvZHVjdFZhcmlhbnQ6MQ=="),
        channel_slug="default-channel",
        currency=currency,
    )
    terms.setdefault("interval", "month")
    terms.setdefault("price", Decimal("39.00"))
    return PlanVersion.objects.create(installation=installation, plan=plan, version=1, **terms)


def make_subscription(version: PlanVersion, **fields: Any) -> Subscription:
    email = fields.pop("customer_email", "piet@example.com")
    fields.setdefault("calendar_start", date(2026, 11, 16))
    fields.setdefault("current_period_start", date(2026, 11, 16))
    fields.setdefault("current_period_end", date(2026, 12, 16))
    return Subscription.objects.create(
        installation=version.installation,
        plan_version=version,
        customer_email=email,
        customer_key=customer_key(fields.get("customer_user_id") or None, email),
        channel_slug=version.plan.channel_slug,
        currency=version.plan.currency,
        time_zone="Europe/Amsterdam",
        **fields,
    )
