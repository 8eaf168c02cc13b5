"""Applicant pages (dashboard, start, task list, project, budget) and the staff list of submitted
applications."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from grants import clock
from grants.access import load_or_404, requires
from grants.applications.access import (
    current_stage,
    get_application_for,
    get_application_to_discard,
    get_application_to_edit,
    invited_to_full_application,
    is_editable,
    is_lead_member,
    is_partner_member,
)
from grants.applications.budget import application_report, budget_report, partnership, rule_line
from grants.applications.conflicts import (
    PROJECT_FIELDS,
    apply_budget_choices,
    apply_project_choices,
    budget_conflict,
    form_key,
    line_id_of,
    project_conflict,
    read_choices,
    unresolved,
)
from grants.applications.forms import (
    AMOUNTS,
    add_blank_line,
    budget_form,
    parse_staff_filters,
    project_form,
    project_values,
    read_budget,
)
from grants.applications.presenters import (
    budget_labels,
    conflict_context,
    is_autosave,
    line_ids,
    loaded_version,
    project_labels,
    remember_saved,
    status,
    tell_voided,
)
from grants.applications.queries.page import grant_of, last_change, message_log, task_list
from grants.applications.queries.staff_list import SORTS, staff_page
from grants.applications.queries.starting import acting_issue
from grants.applications.queries.starting import dashboard as dashboard_data
from grants.applications.services import discard as discard_draft
from grants.applications.services import (
    may_discard,
    save_budget,
    save_project,
    start_application,
)
from grants.calls.fields import flat_errors
from grants.calls.queries import get_call
from grants.models import Application, CallStatus, StageStatus
from grants.unit_of_work import keep_writes, refusals

bp = Blueprint("applications", __name__)

MAX_BLANK_LINES = 20


@bp.get("/applications")
@requires("signed_in")
def dashboard():
    return render_template(
        "applications/dashboard.html",
        data=dashboard_data(current_user, clock.now()),
        refusal=acting_issue(current_user),
    )


@bp.post("/applications/start/<int:call_id>")
@requires("starts_application")
def start(call_id: int):
    call = load_or_404(get_call(call_id), lambda call: call.status is not CallStatus.draft)
    with refusals() as outcome:  # every reason the organisation cannot start one, as messages
        application, new = start_application(current_user, call, clock.now())
    if not outcome.ok:
        return redirect(url_for(".dashboard"))
    if new:
        flash(
            _(
                "Your application to %(call)s has been started. Complete each section below; your "
                "answers are "
                "saved as you go.",
                call=call.reference,
            ),
            "success",
        )
    else:
        flash(
            _(
                "Your organisation already has a draft application to %(call)s: here it is. A lead "
                "has one draft "
                "per call at a time; discard it to start afresh.",
                call=call.reference,
            ),
            "info",
        )
    return redirect(url_for(".show", application_id=application.id))


@bp.route("/applications/<int:application_id>/discard", methods=["GET", "POST"])
@requires("lead_draft")
def discard(application_id: int):
    """Discard a never-submitted draft, after a confirmation page."""
    application = get_application_to_discard(current_user, application_id)
    if request.method == "GET" or not may_discard(application):
        return render_template(
            "applications/discard.html",
            application=application,
            discardable=may_discard(application),
        ), 200 if request.method == "GET" else 409
    call = application.call
    discard_draft(application)  # its files go once the deletion is committed
    flash(
        _(
            "The draft application was discarded. You may start a new one to %(call)s.",
            call=call.reference,
        ),
        "success",
    )
    return redirect(url_for(".dashboard"))


@bp.get("/applications/<int:application_id>")
@requires("application")
def show(application_id: int):
    application = get_application_for(current_user, application_id)
    lead_view = is_lead_member(current_user, application)
    editable = lead_view and is_editable(application)
    stage = current_stage(application)
    staff_view = not lead_view and not is_partner_member(current_user, application)
    return render_template(
        "applications/show.html",
        application=application,
        stage=stage,
        invited=invited_to_full_application(application),
        editable=editable,
        tasks=task_list(application) if editable else [],
        report=application_report(application),
        lead_view=lead_view,
        discardable=lead_view and may_discard(application),
        now=clock.now(),
        staff_view=staff_view,
        messages=message_log(application.id, None if staff_view else current_user.id),
        grant=grant_of(application.id),
    )  # the submission's part: submission_view in the template


def _render_project(application: Application, form, code: int = 200, **kw):
    kw = conflict_context(application, kw)
    return render_template(
        "applications/project.html",
        application=application,
        form=form,
        errors=flat_errors(form),
        **kw,
    ), code


@bp.route("/applications/<int:application_id>/project", methods=["GET", "POST"])
@requires("lead_draft")
def project(application_id: int):
    application = get_application_to_edit(current_user, application_id)
    if request.method == "GET":
        return _render_project(application, project_form(application))
    form = project_form(application, request.form)
    form.validate()
    typed = project_values(form, application)
    present = {form_key(name) for name in PROJECT_FIELDS if form_key(name) in form}
    choices = read_choices(request.form)
    if choices and (
        is_autosave() or unresolved(choices)
    ):  # saved only by a Save button, once all is chosen
        conflict = project_conflict(
            application, typed, present, last_change(application, current_user.id)
        )
        if is_autosave():
            return status(
                application, form, conflict=conflict, choosing=True, labels=project_labels(form)
            )
        form.version.data = application.version
        return _render_project(
            application, form, 409, conflict=conflict, choices=choices, choose=True
        )
    saved = save_project(
        application, apply_project_choices(typed, choices), loaded_version(form), present
    )
    keep_writes()  # the valid fields are kept even when the page answers 400 for the others
    if is_autosave():
        return status(
            application,
            form,
            changed=saved.changed,
            errors=flat_errors(form),
            conflict=saved.conflict,
            labels=project_labels(form),
            voided=saved.voided,
        )
    form.version.data = application.version
    tell_voided(saved)
    if saved.conflict:
        return _render_project(application, form, 409, conflict=saved.conflict)
    if flat_errors(form):
        return _render_project(application, form, 400, saved=saved.changed)
    remember_saved()
    if saved.changed:
        flash(_("Project details saved."), "success")
    elif any(getattr(application, name) for name in PROJECT_FIELDS):
        flash(_("There was nothing new to save: the project details were already saved."), "info")
    else:
        flash(_("Nothing was saved: the project page is still empty."), "info")
    if form.save_continue.data:
        return redirect(url_for(".show", application_id=application.id))
    return redirect(url_for(".project", application_id=application.id))


def _render_budget(application: Application, form, code: int = 200, **kw):
    kw = conflict_context(application, kw)
    return render_template(
        "applications/budget.html",
        application=application,
        form=form,
        errors=flat_errors(form),
        report=application_report(application),
        **kw,
    ), code


def _redisplay_budget(
    application: Application,
    form,
    members: dict[int, str],
    rows: list,
    lines: list,
    code: int = 400,
    **kw,
):
    """The form as typed: rows now saved carry their line's id, removed rows are gone, and a saved
    line that is on no row (one the user chose to keep from someone else) is added."""
    for (entry, _row), line in zip(rows, lines):
        if entry is not None and line is not None:
            entry.form.line_id.data = line.id
    form.lines.entries = [entry for entry in form.lines if not entry.form.remove.data]
    shown = {line_id_of(entry) for entry in form.lines}
    for line in application.budget_lines:
        if line.id not in shown:
            add_blank_line(form, members, line)
    form.version.data = application.version
    if form.add_line.data:
        add_blank_line(form, members)
    return _render_budget(application, form, code, **kw)


@bp.route("/applications/<int:application_id>/budget", methods=["GET", "POST"])
@requires("lead_draft")
def budget(application_id: int):
    application = get_application_to_edit(current_user, application_id)
    members = partnership(application)
    if request.method == "GET":
        form = budget_form(application, members)
        for _extra in range(min(request.args.get("blank", 1, type=int), MAX_BLANK_LINES) - 1):
            add_blank_line(form, members)
        return _render_budget(application, form)
    form = budget_form(application, members, request.form)
    form.validate()
    rows, amounts = read_budget(form, members)
    choices = read_choices(request.form)
    if choices and (
        is_autosave() or unresolved(choices)
    ):  # saved only by a Save button, once all is chosen
        conflict = budget_conflict(
            application, form, rows, last_change(application, current_user.id)
        )
        if is_autosave():
            return status(
                application,
                form,
                conflict=conflict,
                choosing=True,
                labels=budget_labels(application, form),
            )
        form.version.data = application.version
        return _render_budget(
            application, form, 409, conflict=conflict, choices=choices, choose=True
        )
    rows, amounts = apply_budget_choices(application, rows, amounts, choices)
    saved, lines = save_budget(
        application,
        [row for _entry, row in rows],
        amounts,
        loaded_version(form),
        lambda change: budget_conflict(application, form, rows, change),
    )
    # as in project: the valid rows are kept even when the page answers 400 for the others
    keep_writes()
    if is_autosave():
        return status(
            application,
            form,
            changed=saved.changed,
            errors=flat_errors(form),
            conflict=saved.conflict,
            labels=budget_labels(application, form),
            line_ids=line_ids(rows, lines),
            voided=saved.voided,
        )
    if saved.conflict:
        form.version.data = application.version
        return _render_budget(application, form, 409, conflict=saved.conflict)
    tell_voided(saved)
    if flat_errors(form):
        return _redisplay_budget(application, form, members, rows, lines, saved=saved.changed)
    remember_saved()
    flash(
        _("Budget saved.")
        if saved.changed
        else _("There was nothing new to save: the budget was already saved."),
        "success" if saved.changed else "info",
    )
    if form.add_line.data:
        blank = min(
            sum(1 for entry in form.lines if entry.form.is_blank() and not entry.form.remove.data)
            + 1,
            MAX_BLANK_LINES,
        )
        new_row = (
            len(application.budget_lines) + blank - 1
        )  # the page opens with focus in it (WCAG 2.4.3)
        return redirect(
            url_for(
                ".budget",
                application_id=application.id,
                blank=blank,
                _anchor=f"lines-{new_row}-heading",
            )
        )
    if form.save_continue.data:
        return redirect(url_for(".show", application_id=application.id))
    return redirect(url_for(".budget", application_id=application.id))


@bp.post("/applications/<int:application_id>/budget/preview")
@requires("lead_draft")
def budget_preview(application_id: int):
    """The totals and problems of the budget as typed, without saving (htmx swaps them into the
    page)."""
    application = get_application_to_edit(current_user, application_id)
    members = partnership(application)
    form = budget_form(application, members, request.form)
    form.validate()
    rows, amounts = read_budget(form, members)
    lines = [
        rule_line(v["heading"], v["quantity"], v["unit_cost"], v["organisation_id"])
        for _entry, row in rows
        if (v := row.values) is not None
    ]
    figures = {name: amounts.get(name, getattr(application, name)) for name in AMOUNTS}
    report = budget_report(application.call, lines, names=members, **figures)
    kept = {
        form[name].id: figures[name] for name in AMOUNTS if name not in amounts
    }  # unread: the saved figure
    return render_template(
        "applications/_budget_figures.html",
        application=application,
        report=report,
        preview=True,
        unread=flat_errors(form),
        kept=kept,
    )


@bp.get("/staff/calls/<int:call_id>/applications")
@requires("staff")
def staff_list(call_id: int):
    call = load_or_404(get_call(call_id))
    filters = parse_staff_filters(call, request.args)
    return render_template(
        "applications/staff_list.html",
        call=call,
        filters=filters,
        page=staff_page(call, filters),
        statuses=list(StageStatus),
        sorts=list(SORTS),
    )
