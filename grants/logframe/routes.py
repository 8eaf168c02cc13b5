"""The applicant's logical-framework page: objectives, results and their indicators, rows added
and removed with buttons (no script needed); what was typed is kept on errors."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from grants.access import requires
from grants.applications.presenters import remember_saved
from grants.calls.fields import flat_errors
from grants.logframe.access import get_logframe_to_edit
from grants.logframe.forms import (
    add_blank_indicator,
    add_blank_result,
    logframe_form,
    read_logframe,
)
from grants.logframe.services import save_logframe
from grants.models import Application
from grants.unit_of_work import keep_writes, refusals

bp = Blueprint("logframe", __name__)

MAX_BLANK_ROWS = 20  # blank rows a link may ask for at once (a page guard, not a rule)


def _render(application: Application, form, code: int = 200, **kw):
    return render_template(
        "logframe/edit.html",
        application=application,
        form=form,
        errors=flat_errors(form),
        **kw,
    ), code


def _added_index(form) -> int | None:
    text = str(form.add_indicator.data or "")
    return int(text) if text.isdigit() else None


def _blank_rows(form) -> None:
    """The rows asked for by ?blank=N (results) and ?more=i (an indicator of result i)."""
    for _extra in range(min(request.args.get("blank", 0, type=int), MAX_BLANK_ROWS)):
        add_blank_result(form)
    for index in request.args.getlist("more", type=int)[:MAX_BLANK_ROWS]:
        add_blank_indicator(form, index)


def _redisplay(application: Application, form, rows: list, saved_rows: list, code: int, **kw):
    """The form as typed: rows now saved carry their ids, removed rows are gone."""
    for (entry, row), (result, indicators) in zip(rows, saved_rows):
        if result is not None:
            entry.form.result_id.data = result.id
        for (item, _input), indicator in zip(row.indicators, indicators):
            if indicator is not None:
                item.form.indicator_id.data = indicator.id
    form.results.entries = [e for e in form.results if not e.form.remove.data]
    for entry in form.results:
        entry.form.indicators.entries = [i for i in entry.form.indicators if not i.form.remove.data]
    form.version.data = application.version
    if form.add_result.data:
        add_blank_result(form)
    if (index := _added_index(form)) is not None:
        add_blank_indicator(form, index)
    return _render(application, form, code, **kw)


def _next_page(application: Application, form, rows: list, saved_rows: list):
    """After a save: the same page with the row asked for (focus in it), the application, or the
    page again."""
    if form.add_result.data:
        new = len(application.results)
        return redirect(
            url_for(".edit", application_id=application.id, blank=1, _anchor=f"results-{new}-text")
        )
    index = _added_index(form)
    if index is not None and index < len(rows):
        result = saved_rows[index][0]
        if result is not None:
            position = application.results.index(result)
            anchor = f"results-{position}-indicators-{len(result.indicators)}-description"
            return redirect(
                url_for(".edit", application_id=application.id, more=position, _anchor=anchor)
            )
    if form.save_continue.data:
        return redirect(url_for("applications.show", application_id=application.id))
    return redirect(url_for(".edit", application_id=application.id))


@bp.route("/applications/<int:application_id>/logframe", methods=["GET", "POST"])
@requires("lead_draft")
def edit(application_id: int):
    application = get_logframe_to_edit(current_user, application_id)
    if request.method == "GET":
        form = logframe_form(application)
        _blank_rows(form)
        return _render(application, form)
    form = logframe_form(application, request.form)
    form.validate()
    objectives, rows = read_logframe(form)
    loaded = int(form.version.data) if str(form.version.data or "").isdigit() else None
    with refusals(form) as outcome:
        changed, saved_rows = save_logframe(application, objectives, [r for _e, r in rows], loaded)
    if not outcome.ok:
        form.version.data = application.version
        return _render(application, form, 409)
    keep_writes()  # the valid rows are kept even when the page answers 400 for the others
    if flat_errors(form):
        return _redisplay(application, form, rows, saved_rows, 400, saved=changed)
    remember_saved()
    flash(
        _("Logical framework saved.")
        if changed
        else _("There was nothing new to save: the logical framework was already saved."),
        "success" if changed else "info",
    )
    return _next_page(application, form, rows, saved_rows)
