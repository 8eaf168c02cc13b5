"""Staff pages for calls for proposals: list, create and edit, evaluation grids, status changes."""

from __future__ import annotations

from functools import cache
from types import SimpleNamespace
from zoneinfo import available_timezones

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from grants.access import load_or_404, requires
from grants.calls.default_grids import CONCEPT_NOTE_GRID, FULL_APPLICATION_GRID
from grants.calls.fields import attach, flat_errors
from grants.calls.forms import LABELS
from grants.calls.grid_forms import add_rows, grid_draft, grid_form
from grants.calls.grids import grid_definition
from grants.calls.mapping import FROZEN_FIELDS, call_form, settings_from_form
from grants.calls.presenters import shown_settings
from grants.calls.queries import get_call, grid_locked, has_submissions, staff_calls
from grants.calls.services import change_status, create_call, save_grid, update_call
from grants.i18n import issue_text
from grants.labels import CALL_STATUS_LABELS as STATUS_LABELS
from grants.models import Call, Procedure, Stage
from grants.rules.call_settings import check_call
from grants.rules.grids import check_grid
from grants.rules.transitions import allowed_call_transitions
from grants.unit_of_work import refusals

bp = Blueprint("calls", __name__)


@cache
def zone_names() -> list[str]:
    return sorted(available_timezones())


def _load(call_id: int) -> Call:
    return load_or_404(get_call(call_id))


@bp.get("/")
@requires("staff")
def index():
    return render_template("calls/index.html", rows=staff_calls())


@bp.get("/<int:call_id>")
@requires("staff")
def show(call_id: int):
    call = _load(call_id)
    return render_template(
        "calls/show.html",
        call=call,
        frozen=has_submissions(call),
        transitions=sorted(status.value for status in allowed_call_transitions(call.status)),
    )


def _render_form(form, call: Call | None, frozen: bool, code: int = 200):
    return render_template(
        "calls/form.html",
        form=form,
        call=call,
        frozen=frozen,
        errors=flat_errors(form),
        zones=zone_names(),
        frozen_fields=FROZEN_FIELDS,
        form_labels=LABELS,
        shown=shown_settings(call) if frozen else {},
    ), code


def _save(form, action) -> Call | None:
    """Validate the form and run the service; on refusal put every problem on its field."""
    valid = form.validate()
    settings, lots, issues = settings_from_form(form)
    if valid and not issues:
        saved = None
        with refusals(form):
            saved = action(settings, lots)
        return saved
    attach(form, issues + check_call(settings, lots))
    return None


def _edit_call(call: Call | None):
    frozen = call is not None and has_submissions(call)
    posted = request.method == "POST"
    form = call_form(call, frozen, request.form if posted else None)
    if not posted:
        return _render_form(form, call, frozen)
    if "lots" in form and form.add_lot.data:
        form.lots.append_entry()
        return _render_form(form, call, frozen)
    if call is None:
        saved = _save(form, lambda settings, lots: create_call(settings, lots or []))
    else:
        saved = _save(form, lambda settings, lots: update_call(call, settings, lots))
    if saved is None:
        return _render_form(form, call, frozen, 400)
    flash(_("Call %(reference)s saved.", reference=saved.reference), "success")
    return redirect(url_for("calls.show", call_id=saved.id))


@bp.route("/new", methods=["GET", "POST"])
@requires("staff")
def new():
    return _edit_call(None)


@bp.route("/<int:call_id>/edit", methods=["GET", "POST"])
@requires("staff")
def edit(call_id: int):
    return _edit_call(_load(call_id))


def _stage(call: Call, name: str) -> Stage:
    try:
        stage = Stage(name)
    except ValueError:
        abort(404)
    if stage is Stage.concept_note and call.procedure is not Procedure.restricted:
        abort(404)
    return stage


@bp.route("/<int:call_id>/grids/<stage_name>", methods=["GET", "POST"])
@requires("staff")
def grid(call_id: int, stage_name: str):
    call = _load(call_id)
    stage = _stage(call, stage_name)
    existing = call.grid_for(stage)
    definition = (
        grid_definition(existing)
        if existing is not None
        else (CONCEPT_NOTE_GRID if stage is Stage.concept_note else FULL_APPLICATION_GRID)
    )
    posted = request.method == "POST"
    form = grid_form(definition, request.form if posted else None)
    code = 200
    if posted and not add_rows(form):
        if form.validate():
            with refusals(form) as outcome:
                save_grid(call, stage, grid_draft(form))
            if outcome.ok:
                flash(_("Evaluation grid saved."), "success")
                return redirect(url_for("calls.show", call_id=call.id))
        else:
            attach(form, check_grid(grid_draft(form)))
        code = 400
    draft = grid_draft(form)
    return render_template(
        "calls/grid.html",
        call=call,
        stage=stage,
        form=form,
        errors=flat_errors(form),
        maxima={s.key: s.max_score for s in draft.sections},
        total=draft.max_total,
        locked=grid_locked(call, stage),
        grid=existing,
    ), code


@bp.post("/<int:call_id>/status")
@requires("staff")
def status(call_id: int):
    call = _load(call_id)
    target = request.form.get("status", "")
    with refusals(
        SimpleNamespace(form_errors=[])
    ) as outcome:  # the page has no form: flashed below, by setting
        change_status(call, target)
    if outcome.ok:
        flash(_("The call is now: %(status)s.", status=STATUS_LABELS[target]), "success")
    else:
        for issue in outcome.refused.issues:
            flash(_labelled(issue), "error")
    return redirect(url_for("calls.show", call_id=call.id))


def _labelled(issue) -> str:
    """A refused setting's message named by its label ('Full-application deadline: This deadline has
    passed')."""
    label, text = LABELS.get(issue.field), issue_text(issue)
    return _("%(field)s: %(message)s", field=label, message=text) if label else text
