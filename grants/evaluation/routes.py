"""Evaluation pages: staff manage a call's evaluator pool and assignments and follow its progress;
evaluators declare, read and score.

Thin: load (grants.evaluation.access), validate (forms), call a use case (services), show (queries).
The request boundary (grants.unit_of_work) commits a POST that answers below 400 and rolls back
anything else.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm

from grants import clock
from grants.access import requires
from grants.applications.budget import application_report
from grants.evaluation.access import (
    call_or_404,
    membership,
    my_assignment,
    scoring_grid_or_404,
    stage_or_404,
)
from grants.evaluation.forms import (
    AddEvaluatorForm,
    ConflictForm,
    DueDateForm,
    ImpartialityForm,
    ManualAssignForm,
    RebalanceForm,
)
from grants.evaluation.presenters import SCORE_LABELS, due_form, pool_choices
from grants.evaluation.queries.evaluator import my_assignments, my_calls
from grants.evaluation.queries.pool import pool_view
from grants.evaluation.queries.progress import SORTS, progress, sort_rows
from grants.evaluation.queries.side_by_side import application_scores
from grants.evaluation.services import scoring
from grants.evaluation.services.declarations import declare_conflict, sign_declaration
from grants.evaluation.services.pool import (
    add_evaluator,
    auto_assign,
    manual_assign,
    remove_assignment,
    remove_evaluator,
    set_due_date,
)
from grants.evaluation.services.rebalance import ProposalChanged, apply, propose
from grants.models import Call, ConflictStatus
from grants.paging import page_of_rows
from grants.unit_of_work import keep_writes, refusals
from grants.unit_of_work import show as show_refusal

bp = Blueprint("evaluation", __name__)


# Staff: the pool and the assignments ------------------------------------------------------------


def _pool_page(
    call: Call,
    add_form: AddEvaluatorForm | None = None,
    assign_form: ManualAssignForm | None = None,
    status: int = 200,
):
    view = pool_view(call)
    add_form = add_form or AddEvaluatorForm(formdata=None)
    assign_form = assign_form or ManualAssignForm(formdata=None)
    pool_choices(view, add_form, assign_form)
    return render_template(
        "evaluation/pool.html",
        call=call,
        view=view,
        add_form=add_form,
        assign_form=assign_form,
        action_form=FlaskForm(),
    ), status


def _done(call: Call, message: str):
    flash(message, "success")
    return redirect(url_for(".pool", call_id=call.id))


@bp.get("/staff/calls/<int:call_id>/evaluators")
@requires("staff")
def pool(call_id: int):
    return _pool_page(call_or_404(call_id))


@bp.post("/staff/calls/<int:call_id>/evaluators/add")
@requires("staff")
def add(call_id: int):
    call, form = call_or_404(call_id), AddEvaluatorForm()
    if not form.validate():
        return _pool_page(call, add_form=form, status=400)
    with refusals(form) as outcome:
        add_evaluator(call, form.user_id.data)
    if not outcome.ok:
        return _pool_page(call, add_form=form, status=400)
    return _done(call, _("The evaluator was added to the pool."))


@bp.post("/staff/calls/<int:call_id>/evaluators/<int:member_id>/remove")
@requires("staff")
def remove(call_id: int, member_id: int):
    call = call_or_404(call_id)
    with refusals() as outcome:
        remove_evaluator(call, member_id)
    if not outcome.ok:
        return redirect(url_for(".pool", call_id=call.id))
    return _done(call, _("The evaluator was removed from the pool."))


@bp.post("/staff/calls/<int:call_id>/evaluators/assign")
@requires("staff")
def assign_automatically(call_id: int):
    call = call_or_404(call_id)
    count, understaffed = auto_assign(call, current_user)
    flash(_("%(count)d new assignments were made.", count=count), "success")
    if understaffed:
        flash(
            _(
                "Not enough eligible evaluators for: %(refs)s. Add evaluators to the pool.",
                refs=", ".join(understaffed),
            ),
            "error",
        )
    return redirect(url_for(".pool", call_id=call.id))


@bp.route("/staff/calls/<int:call_id>/evaluators/rebalance", methods=["GET", "POST"])
@requires("staff")
def rebalance(call_id: int):
    """Show the moves that balance the evaluators' loads; make them once staff confirm."""
    call, form = call_or_404(call_id), RebalanceForm()
    if request.method == "GET":
        return _rebalance_page(call, propose(call), form, 200)
    if not form.validate():  # shown above the proposal: the hidden fields have nothing to link to
        for field in form:
            form.form_errors.extend(field.errors)
            field.errors = []
        return _rebalance_page(call, propose(call), form, 400)
    with refusals(form) as outcome:
        proposal = apply(call, current_user, form.fingerprint.data)
    if isinstance(
        outcome.refused, ProposalChanged
    ):  # rolled back: the new proposal, from what is there now
        call = call_or_404(call_id)
        return _rebalance_page(call, propose(call), form, 409)
    if not outcome.ok:  # nothing to move: said on the pool page
        show_refusal(outcome.refused)
        return redirect(url_for(".pool", call_id=call_id))
    result = proposal.result
    flash(
        ngettext(
            "%(num)d assignment was moved: the evaluators now have %(low)d to %(high)d assignments "
            "each.",
            "%(num)d assignments were moved: the evaluators now have %(low)d to %(high)d "
            "assignments each.",
            len(result.moves),
            low=result.lowest,
            high=result.highest,
        ),
        "success",
    )
    return redirect(url_for(".pool", call_id=call.id))


def _rebalance_page(call: Call, proposal, form: RebalanceForm, status: int):
    form.fingerprint.data = proposal.fingerprint
    return render_template(
        "evaluation/rebalance.html", call=call, proposal=proposal, result=proposal.result, form=form
    ), status


@bp.post("/staff/calls/<int:call_id>/assignments")
@requires("staff")
def assign_manually(call_id: int):
    call, form = call_or_404(call_id), ManualAssignForm()
    if not form.validate():
        return _pool_page(call, assign_form=form, status=400)
    with refusals(form) as outcome:
        manual_assign(call, form.stage_id.data, form.evaluator_id.data, current_user)
    if not outcome.ok:
        return _pool_page(call, assign_form=form, status=400)
    return _done(call, _("The evaluator was assigned."))


@bp.post("/staff/calls/<int:call_id>/assignments/<int:assignment_id>/remove")
@requires("staff")
def unassign(call_id: int, assignment_id: int):
    call = call_or_404(call_id)
    with refusals() as outcome:
        remove_assignment(call, assignment_id)
    if not outcome.ok:
        return redirect(url_for(".pool", call_id=call.id))
    return _done(call, _("The assignment was removed."))


# Staff: progress, the evaluators' totals side by side, one application's scores
# ---------------------


def _progress_page(call: Call, form: DueDateForm, status: int = 200):
    sort = request.args.get("sort")
    sort = sort if sort in SORTS else SORTS[0]
    view = progress(call)
    page = page_of_rows(sort_rows(view.rows, sort), request.args.get("page", 1, type=int))
    columns = max([call.evaluators_per_application, *(len(row.sheets) for row in page.items)])
    return render_template(
        "evaluation/progress.html",
        call=call,
        view=view,
        page=page,
        sort=sort,
        sorts=SORTS,
        columns=columns,
        form=form,
    ), status


@bp.get("/staff/calls/<int:call_id>/evaluation")
@requires("staff")
def show(call_id: int):
    call = call_or_404(call_id)
    return _progress_page(call, due_form(call))


@bp.post("/staff/calls/<int:call_id>/evaluation/due-date")
@requires("staff")
def due_date(call_id: int):
    call, form = call_or_404(call_id), DueDateForm()
    if form.validate():
        with refusals(form) as outcome:
            set_due_date(call, form.due_at.data, clock.now())
        if outcome.ok:
            flash(_("The evaluation due date was saved."), "success")
            return redirect(url_for(".show", call_id=call.id))
        call = call_or_404(call_id)  # rolled back: as it is stored
    return _progress_page(call, form, 400)


@bp.get("/staff/calls/<int:call_id>/evaluation/<int:stage_id>")
@requires("staff")
def scores(call_id: int, stage_id: int):
    call = call_or_404(call_id)
    stage = stage_or_404(call, stage_id)
    return render_template(
        "evaluation/scores.html", call=call, view=application_scores(call, stage)
    )


# Evaluators: their calls, the declarations, the application and its scoring -----------------------


@bp.get("/evaluation")
@requires("evaluator")
def home():
    return render_template("evaluation/home.html", rows=my_calls(current_user))


@bp.route("/evaluation/calls/<int:call_id>/declaration", methods=["GET", "POST"])
@requires("evaluator")
def declaration(call_id: int):
    member, call = membership(current_user, call_id)
    if member.impartiality_signed_at is not None:
        return redirect(url_for(".call", call_id=call_id))
    form = ImpartialityForm()
    if form.validate_on_submit():
        sign_declaration(member)
        flash(_("You signed the declaration of impartiality and confidentiality."), "success")
        return redirect(url_for(".call", call_id=call_id))
    return render_template("evaluation/declaration.html", call=call, form=form)


@bp.get("/evaluation/calls/<int:call_id>")
@requires("evaluator")
def call(call_id: int):
    member, call = membership(current_user, call_id)
    if member.impartiality_signed_at is None:
        return redirect(url_for(".declaration", call_id=call_id))
    return render_template(
        "evaluation/call.html", call=call, assignments=my_assignments(current_user, call_id)
    )


@bp.route("/evaluation/assignments/<int:assignment_id>", methods=["GET", "POST"])
@requires("assigned_evaluator")
def assignment(assignment_id: int):
    assignment = my_assignment(current_user, assignment_id)
    member, call = membership(current_user, assignment.stage.application.call_id)
    if member.impartiality_signed_at is None:
        return redirect(url_for(".declaration", call_id=member.call_id))
    form = ConflictForm()
    if assignment.conflict is ConflictStatus.undeclared and form.validate_on_submit():
        conflict = form.declaration.data == "conflict"
        if not declare_conflict(assignment, conflict, form.reason.data or ""):
            abort(404)  # moved to another evaluator meanwhile: no longer theirs
        if conflict:
            flash(
                _("You declared a conflict of interest: this application was withdrawn from you."),
                "success",
            )
            return redirect(url_for(".call", call_id=member.call_id))
        flash(_("You declared that you have no conflict of interest."), "success")
        return redirect(url_for(".assignment", assignment_id=assignment_id))
    application = assignment.stage.application
    report = (
        application_report(application)
        if assignment.conflict is ConflictStatus.no_conflict
        else None
    )
    return render_template(
        "evaluation/assignment.html",
        call=call,
        assignment=assignment,
        application=application,
        report=report,
        form=form,
    )


def _scoring_context(assignment_id: int):
    """The user's assignment (declared free of conflict), its call and grid, or a redirect to what
    comes first."""
    assignment = my_assignment(current_user, assignment_id)
    member, call = membership(current_user, assignment.stage.application.call_id)
    if member.impartiality_signed_at is None:
        return redirect(url_for(".declaration", call_id=call.id))
    if assignment.conflict is not ConflictStatus.no_conflict:
        return redirect(url_for(".assignment", assignment_id=assignment.id))
    return assignment, call, scoring_grid_or_404(call, assignment)


def _score_page(assignment, call, grid, entry, problems=None, status=200):
    return render_template(
        "evaluation/score.html",
        assignment=assignment,
        call=call,
        grid=grid,
        entry=entry,
        problems=problems or {},
        unsaved=scoring.invalid_fields(grid, entry),
        sums=scoring.sums(grid, entry),
        locked=assignment.evaluation is not None and assignment.evaluation.submitted_at is not None,
        labels=SCORE_LABELS,
    ), status


@bp.route("/evaluation/assignments/<int:assignment_id>/score", methods=["GET", "POST"])
@requires("assigned_evaluator")
def score(assignment_id: int):
    context = _scoring_context(assignment_id)
    if not isinstance(context, tuple):
        return context
    assignment, call, grid = context
    if request.method == "GET":
        return _score_page(assignment, call, grid, scoring.stored_entry(assignment.evaluation))
    if not FlaskForm().validate():
        abort(400)
    entry = scoring.read_entry(request.form, grid)
    action = request.form.get("action", "save")
    autosave = bool(request.headers.get("HX-Request"))
    with refusals(shown=not autosave) as outcome:  # EvaluationLocked: shown as a message
        problems = scoring.save(assignment, grid, entry, submitting=action == "submit")
    if not outcome.ok and autosave:
        # An autosave that lost to "Submit and lock" (in this tab or another): the panel says so.
        # No redirect and no flashed message, which would overtake the page the submit leads to.
        return render_template("evaluation/_score_locked.html", refused=outcome.refused)
    if not outcome.ok:
        return _score_page(
            assignment, call, grid, scoring.stored_entry(assignment.evaluation), status=409
        )
    if request.headers.get("HX-Request"):  # the autosave: the sums panel
        return render_template(
            "evaluation/_score_sums.html",
            grid=grid,
            sums=scoring.sums(grid, entry),
            unsaved=scoring.invalid_fields(grid, entry),
            assignment=assignment,
            call=call,
        )
    if problems:  # what is valid is kept, the rest shown again with its errors
        keep_writes()
        return _score_page(assignment, call, grid, entry, problems, status=400)
    if action == "submit":
        flash(
            _(
                "Your evaluation of %(ref)s was submitted. It can no longer be changed.",
                ref=assignment.stage.application.reference,
            ),
            "success",
        )
        return redirect(url_for(".call", call_id=call.id))
    flash(_("Your draft was saved."), "success")
    return redirect(url_for(".score", assignment_id=assignment.id))
