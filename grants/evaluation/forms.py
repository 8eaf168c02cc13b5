"""Forms of the evaluation pages (input only; the rules live in grants.evaluation.services)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from grants.calls.forms import TIME_FORMATS
from grants.i18n import lazy_gettext as _l


def _int_or_none(value):
    return int(value) if value not in (None, "") else None


class AddEvaluatorForm(FlaskForm):
    user_id = SelectField(
        _l("Evaluator"),
        coerce=_int_or_none,
        validate_choice=False,
        validators=[InputRequired(message=_l("Choose an evaluator."))],
    )


class ManualAssignForm(FlaskForm):
    stage_id = SelectField(
        _l("Application"),
        coerce=_int_or_none,
        validate_choice=False,
        validators=[InputRequired(message=_l("Choose an application."))],
    )
    evaluator_id = SelectField(
        _l("Evaluator"),
        coerce=_int_or_none,
        validate_choice=False,
        validators=[InputRequired(message=_l("Choose an evaluator."))],
    )


class ImpartialityForm(FlaskForm):
    accept = BooleanField(
        _l("I have read this declaration and I sign it."),
        validators=[DataRequired(message=_l("Tick the box to sign the declaration."))],
    )


class ConflictForm(FlaskForm):
    declaration = RadioField(
        _l("Conflict of interest"),
        choices=[
            SelectChoice(
                "no_conflict",
                _l("No conflict: I have no conflict of interest with this application"),
            ),
            SelectChoice("conflict", _l("I have a conflict of interest")),
        ],
        validators=[InputRequired(message=_l("Choose one of the two declarations."))],
    )
    # kept with the declaration in the call's record (evaluation report, workbook, bundle)
    reason = TextAreaField(
        _l("Your conflict of interest (if you declare one)"), validators=[Length(max=2000)]
    )

    def validate_reason(self, field: TextAreaField) -> None:
        field.data = (field.data or "").strip()
        if self.declaration.data == "conflict" and not field.data:
            raise ValidationError(_l("Say what links you to the lead applicant or a partner."))


class RebalanceForm(FlaskForm):
    """The confirmation of a rebalancing proposal: the fingerprint of the assignments it was made
    from."""

    fingerprint = HiddenField(
        validators=[DataRequired(message=_l("Review the proposal, then confirm it."))]
    )


class DueDateForm(FlaskForm):
    due_at = DateTimeLocalField(_l("Evaluations due by"), [Optional()], format=TIME_FORMATS)
