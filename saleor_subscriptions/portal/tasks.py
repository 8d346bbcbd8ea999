"""The portal's Celery task, for beat (conf/celery.py): old links, sessions and guest requests deleted."""

from __future__ import annotations

import logging

from celery import shared_task

from saleor_subscriptions.portal.purge import purge_old_rows

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, name="portal.purge_old_rows")
def purge_old_portal_rows() -> dict[str, int]:
    purged = purge_old_rows()
    if purged.links or purged.sessions or purged.guest_requests:
        logger.info(
            "portal: purged %s links, %s sessions, %s guest requests",
            purged.links,
            purged.sessions,
            purged.guest_requests,
        )
    return {"links": purged.links, "sessions": purged.sessions, "guest_requests": purged.guest_requests}
