"""The check's forms (input only): the manual checks ticked, further reasons, the decision; a
document asked of the lead; an override of an automatic check; the lead's upload."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length

from grants.admissibility.presenters import AUTOMATIC_CHECKS, MANUAL_CHECKS
from grants.i18n import lazy_gettext as _l

REASON_LIMIT = 2000


class DecisionForm(FlaskForm):
    further_reasons = TextAreaField(
        _l("Further reasons"),
        validators=[
            Length(
                max=REASON_LIMIT,
                message=_l("The further reasons must be %(max)d characters or fewer."),
            ),
        ],
        filters=[lambda value: value.strip() if value else value],
    )
    decision = RadioField(
        _l("Decision"),
        choices=[
            SelectChoice("admissible", _l("Admissible")),
            SelectChoice("inadmissible", _l("Inadmissible")),
        ],
        validators=[InputRequired(message=_l("Choose the decision: admissible or inadmissible."))],
    )

    def manual_fields(self) -> list:
        return [self[f"manual_{item.key}"] for item in MANUAL_CHECKS]

    def ticked(self) -> set[str]:
        return {item.key for item in MANUAL_CHECKS if self[f"manual_{item.key}"].data}


for _item in MANUAL_CHECKS:
    setattr(DecisionForm, f"manual_{_item.key}", BooleanField(_item.label))


def _strip(value):
    return value.strip() if value else value


class AskForm(FlaskForm):
    """Staff ask the lead for a document (presenters.document_choices) by a date."""

    document = SelectField(
        _l("Document"),
        validate_choice=True,
        validators=[InputRequired(message=_l("Choose the document you ask for."))],
    )
    other = StringField(
        _l("Which document (if another one)"),
        filters=[_strip],
        validators=[
            Length(max=200, message=_l("The document's name must be %(max)d characters or fewer."))
        ],
    )
    message = TextAreaField(
        _l("Message to the lead applicant"),
        filters=[_strip],
        validators=[
            DataRequired(
                message=_l("Say what is missing or defective and what the lead must send.")
            ),
            Length(max=2000, message=_l("The message must be %(max)d characters or fewer.")),
        ],
    )
    due_date = DateField(
        _l("Deadline (end of the day, the call's time zone)"),
        validators=[InputRequired(message=_l("Enter the deadline as a date."))],
    )


class OverrideForm(FlaskForm):
    """Staff's result for one automatic check, and why."""

    check = SelectField(
        _l("Automatic check"),
        validate_choice=True,
        choices=[
            SelectChoice("", _l("Choose…")),
            *(SelectChoice(key, label) for key, label in AUTOMATIC_CHECKS),
        ],
        validators=[InputRequired(message=_l("Choose the automatic check to override."))],
    )
    outcome = RadioField(
        _l("Result"),
        choices=[
            SelectChoice("met", _l("The check is met")),
            SelectChoice("not_met", _l("The check is not met")),
        ],
        validators=[InputRequired(message=_l("Choose the result: met or not met."))],
    )
    reason = TextAreaField(
        _l("Reason for the override"),
        filters=[_strip],
        validators=[
            DataRequired(message=_l("Enter the reason for overriding the automatic check.")),
            Length(max=REASON_LIMIT, message=_l("The reason must be %(max)d characters or fewer.")),
        ],
    )


class AnswerForm(FlaskForm):
    """The lead's upload of the requested document."""

    file = FileField(_l("File"), validators=[FileRequired(message=_l("Choose a file to upload."))])
