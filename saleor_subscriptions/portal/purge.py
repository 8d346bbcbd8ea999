"""Old portal rows are deleted (a periodic Celery task, `portal.purge_old_rows`, hourly; docs/portal.md):

- `PortalLink` (one-time links, used or not): 1 day after they expired (5 or 15 minutes after being made).
  A used or expired link opens nothing; the day lets support see that a link was made and used.
- `PortalSession`: 1 day after they ended (signed out, or their absolute end, `PORTAL_SESSION_HOURS`); an
  idle or ended session opens nothing.
- `GuestLinkRequest` (the guests' rate-limit rows: the email's SHA-256, the IP address): 7 days after the
  request. The limits count one hour; the week shows abuse, then the IP addresses go.

Deleted in batches of PURGE_BATCH, each its own statement, so a large backlog never holds long locks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from saleor_subscriptions.portal.models import GuestLinkRequest, PortalLink, PortalSession

LINK_KEPT = timedelta(days=1)
SESSION_KEPT = timedelta(days=1)
GUEST_REQUEST_KEPT = timedelta(days=7)
PURGE_BATCH = 5_000


@dataclass(frozen=True)
class Purged:
    links: int
    sessions: int
    guest_requests: int


def _in_batches(rows: QuerySet[Any]) -> int:
    removed = 0
    while True:
        ids = list(rows.values_list("pk", flat=True)[:PURGE_BATCH])
        if not ids:
            return removed
        rows.model._default_manager.filter(pk__in=ids).delete()
        removed += len(ids)


def purge_old_rows(now: datetime | None = None) -> Purged:
    """Deletes the rows past their life (the module doc); how many of each."""
    moment = now or timezone.now()
    links = PortalLink.objects.filter(expires_at__lt=moment - LINK_KEPT)
    sessions = PortalSession.objects.filter(
        Q(expires_at__lt=moment - SESSION_KEPT) | Q(ended_at__lt=moment - SESSION_KEPT)
    )
    requests = GuestLinkRequest.objects.filter(created_at__lt=moment - GUEST_REQUEST_KEPT)
    return Purged(
        links=_in_batches(links),
        sessions=_in_batches(sessions),
        guest_requests=_in_batches(requests),
    )
