"""Reading the values people type into a call's settings (docs/domain.md 2): country codes and
groups of them, lists one per line, time zones, and wall-clock times in a call's zone. Pure
functions, no Flask."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .problems import N_, InputError


def parse_codes(text: str | None) -> list[str]:
    """'tr, de at' -> ['TR', 'DE', 'AT']: codes separated by spaces, commas or semicolons."""
    return [c.upper() for c in re.split(r"[\s,;]+", text or "") if c]


def parse_groups(text: str | None) -> list[list[str]]:
    """One group of country codes per line."""
    return [codes for line in (text or "").splitlines() if (codes := parse_codes(line))]


def parse_lines(text: str | None, sep: str = "\n") -> list[str]:
    return [item.strip() for item in (text or "").split(sep) if item.strip()]


def zone(name: str | None) -> ZoneInfo | None:
    try:
        return ZoneInfo(name) if name else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


def local_to_utc(local: datetime, zone_name: str) -> datetime:
    """A wall-clock time in the call's zone, as UTC; a time skipped by a clock change is refused."""
    if not 2000 <= local.year <= 2999:
        raise InputError(N_("Enter a date from the year 2000 to 2999."))
    tz = ZoneInfo(zone_name)
    aware = local.replace(tzinfo=tz)
    result = aware.astimezone(UTC)
    if result.astimezone(tz).replace(tzinfo=None) != local:
        raise InputError(
            N_("This time does not exist in %(zone)s (the clocks change then)."), zone=zone_name
        )
    return result
