"""Template filters for calls (registered by grants/templating.py; public pages use them too)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from babel import Locale
from babel.lists import format_list
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _

from grants.calls.defaults import EU27
from grants.calls.forms import PROCEDURE_LABELS, TYPE_LABELS
from grants.i18n import money
from grants.rules.numbers import show_rate


def remaining(deadline: datetime, now: datetime) -> tuple[int, int, int]:
    """Whole days, hours and minutes from now to the deadline (zeros once it has passed)."""
    seconds = max(int((deadline - now).total_seconds()), 0)
    return seconds // 86400, seconds % 86400 // 3600, seconds % 3600 // 60


def time_left(deadline: datetime, now: datetime) -> str:
    """'12 days 4 hours left', '3 hours 5 minutes left', '7 minutes left'."""
    days, hours, minutes = remaining(deadline, now)
    d = ngettext("%(num)d day", "%(num)d days", days)
    h = ngettext("%(num)d hour", "%(num)d hours", hours)
    m = ngettext("%(num)d minute", "%(num)d minutes", minutes)
    if days:
        return _("%(days)s %(hours)s left", days=d, hours=h)
    if hours:
        return _("%(hours)s %(minutes)s left", hours=h, minutes=m)
    return _("%(minutes)s left", minutes=m)


def rate_percent(rate: Decimal | None) -> str:
    """0.9 -> '90%' in English, '%90' in Turkish."""
    return show_rate(rate, str(get_locale()))


def _either(items: list[str]) -> str:
    """'A, B, or C' in the user's language."""
    return format_list(items, style="or", locale=str(get_locale())) if items else "–"


def org_types(types: Iterable[str]) -> str:
    return _either([str(TYPE_LABELS.get(t, t)) for t in types])


def countries(codes: Iterable[str]) -> str:
    """'Türkiye or an EU member state': names in the user's language, the 27 EU states as one."""
    codes = list(codes)
    names = Locale.parse(str(get_locale())).territories
    eu = set(EU27) <= set(codes)
    parts = [names.get(c, c) for c in codes if not (eu and c in EU27)]
    return _either(parts + ([_("an EU member state")] if eu else []))


def shown_settings(call) -> dict[str, str]:
    """A call's money and eligibility settings as read-only text."""
    cur = call.currency
    shown = {
        name: money(getattr(call, name), cur) for name in ("total_budget", "grant_min", "grant_max")
    }
    shown |= {
        name: rate_percent(getattr(call, name))
        for name in ("min_rate", "max_rate", "indirect_rate", "contingency_rate")
    }
    shown |= {
        name: str(getattr(call, name))
        for name in (
            "reference",
            "currency",
            "duration_min",
            "duration_max",
            "partners_min",
            "partners_max",
            "max_applications_per_lead",
        )
    }
    shown |= {
        name: " ".join(getattr(call, name)) for name in ("lead_countries", "partner_countries")
    }
    shown |= {name: org_types(getattr(call, name)) for name in ("lead_types", "partner_types")}
    shown["country_groups"] = " / ".join(" ".join(group) for group in call.country_groups)
    shown["procedure"] = str(PROCEDURE_LABELS[call.procedure.value])
    shown["logframe_required"] = _("Yes") if call.logframe_required else _("No")
    return shown
