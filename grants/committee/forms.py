"""Forms of the committee pages (input only; the rules live in grants.rules.committee)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from grants.calls.fields import MultiCheckboxField
from grants.i18n import lazy_gettext as _l


def _int_or_none(value):
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def role_choices() -> list[tuple[str, str]]:
    return [
        ("", _l("Choose…")),
        ("chair", _l("Chair (non-voting)")),
        ("secretary", _l("Secretary (non-voting)")),
        ("voting", _l("Voting member")),
        ("observer", _l("Observer")),
    ]


class MemberForm(FlaskForm):
    user_id = SelectField(
        _l("Person"),
        coerce=_int_or_none,
        validate_choice=False,
        validators=[InputRequired(message=_l("Choose a staff user or an evaluator."))],
    )
    role = SelectField(
        _l("Role on the committee"),
        choices=role_choices,
        validators=[InputRequired(message=_l("Choose a role."))],
    )


class MeetingDay(DateField):
    """The meeting's day as the browser's date picker sends it (2027-05-20)."""

    def process_formdata(self, valuelist) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(_l("Enter a day such as 2027-05-20.")) from error


class MinutesForm(FlaskForm):
    meeting_date = MeetingDay(
        _l("Date of the meeting"),
        validators=[InputRequired(message=_l("Enter the date of the meeting."))],
    )
    attendees: SelectMultipleField = MultiCheckboxField(
        _l("Attendees"), coerce=int, validate_choice=False
    )
    decisions = TextAreaField(
        _l("Decisions"),
        validators=[
            DataRequired(message=_l("Write the decisions of the meeting.")),
            Length(max=20000),
        ],
    )


class DeclarationForm(FlaskForm):
    accept = BooleanField(
        _l("I have read this declaration and I sign it."),
        validators=[DataRequired(message=_l("Tick the box to sign the declaration."))],
    )
