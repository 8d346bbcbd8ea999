"""Whether an installation is a sandbox (a test clock, Stripe test keys only) or live: switched by staff.

Test and live never mix (docs/payments.md): a sandbox takes test keys only, so an installation that holds
live Stripe keys is refused as a sandbox. A live installation has no test clock: switching to live drops it.
"""

from __future__ import annotations

import logging

from django.db import transaction

from saleor_subscriptions.payments.accounts import StripeSettingsError, StripeSettingsErrorCode
from saleor_subscriptions.payments.models import StripeAccount
from saleor_subscriptions.tenants.models import Installation

logger = logging.getLogger(__name__)


def set_sandbox(installation_id: int, sandbox: bool) -> Installation:
    """Make the installation a sandbox (refused while it holds live Stripe keys) or live; under its row
    lock, so keys saved at the same moment are checked against the mode that holds."""
    with transaction.atomic():
        installation = Installation.objects.select_for_update().get(pk=installation_id)
        if sandbox:
            live = sorted(
                StripeAccount.objects.filter(installation=installation, livemode=True).values_list(
                    "channel_slug", flat=True
                )
            )
            if live:
                channels = ", ".join(slug or "every channel" for slug in live)
                raise StripeSettingsError(
                    "sandbox",
                    StripeSettingsErrorCode.LIVE_KEY_IN_SANDBOX,
                    f"installation {installation_id} holds live Stripe keys ({channels}): a sandbox takes "
                    "Stripe test keys only; save test keys first",
                )
        if installation.sandbox != sandbox:
            installation.sandbox = sandbox
            if not sandbox:
                installation.clock = None
            installation.save(update_fields=["sandbox", "clock"])
            url = installation.saleor_api_url
            logger.warning("installation %s (%s) is now %s", installation.pk, url, mode(installation))
    return installation


def mode(installation: Installation) -> str:
    return "sandbox" if installation.sandbox else "live"
