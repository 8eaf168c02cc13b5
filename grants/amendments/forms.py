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
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from grants.calls.fields import DecimalText
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


class _BudgetBase(FlaskForm):
    indirect = DecimalText(_l("Indirect costs"), validators=[InputRequired()], cents=True)
    contingency = DecimalText(_l("Contingency reserve"), validators=[InputRequired()], cents=True)
    max_grant = DecimalText(
        _l("Maximum grant (leave blank to keep it, within the grant rate)"),
        validators=[Optional()],
        cents=True,
    )
    justification = TextAreaField(JUSTIFICATION, validators=[DataRequired(), Length(max=5000)])


def budget_form(line_ids: list[int], **kw) -> FlaskForm:
    """A budget request form with one amount per line of the current contract budget
    (`line_<id>`)."""

    class BudgetForm(_BudgetBase):
        pass

    for line_id in line_ids:
        setattr(
            BudgetForm,
            f"line_{line_id}",
            DecimalText(_l("Amount"), validators=[InputRequired()], cents=True),
        )
    return BudgetForm(**kw)


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
