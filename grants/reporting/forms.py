"""The report forms (input only): the lead's report (narrative, costs per budget line, achieved
values), the verification upload, staff's review (accepted costs, comments). Amounts are typed as
the reader's locale writes them ('2.500,50' in Turkish) and kept as typed on errors."""

from __future__ import annotations

from decimal import Decimal

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import FieldList, Form, FormField, HiddenField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from grants.calls.fields import DecimalText
from grants.i18n import lazy_gettext as _l
from grants.models import Grant, GrantReport

TEXT_LIMIT = 20000
AMOUNT = [
    InputRequired(message=_l("Enter an amount (0 if none).")),
    NumberRange(min=0, max=Decimal("999999999999.99"), message=_l("Enter an amount of 0 or more.")),
]


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class CostForm(Form):
    line_id = HiddenField()
    actual = DecimalText(_l("Actual cost"), validators=AMOUNT, cents=True)


class AchievedForm(Form):
    row_id = HiddenField()
    achieved = DecimalText(
        _l("Achieved"),
        validators=[Optional(), NumberRange(min=0, message=_l("Enter a number of 0 or more."))],
    )
    comment = TextAreaField(_l("Comment"), filters=[_strip], validators=[Length(max=2000)])


class ReportForm(FlaskForm):
    version = HiddenField()
    activities = TextAreaField(
        _l("Activities done"), filters=[_strip], validators=[Length(max=TEXT_LIMIT)]
    )
    lines = FieldList(FormField(CostForm))
    indirect = DecimalText(_l("Indirect costs"), validators=AMOUNT, cents=True)
    contingency = DecimalText(_l("Contingency used"), validators=AMOUNT, cents=True)
    indicators = FieldList(FormField(AchievedForm))
    save = SubmitField(_l("Save"))
    send = SubmitField(_l("Save and send to staff"))


def report_form(report: GrantReport, formdata=None) -> ReportForm:
    data = {
        "version": report.version,
        "activities": report.activities,
        "indirect": report.reported_indirect,
        "contingency": report.reported_contingency,
        "lines": [{"line_id": line.id, "actual": line.actual} for line in report.lines],
        "indicators": [
            {"row_id": row.id, "achieved": row.achieved, "comment": row.comment}
            for row in report.indicators
        ],
    }
    return ReportForm(formdata=formdata, data=data)


def _row_id(field) -> int | None:
    return int(field.data) if str(field.data or "").isdigit() else None


def read_report(form: ReportForm):
    """(activities, indirect, contingency, {line id: actual}, {row id: (achieved, comment)})."""
    actuals = {
        _row_id(e.form.line_id): e.form.actual.data
        for e in form.lines
        if _row_id(e.form.line_id) is not None
    }
    achieved = {
        _row_id(e.form.row_id): (e.form.achieved.data, e.form.comment.data or "")
        for e in form.indicators
        if _row_id(e.form.row_id) is not None
    }
    return form.activities.data or "", form.indirect.data, form.contingency.data, actuals, achieved


class VerificationForm(FlaskForm):
    file = FileField(
        _l("Expenditure verification report (PDF)"),
        validators=[FileRequired(message=_l("Choose the PDF to upload."))],
    )


class OpenForm(FlaskForm):
    kind = HiddenField(validators=[InputRequired()])
    period = HiddenField(validators=[InputRequired()])


class AcceptForm(Form):
    line_id = HiddenField()
    accepted = DecimalText(_l("Accepted"), cents=True)
    reason = TextAreaField(
        _l("Reason for the part set aside"), filters=[_strip], validators=[Length(max=2000)]
    )


class ReviewForm(FlaskForm):
    lines = FieldList(FormField(AcceptForm))
    contingency = DecimalText(_l("Contingency authorised"), cents=True)
    comments = TextAreaField(
        _l("Comments to the lead"), filters=[_strip], validators=[Length(max=TEXT_LIMIT)]
    )
    accept = SubmitField(_l("Save the accepted costs"))
    approve = SubmitField(_l("Approve the report"))
    send_back = SubmitField(_l("Return the report with comments"))


def review_form(grant: Grant, report: GrantReport, formdata=None) -> ReviewForm:
    data = {
        "lines": [
            {
                "line_id": line.id,
                "accepted": line.actual if line.accepted is None else line.accepted,
                "reason": line.set_aside_reason,
            }
            for line in report.lines
        ],
        "contingency": grant.authorised_contingency,
        "comments": report.comments,
    }
    return ReviewForm(formdata=formdata, data=data)


def read_reviews(form: ReviewForm) -> dict[int, tuple[Decimal | None, str]]:
    return {
        _row_id(e.form.line_id): (e.form.accepted.data, e.form.reason.data or "")
        for e in form.lines
        if _row_id(e.form.line_id) is not None
    }
