"""Input of the amendments pages: the three kinds of request, the decision, the termination."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length

from grants.contracts.forms import BudgetFields, with_lines
from grants.i18n import lazy_gettext as _l

JUSTIFICATION = _l("Justification")


class EndDateForm(FlaskForm):
    end_date = DateField(_l("New end date"), validators=[InputRequired()])
    justification = TextAreaField(JUSTIFICATION, validators=[DataRequired(), Length(max=5000)])


class PartnerForm(FlaskForm):
    remove = SelectField(_l("Partner to remove"), coerce=str, validate_choice=False)
    add = SelectField(_l("Organisation to add"), coerce=str, validate_choice=False)
    role = StringField(_l("Role of the organisation added"), validators=[Length(max=500)])
    justification = TextAreaField(JUSTIFICATION, validators=[DataRequired(), Length(max=5000)])


class _BudgetBase(BudgetFields):
    justification = TextAreaField(JUSTIFICATION, validators=[DataRequired(), Length(max=5000)])


def budget_form(line_ids: list[int], **kw) -> FlaskForm:
    """A budget request form with one amount per line of the current contract budget
    (`line_<id>`)."""
    return with_lines(_BudgetBase, line_ids, **kw)


class DecisionForm(FlaskForm):
    decision = SelectField(
        _l("Decision"),
        choices=[
            SelectChoice("", _l("Choose…")),
            SelectChoice("approve", _l("Approve")),
            SelectChoice("refuse", _l("Refuse")),
        ],
        validators=[DataRequired()],
    )
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=5000)])


class WithdrawForm(FlaskForm):
    pass


class TerminateForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason for the termination"), validators=[DataRequired(), Length(max=5000)]
    )
    confirm = BooleanField(
        _l("I confirm the termination of this grant and the recovery it computes."),
        validators=[DataRequired()],
    )
