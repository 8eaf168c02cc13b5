"""The words and shapes of the evaluation pages: the score names, the choices of the pool page's
forms, the due date as its form shows it, a pager over rows sorted in Python."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from wtforms import SelectChoice

from grants.evaluation.forms import AddEvaluatorForm, DueDateForm, ManualAssignForm
from grants.i18n import lazy_gettext as _l
from grants.models import Call

SCORE_LABELS = {
    1: _l("very poor"),
    2: _l("poor"),
    3: _l("adequate"),
    4: _l("good"),
    5: _l("very good"),
}


def blank() -> SelectChoice:
    return SelectChoice("", _("Choose…"))


def pool_choices(view, add_form: AddEvaluatorForm, assign_form: ManualAssignForm) -> None:
    """The choices of the pool page's forms: the candidates, the stages, the pool's evaluators."""
    add_form.user_id.choices = [blank()] + [
        SelectChoice(u.id, f"{u.name} ({u.email})") for u in view.candidates
    ]
    assign_form.stage_id.choices = [blank()] + [
        SelectChoice(
            row.stage.id, f"{row.stage.application.reference} – {row.stage.application.title}"
        )
        for row in view.stages
    ]
    assign_form.evaluator_id.choices = [blank()] + [
        SelectChoice(row.member.user_id, row.member.user.name) for row in view.rows
    ]


def due_form(call: Call) -> DueDateForm:
    due = call.evaluation_due_at
    local = due.astimezone(ZoneInfo(call.timezone)).replace(tzinfo=None) if due else None
    return DueDateForm(formdata=None, data={"due_at": local})
