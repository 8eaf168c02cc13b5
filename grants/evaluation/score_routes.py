"""The evaluator's scoring page: the grid as a form, drafts saved as they go, submission locks it."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from grants.auth.loaders import role_required
from grants.evaluation import evaluator as ev
from grants.evaluation import scoring
from grants.extensions import db
from grants.i18n import lazy_gettext as _l
from grants.jobs import commit
from grants.models import Assignment, ConflictStatus, Evaluation, Grid, GridSection

bp = Blueprint("scoring", __name__)


def _context(assignment_id: int):
    """The user's assignment (declared free of conflict), its call and grid, or a redirect to what comes first."""
    assignment = ev.my_assignment(current_user, assignment_id)
    member, call = ev.membership(current_user, assignment.stage.application.call_id)
    if member.impartiality_signed_at is None:
        return redirect(url_for("evaluation.declaration", call_id=call.id))
    if assignment.conflict is not ConflictStatus.no_conflict:
        return redirect(url_for("evaluation.assignment", assignment_id=assignment.id))
    grid = db.session.scalar(
        select(Grid).where(Grid.call_id == call.id, Grid.stage == assignment.stage.stage)
        .options(selectinload(Grid.sections).selectinload(GridSection.criteria)))
    if grid is None:
        abort(404)
    db.session.scalar(select(Assignment).where(Assignment.id == assignment.id).options(
        selectinload(Assignment.evaluation).selectinload(Evaluation.scores),
        selectinload(Assignment.evaluation).selectinload(Evaluation.section_comments)))
    return assignment, call, grid


def _page(assignment, call, grid, entry, problems=None, status=200):
    return render_template(
        "evaluation/score.html", assignment=assignment, call=call, grid=grid, entry=entry,
        problems=problems or {}, unsaved=scoring.invalid_fields(grid, entry), sums=scoring.sums(grid, entry),
        locked=assignment.evaluation is not None and assignment.evaluation.submitted_at is not None,
        labels=SCORE_LABELS), status


SCORE_LABELS = {1: _l("very poor"), 2: _l("poor"), 3: _l("adequate"), 4: _l("good"), 5: _l("very good")}


@bp.route("/evaluation/assignments/<int:assignment_id>/score", methods=["GET", "POST"])
@role_required("evaluator")
def score(assignment_id: int):
    context = _context(assignment_id)
    if not isinstance(context, tuple):
        return context
    assignment, call, grid = context
    if request.method == "GET":
        return _page(assignment, call, grid, scoring.stored_entry(assignment.evaluation))
    if not FlaskForm().validate():
        abort(400)
    entry = scoring.read_entry(request.form, grid)
    action = request.form.get("action", "save")
    save = scoring.submit if action == "submit" else scoring.save_draft
    try:
        try:
            problems = save(assignment, grid, entry)
        except IntegrityError:  # another save of this evaluation inserted its first rows a moment ago (SQLite)
            db.session.rollback()
            problems = save(assignment, grid, entry)
    except scoring.EvaluationLocked as error:
        db.session.rollback()
        flash(str(error), "error")
        if request.headers.get("HX-Request"):  # an autosave that lost to "Submit and lock": show the locked page
            return "", 204, {"HX-Redirect": url_for(".score", assignment_id=assignment.id)}
        return _page(assignment, call, grid, scoring.stored_entry(assignment.evaluation), status=409)
    if request.headers.get("HX-Request"):  # the autosave: the panel is rendered before the commit expires it all
        panel = render_template("evaluation/_score_sums.html", grid=grid, sums=scoring.sums(grid, entry),
                                unsaved=scoring.invalid_fields(grid, entry), assignment=assignment, call=call)
        commit()
        return panel
    commit()  # what is valid is kept, even when something else is refused
    if problems:
        return _page(assignment, call, grid, entry, problems, status=400)
    if action == "submit":
        flash(_("Your evaluation of %(ref)s was submitted. It can no longer be changed.",
                ref=assignment.stage.application.reference), "success")
        return redirect(url_for("evaluation.call", call_id=call.id))
    flash(_("Your draft was saved."), "success")
    return redirect(url_for(".score", assignment_id=assignment.id))
