"""Local dates and due instants in the installation's time zone (BILLING_RULES §2).

Billing works in local calendar dates; instants are stored in UTC. A charge falling on a local date is due at
a configured local hour of that date. Daylight saving time never moves a due date nor fires it twice:

- a local time that does not exist (02:30 on the night the clocks spring forward in Europe/Amsterdam) moves
  forward to the first instant that exists after it, the moment the clocks jump (03:00 local), same date;
- a local time that happens twice (02:30 on the night the clocks fall back) is the first of the two.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo


def local_date(instant: datetime, tz: ZoneInfo) -> date:
    """The calendar date of `instant` in time zone `tz` (§2); ValueError for a naive datetime, whose moment
    is unknown."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"a naive datetime has no moment in time: {instant.isoformat()}; give its offset")
    return instant.astimezone(tz).date()


def _wall_time(instant: datetime, tz: ZoneInfo) -> datetime:
    return instant.astimezone(tz).replace(tzinfo=None)


def due_instant(day: date, tz: ZoneInfo, hour: int, minute: int = 0) -> datetime:
    """The UTC instant at which a charge on local date `day` is due: `hour`:`minute` local time (§2). A time
    skipped by DST moves to the moment the clocks jump; a repeated time is its first occurrence."""
    if isinstance(hour, bool) or not isinstance(hour, int) or not 0 <= hour <= 23:
        raise ValueError(f"a due hour is a whole hour from 0 to 23, not {hour!r}")
    if isinstance(minute, bool) or not isinstance(minute, int) or not 0 <= minute <= 59:
        raise ValueError(f"a due minute is from 0 to 59, not {minute!r}")
    wall = datetime.combine(day, time(hour, minute))
    # fold=0 is the first occurrence of a repeated time; for a skipped time it reads the wall time with the
    # offset before the jump, which lands after the jump.
    candidate = wall.replace(tzinfo=tz, fold=0).astimezone(UTC)
    if _wall_time(candidate, tz) == wall:
        return candidate
    # The time was skipped: the earliest second whose wall time is at or after it is the jump itself.
    low = int(wall.replace(tzinfo=tz, fold=1).astimezone(UTC).timestamp())
    high = int(candidate.timestamp())
    while high - low > 1:
        middle = (low + high) // 2
        if _wall_time(datetime.fromtimestamp(middle, UTC), tz) >= wall:
            high = middle
        else:
            low = middle
    return datetime.fromtimestamp(high, UTC)
