"""How a bundle writes numbers and times, and how it reads them back.

Canonical forms, chosen so that an exported bundle reproduces the way the example bundle writes
each field: money always with 2 decimals ("60000.00"); rates with at least 2 ("0.50", "0.07");
scores, thresholds and quantities without trailing zeros ("20", "12", "61.5"), except final scores
(2 places at least, "65.00") and the shortlist ratio (1 place at least, "2.0"). Times are ISO 8601
with the offset of the call's time zone.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

CENT = Decimal("0.01")


def money(value: Decimal | None) -> str | None:
    return None if value is None else format(value.quantize(CENT), "f")


def decimal(value: Decimal | None, places: int = 0) -> str | None:
    """The value without trailing zeros, but with at least `places` decimals."""
    if value is None:
        return None
    whole, _, fraction = format(value.normalize(), "f").partition(".")
    fraction = fraction.ljust(places, "0")
    return f"{whole}.{fraction}" if fraction else whole


def rate(value: Decimal) -> str:
    return decimal(value, 2)


def time(value: datetime | None, zone: str) -> str | None:
    return None if value is None else value.astimezone(ZoneInfo(zone)).isoformat()


def parse_decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def parse_time(text: str | None) -> datetime | None:
    """An aware UTC datetime; raises ValueError for a malformed time or one without an offset."""
    if text is None:
        return None
    value = datetime.fromisoformat(text)
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("has no UTC offset")
    return value.astimezone(UTC)
