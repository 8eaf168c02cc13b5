"""Submission forms (input only): upload an attachment, withdraw with a reason."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from grants.i18n import lazy_gettext as _l

REASON_LIMIT = 2000


class UploadForm(FlaskForm):
    document = SelectField(
        _l("Document"),
        validate_choice=True,
        validators=[InputRequired(message=_l("Choose which document this is."))],
    )
    file = FileField(_l("File"), validators=[FileRequired(message=_l("Choose a file to upload."))])


class WithdrawForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason for withdrawing"),
        validators=[
            DataRequired(message=_l("Enter the reason for withdrawing.")),
            Length(max=REASON_LIMIT, message=_l("The reason must be %(max)d characters or fewer.")),
        ],
        filters=[lambda value: value.strip() if value else value],
    )
