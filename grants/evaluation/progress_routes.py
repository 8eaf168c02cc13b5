"""Staff pages of a call's evaluation: progress, evaluators' totals side by side, one application's scores."""
from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_sqlalchemy.pagination import Pagination

from grants.auth.loaders import role_required
from grants.awards.queries.overview import load_call
from grants.calls.fields import issue_text
from grants.evaluation.progress import SORTS, progress, set_due_date, sort_rows
from grants.evaluation.progress_forms import DueDateForm
from grants.evaluation.side_by_side import application_scores, stage_of
from grants.jobs import commit
from grants.models import Call
from grants.models.base import now_utc
from grants.rules.problems import InputError

bp = Blueprint("evaluation_progress", __name__)
PER_PAGE = 50


class ListPage(Pagination):
    """A page of rows already loaded and sorted in Python (the pager of templates/admin/_pager.html)."""

    def _query_items(self) -> list:
        start = (self.page - 1) * self.per_page
        return self._query_args["rows"][start:start + self.per_page]

    def _query_count(self) -> int:
        return len(self._query_args["rows"])


def _call(call_id: int) -> Call:
    call = load_call(call_id)
    if call is None:
        abort(404)
    return call


def _due_form(call: Call) -> DueDateForm:
    due = call.evaluation_due_at
    local = due.astimezone(ZoneInfo(call.timezone)).replace(tzinfo=None) if due else None
    return DueDateForm(formdata=None, data={"due_at": local})


def _page(call: Call, form: DueDateForm, status: int = 200):
    sort = request.args.get("sort")
    sort = sort if sort in SORTS else SORTS[0]
    view = progress(call)
    page = ListPage(per_page=PER_PAGE, error_out=False, rows=sort_rows(view.rows, sort))
    columns = max([call.evaluators_per_application, *(len(row.sheets) for row in page.items)])
    return render_template("evaluation/progress.html", call=call, view=view, page=page, sort=sort, sorts=SORTS,
                           columns=columns, form=form), status


@bp.get("/staff/calls/<int:call_id>/evaluation")
@role_required("staff")
def show(call_id: int):
    call = _call(call_id)
    return _page(call, _due_form(call))


@bp.post("/staff/calls/<int:call_id>/evaluation/due-date")
@role_required("staff")
def due_date(call_id: int):
    call, form = _call(call_id), DueDateForm()
    if form.validate():
        try:
            set_due_date(call, form.due_at.data, now_utc())
        except InputError as error:
            form.due_at.errors.append(issue_text(error))
        else:
            commit()
            flash(_("The evaluation due date was saved."), "success")
            return redirect(url_for(".show", call_id=call.id))
    return _page(call, form, 400)


@bp.get("/staff/calls/<int:call_id>/evaluation/<int:stage_id>")
@role_required("staff")
def scores(call_id: int, stage_id: int):
    call = _call(call_id)
    stage = stage_of(call, stage_id)
    if stage is None:
        abort(404)
    return render_template("evaluation/scores.html", call=call, view=application_scores(call, stage))
