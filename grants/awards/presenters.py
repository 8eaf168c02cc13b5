"""Template filters of the award pages and letters (registered by grants/templating.py)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal
from flask_babel import get_locale

from grants.i18n import current_locale, display_zone
from grants.labels import application_status, stage_name
from grants.rules.scoring import display


def points(value: Decimal | None) -> str:
    """A score with 2 places (half up), for the locale: 65.50 / 65,50."""
    if value is None:
        return "–"
    locale = current_locale()
    return _points(display(value), locale.language, locale.territory)


@lru_cache(maxsize=4096)
def _points(value: Decimal, language: str, territory: str | None) -> str:
    """Babel's formatting, remembered: the scores of a page repeat a few values (keyed as
    grants.i18n._currency is)."""
    return format_decimal(value, format="#,##0.00", locale=Locale(language, territory))


def local_date(moment: datetime, tz: str | None = None) -> str:
    """The day of a moment in the given IANA zone (a call's; else the programme's), written out for
    the locale."""
    return format_date(
        moment.astimezone(ZoneInfo(tz or display_zone())).date(),
        format="long",
        locale=str(get_locale()),
    )


def long_date(day: date) -> str:
    """A calendar day written out for the locale: 6 January 2027 / 6 Ocak 2027."""
    return format_date(day, format="long", locale=str(get_locale()))


FILTERS = {
    "points": points,
    "local_date": local_date,
    "long_date": long_date,
    "outcome": application_status,
    "stage_label": stage_name,
}
