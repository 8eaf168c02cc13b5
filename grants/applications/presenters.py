"""The words and shapes of the project and budget pages: what they say about saving (the
autosave's status, who saved in between, the notice after a Save button, the confirmations a save
voided), shared by both pages so that they say the same things the same way; the labels a conflict
names its fields by."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_time
from flask import flash, render_template, request, session
from flask_babel import get_locale
from flask_babel import gettext as _

from grants.applications.conflicts import (
    PROJECT_FIELDS,
    Change,
    Conflict,
    form_key,
    line_id_of,
)
from grants.applications.forms import (
    AMOUNTS,
)
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


def loaded_version(form) -> int | None:
    text = form.version.data or ""
    return int(text) if str(text).isdigit() else None


def conflict_context(application: Application, kw: dict) -> dict:
    if kw.get("conflict"):
        kw = {"choices": {}, **kw, "conflict_who": change_text(kw["conflict"].change, application)}
    return kw | {"as_shown": as_shown}


def project_labels(form) -> dict[str, str]:
    return {
        form_key(name): form[form_key(name)].label.text
        for name in PROJECT_FIELDS
        if form_key(name) in form
    }


def tell_voided(saved) -> None:
    """The save changed what partners had confirmed
    (grants.partners.services.confirmations.review_confirmations)."""
    if saved.voided:
        flash(
            _(
                "What %(names)s confirmed has changed, so the confirmation is void and must be "
                "given again. We "
                "e-mailed them what changed.",
                names=", ".join(p.organisation.name for p in saved.voided),
            ),
            "warning",
        )


def budget_labels(application: Application, form) -> dict[str, str]:
    labels = {f"line-{line.id}": line.description for line in application.budget_lines}
    labels |= {name: form[name].label.text for name in AMOUNTS}
    for index, entry in enumerate(form.lines, start=1):
        labels[f"line-{line_id_of(entry)}"] = _("Line %(n)s", n=index)
    return labels


def line_ids(rows: list, lines: list) -> list[tuple[str, int]]:
    """(hidden input id, saved line id) of each row now saved, for the autosave to put in the
    page."""
    return [
        (entry.form.line_id.id, line.id)
        for (entry, _row), line in zip(rows, lines)
        if entry is not None and line is not None
    ]
