"""Input of the call documents, clarifications and corrigenda pages (no rules here: the services
decide)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    DateTimeLocalField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from grants.calldocs.presenters import KIND_LABELS, LANGUAGE_LABELS
from grants.i18n import lazy_gettext as _l
from grants.rules.clarifications import ANSWER_LIMIT, QUESTION_LIMIT

TIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]


def _strip(value: str | None) -> str:
    return value.strip() if value else ""


class DocumentForm(FlaskForm):
    kind = SelectField(
        _l("Document"),
        choices=[SelectChoice("", _l("Choose…"))]
        + [SelectChoice(k.value, label) for k, label in KIND_LABELS.items()],
        validators=[InputRequired(message=_l("Choose which document this is."))],
    )
    language = SelectField(
        _l("Language"),
        choices=[SelectChoice("", _l("Choose…"))]
        + [SelectChoice(code, label) for code, label in LANGUAGE_LABELS.items()],
        validators=[InputRequired(message=_l("Choose the document's language."))],
    )
    title = StringField(_l("Title (for another document)"), [Length(max=200)], filters=[_strip])
    file = FileField(_l("File"))


class ReplaceForm(FlaskForm):
    """One per document on the staff page, told apart by a prefix."""

    file = FileField(_l("New file"))


class QuestionForm(FlaskForm):
    text = TextAreaField(
        _l("Your question"),
        [DataRequired(message=_l("Enter your question.")), Length(max=QUESTION_LIMIT)],
        filters=[_strip],
    )


class AnswerForm(FlaskForm):
    public_text = TextAreaField(
        _l("Question as published"),
        [
            DataRequired(message=_l("Enter the question as it is to be published.")),
            Length(max=QUESTION_LIMIT),
        ],
        filters=[_strip],
    )
    answer = TextAreaField(
        _l("Answer"),
        [DataRequired(message=_l("Enter the answer.")), Length(max=ANSWER_LIMIT)],
        filters=[_strip],
    )


class WindowsForm(FlaskForm):
    question_window_days = IntegerField(
        _l("Questions close this many days before the first deadline"),
        [InputRequired(message=_l("Enter a whole number of days."))],
    )
    answer_window_days = IntegerField(
        _l("Answers are published until this many days before the first deadline"),
        [InputRequired(message=_l("Enter a whole number of days."))],
    )


class CorrigendumForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason for the corrigendum"),
        [DataRequired(message=_l("Enter the reason for the corrigendum.")), Length(max=4000)],
        filters=[_strip],
    )
    concept_note_deadline = DateTimeLocalField(
        _l("New concept-note deadline"), [Optional()], format=TIME_FORMATS
    )
    deadline = DateTimeLocalField(
        _l("New full-application deadline"), [Optional()], format=TIME_FORMATS
    )
    document = SelectField(_l("Document to replace"), choices=[], validate_choice=True, default="")
    file = FileField(_l("New file of the document"))
