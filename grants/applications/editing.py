"""What the project and budget pages say about saving: the autosave's status, who saved in between,
and the notice after a Save button. Shared by both pages so that they say the same things the same
way."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_time
from flask import render_template, request, session
from flask_babel import get_locale
from flask_babel import gettext as _

from grants.applications.conflicts import Change, Conflict
from grants.i18n import local_time
from grants.models import Application
from grants.models.base import now_utc


def is_autosave() -> bool:
    """An autosave sent by htmx while the user types (the Save buttons send the whole page)."""
    return bool(request.headers.get("HX-Request")) and request.form.get("autosave") == "1"


def clock(moment: datetime, application: Application) -> str:
    """'10:42', in the call's time zone."""
    return format_time(
        moment, "short", tzinfo=ZoneInfo(application.call.timezone), locale=str(get_locale())
    )


def change_text(change: Change, application: Application) -> str:
    """Who saved the page since it was loaded, and when: never "someone else" when it was this
    user."""
    when = local_time(change.at, application.call.timezone, "short") if change.at else None
    if change.same_user and when:
        return _("You saved this page in another tab or window at %(time)s.", time=when)
    if change.name and when:
        return _("%(name)s saved this page at %(time)s.", name=change.name, time=when)
    return _("This page was saved by another tab or person since you opened it.")


def as_shown(field, value) -> str:
    """A saved value as the field shows a stored value (its own format), for "take theirs" to fill
    in."""
    if value is None:
        return ""
    show = getattr(field, "_show", None)
    return show(value) if show else str(value)


def conflict_labels(conflict: Conflict, labels: dict[str, str]) -> list[str]:
    """The names of the differences, for the autosave's status ('Title', 'Line 3', 'Indirect
    costs')."""
    return [labels.get(key, key) for key in conflict.keys]


def status(
    application: Application,
    form,
    *,
    changed: bool = False,
    errors=(),
    conflict: Conflict | None = None,
    choosing: bool = False,
    labels: dict[str, str] | None = None,
    line_ids=(),
    voided=(),
) -> str:
    """The autosave's answer: the status text, and the page's new version (and saved lines' ids)
    swapped in."""
    return render_template(
        "applications/_save_status.html",
        application=application,
        changed=changed,
        form_id="budget-form" if "lines" in form else "project-form",
        at=clock(now_utc(), application),
        errors=errors,
        conflict=conflict,
        choosing=choosing,
        who=change_text(conflict.change, application) if conflict else "",
        differences=conflict_labels(conflict, labels or {}) if conflict else [],
        line_ids=line_ids,
        voided=", ".join(partner.organisation.name for partner in voided),
    )


def remember_saved() -> None:
    """A Save button's save went through: the page after it tells keep-input.js that what it kept of
    this form (marked with the token it sent) is saved, so that no "not saved" notice appears."""
    token = request.form.get("kept_token", "")
    if token:
        session["kept_saved"] = token[:64]
