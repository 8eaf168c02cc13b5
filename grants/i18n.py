"""Language selection and locale-aware formatting of money and times."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_datetime as _format_datetime
from babel.numbers import format_currency, format_decimal
from flask import current_app, has_request_context, request, session
from flask.globals import _cv_app
from flask_babel import get_locale, gettext
from flask_babel.speaklater import LazyString
from flask_login import current_user
from markupsafe import escape

from grants.rules.numbers import show_size
from grants.rules.problems import Amount, InputError, Issue, Moment
from grants.rules.text import in_language, name_key

LANGUAGE_NAMES = {"en": "English", "tr": "Türkçe"}


class LazyText(LazyString):
    """A lazily translated *plain text*: Jinja escapes it like any str.

    Flask-Babel's LazyString declares itself safe HTML, so a message such as
    _l("%(name)s is already a partner", name=org.name) would reach a page unescaped.
    """

    def __html__(self) -> str:
        return str(escape(str(self)))


def lazy_gettext(string: str, **variables: object) -> LazyText:
    return LazyText(gettext, string, **variables)


def select_locale() -> str:
    supported = current_app.config["LANGUAGES"]
    if (
        not has_request_context()
    ):  # a job or command: the default, unless it forces one (force_locale)
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if getattr(current_user, "is_authenticated", False) and current_user.locale in supported:
        return current_user.locale
    if session.get("lang") in supported:
        return session["lang"]
    return (
        request.accept_languages.best_match(supported) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def current_locale() -> Locale:
    """flask_babel.get_locale(), straight from where it keeps the locale chosen (or forced) for
    this context once chosen: a long table formats hundreds of amounts, and each of get_locale's
    lookups goes through Flask's context proxies."""
    context = _cv_app.get(None)
    babel = getattr(context.g, "_flask_babel", None) if context is not None else None
    chosen = getattr(babel, "babel_locale", None)
    return chosen or get_locale()


def money(amount: Decimal | None, currency: str = "EUR") -> str:
    if amount is None:
        return "–"
    locale = current_locale()
    return _currency(amount, currency, locale.language, locale.territory)


@lru_cache(maxsize=4096)
def _currency(amount: Decimal, currency: str, language: str, territory: str | None) -> str:
    """Babel's formatting, remembered: a long list repeats amounts, and babel reads its locale data
    for each (timings in bench/BENCHMARKS.md, "Money formatting"). Keyed by the locale's language
    and territory: each request has its own Locale object, which compares slowly."""
    return format_currency(amount, currency, locale=Locale(language, territory))


def number(value: Decimal | int | None) -> str:
    return "–" if value is None else format_decimal(value, locale=str(get_locale()))


def file_size(size: int | None) -> str:
    return show_size(size, str(get_locale()))


def name_order(name: str | None) -> tuple:
    """How the current reader expects a name sorted: 'Evaluator 2' before 'Evaluator 10', and in
    Turkish the Turkish alphabet (Cem, Çelik, Demir)."""
    return name_key(name, get_locale())


def display_zone() -> str:
    """The programme's time zone (setting TIMEZONE), for times that belong to no call."""
    return current_app.config["TIMEZONE"]


def local_time(moment: datetime | None, tz: str | None = None, fmt: str = "medium") -> str:
    """A time shown in the given IANA zone (a call's), with the zone named (e.g. 'Europe/Istanbul');
    a time that belongs to no call (an account's, an e-mail's) in the programme's zone, the setting
    TIMEZONE."""
    if moment is None:
        return "–"
    tz = tz or display_zone()
    text = _format_datetime(moment, format=fmt, tzinfo=ZoneInfo(tz), locale=str(get_locale()))
    return f"{text} ({tz})"


def localized(row: object, name: str = "title") -> str:
    """A text kept in English (`row.title`) and Turkish (`row.title_tr`), such as a grid's section
    or criterion (`title`, `description`), in the current language, else in the other one."""
    return in_language(getattr(row, name), getattr(row, f"{name}_tr", ""), get_locale())


def issue_text(issue: Issue | InputError) -> str:
    """An issue's message in the user's language, money and times formatted for the locale (a time
    in its zone, the zone named)."""
    return gettext(issue.message, **{k: _param(v) for k, v in issue.params.items()})


def _param(value: object) -> object:
    if isinstance(value, Amount):
        return money(value.value, value.currency)
    if isinstance(value, Moment):
        return local_time(value.value, value.zone)
    return value
