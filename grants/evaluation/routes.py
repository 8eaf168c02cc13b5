"""Evaluation pages: staff manage a call's evaluator pool and assignments; evaluators declare and read."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectChoice

from grants.applications.budget import application_report
from grants.auth.loaders import role_required
from grants.evaluation import evaluator as ev
from grants.evaluation.forms import AddEvaluatorForm, ConflictForm, ImpartialityForm, ManualAssignForm, RebalanceForm
from grants.evaluation.rebalance import ProposalChanged, apply, propose
from grants.evaluation.services import (
    AssignmentRefused,
    add_evaluator,
    auto_assign,
    manual_assign,
    pool_view,
    remove_assignment,
    remove_evaluator,
)
from grants.extensions import db
from grants.jobs import commit
from grants.models import Call, ConflictStatus

bp = Blueprint("evaluation", __name__)


def _call(call_id: int) -> Call:
    call = db.session.get(Call, call_id)
    if call is None:
        abort(404)
    return call


def _blank() -> SelectChoice:
    return SelectChoice("", _("Choose…"))


def _pool_page(call: Call, add_form: AddEvaluatorForm | None = None,
               assign_form: ManualAssignForm | None = None, status: int = 200):
    view = pool_view(call)
    add_form = add_form or AddEvaluatorForm(formdata=None)
    add_form.user_id.choices = [_blank()] + [SelectChoice(u.id, f"{u.name} ({u.email})") for u in view.candidates]
    assign_form = assign_form or ManualAssignForm(formdata=None)
    assign_form.stage_id.choices = [_blank()] + [
        SelectChoice(row.stage.id, f"{row.stage.application.reference} – {row.stage.application.title}")
        for row in view.stages]
    assign_form.evaluator_id.choices = [_blank()] + [
        SelectChoice(row.member.user_id, row.member.user.name) for row in view.rows]
    return render_template("evaluation/pool.html", call=call, view=view, add_form=add_form,
                           assign_form=assign_form, action_form=FlaskForm()), status


def _done(call: Call, message: str):
    commit()
    flash(message, "success")
    return redirect(url_for(".pool", call_id=call.id))


def _refused(call: Call, error: AssignmentRefused):
    db.session.rollback()
    flash(str(error), "error")
    return redirect(url_for(".pool", call_id=call.id))


@bp.get("/staff/calls/<int:call_id>/evaluators")
@role_required("staff")
def pool(call_id: int):
    return _pool_page(_call(call_id))


@bp.post("/staff/calls/<int:call_id>/evaluators/add")
@role_required("staff")
def add(call_id: int):
    call, form = _call(call_id), AddEvaluatorForm()
    if not form.validate():
        return _pool_page(call, add_form=form, status=400)
    try:
        add_evaluator(call, form.user_id.data)
    except AssignmentRefused as error:
        db.session.rollback()
        form.user_id.errors = [str(error)]
        return _pool_page(call, add_form=form, status=400)
    return _done(call, _("The evaluator was added to the pool."))


@bp.post("/staff/calls/<int:call_id>/evaluators/<int:member_id>/remove")
@role_required("staff")
def remove(call_id: int, member_id: int):
    call = _call(call_id)
    try:
        remove_evaluator(call, member_id)
    except AssignmentRefused as error:
        return _refused(call, error)
    return _done(call, _("The evaluator was removed from the pool."))


@bp.post("/staff/calls/<int:call_id>/evaluators/assign")
@role_required("staff")
def assign_automatically(call_id: int):
    call = _call(call_id)
    count, understaffed = auto_assign(call, current_user)
    commit()
    flash(_("%(count)d new assignments were made.", count=count), "success")
    if understaffed:
        flash(_("Not enough eligible evaluators for: %(refs)s. Add evaluators to the pool.",
                refs=", ".join(understaffed)), "error")
    return redirect(url_for(".pool", call_id=call.id))


@bp.route("/staff/calls/<int:call_id>/evaluators/rebalance", methods=["GET", "POST"])
@role_required("staff")
def rebalance(call_id: int):
    """Show the moves that balance the evaluators' loads; make them once staff confirm."""
    call, form = _call(call_id), RebalanceForm()
    if request.method == "GET":
        return _rebalance_page(call, propose(call), form, 200)
    if not form.validate():  # shown above the proposal: the hidden fields have nothing to link to
        for field in form:
            form.form_errors.extend(field.errors)
            field.errors = []
        return _rebalance_page(call, propose(call), form, 400)
    try:
        proposal = apply(call, current_user, form.fingerprint.data)
    except ProposalChanged as error:
        db.session.rollback()
        form.form_errors.append(str(error))
        return _rebalance_page(call, error.proposal, form, 409)
    except AssignmentRefused as error:
        return _refused(call, error)
    commit()
    result = proposal.result
    flash(ngettext("%(num)d assignment was moved: the evaluators now have %(low)d to %(high)d assignments each.",
                   "%(num)d assignments were moved: the evaluators now have %(low)d to %(high)d assignments each.",
                   len(result.moves), low=result.lowest, high=result.highest), "success")
    return redirect(url_for(".pool", call_id=call.id))


def _rebalance_page(call: Call, proposal, form: RebalanceForm, status: int):
    form.fingerprint.data = proposal.fingerprint
    return render_template("evaluation/rebalance.html", call=call, proposal=proposal, result=proposal.result,
                           form=form), status


@bp.post("/staff/calls/<int:call_id>/assignments")
@role_required("staff")
def assign_manually(call_id: int):
    call, form = _call(call_id), ManualAssignForm()
    if not form.validate():
        return _pool_page(call, assign_form=form, status=400)
    try:
        manual_assign(call, form.stage_id.data, form.evaluator_id.data, current_user)
    except AssignmentRefused as error:
        db.session.rollback()
        form.form_errors.append(str(error))
        return _pool_page(call, assign_form=form, status=400)
    return _done(call, _("The evaluator was assigned."))


@bp.post("/staff/calls/<int:call_id>/assignments/<int:assignment_id>/remove")
@role_required("staff")
def unassign(call_id: int, assignment_id: int):
    call = _call(call_id)
    try:
        remove_assignment(call, assignment_id)
    except AssignmentRefused as error:
        return _refused(call, error)
    return _done(call, _("The assignment was removed."))


@bp.get("/evaluation")
@role_required("evaluator")
def home():
    return render_template("evaluation/home.html", rows=ev.my_calls(current_user))


@bp.route("/evaluation/calls/<int:call_id>/declaration", methods=["GET", "POST"])
@role_required("evaluator")
def declaration(call_id: int):
    member, call = ev.membership(current_user, call_id)
    if member.impartiality_signed_at is not None:
        return redirect(url_for(".call", call_id=call_id))
    form = ImpartialityForm()
    if form.validate_on_submit():
        ev.sign_declaration(member)
        commit()
        flash(_("You signed the declaration of impartiality and confidentiality."), "success")
        return redirect(url_for(".call", call_id=call_id))
    return render_template("evaluation/declaration.html", call=call, form=form)


@bp.get("/evaluation/calls/<int:call_id>")
@role_required("evaluator")
def call(call_id: int):
    member, call = ev.membership(current_user, call_id)
    if member.impartiality_signed_at is None:
        return redirect(url_for(".declaration", call_id=call_id))
    return render_template("evaluation/call.html", call=call,
                           assignments=ev.my_assignments(current_user, call_id))


@bp.route("/evaluation/assignments/<int:assignment_id>", methods=["GET", "POST"])
@role_required("evaluator")
def assignment(assignment_id: int):
    assignment = ev.my_assignment(current_user, assignment_id)
    member, call = ev.membership(current_user, assignment.stage.application.call_id)
    if member.impartiality_signed_at is None:
        return redirect(url_for(".declaration", call_id=member.call_id))
    form = ConflictForm()
    if assignment.conflict is ConflictStatus.undeclared and form.validate_on_submit():
        conflict = form.declaration.data == "conflict"
        ev.declare_conflict(assignment, conflict, form.reason.data or "")
        commit()
        if conflict:
            flash(_("You declared a conflict of interest: this application was withdrawn from you."), "success")
            return redirect(url_for(".call", call_id=member.call_id))
        flash(_("You declared that you have no conflict of interest."), "success")
        return redirect(url_for(".assignment", assignment_id=assignment_id))
    application = assignment.stage.application
    report = application_report(application) if assignment.conflict is ConflictStatus.no_conflict else None
    return render_template("evaluation/assignment.html", call=call, assignment=assignment,
                           application=application, report=report, form=form)
