"""The audit log's filters (input only; read from the query string, so a filtered page has its own
address)."""

from __future__ import annotations

from wtforms import DateField, Form, SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from grants.i18n import lazy_gettext as _l


def _int_or_none(value):
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


class Day(DateField):
    """A day typed as the browser's date picker sends it (2026-12-07), with a message that says
    so."""

    def process_formdata(self, valuelist) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(_l("Enter a day such as 2026-12-07.")) from error


class FilterForm(Form):
    call = SelectField(_l("Call"), coerce=_int_or_none, validate_choice=False)
    application = StringField(
        _l("Application reference"),
        validators=[Length(max=40)],
        filters=[lambda text: (text or "").strip().upper()],
    )
    user = StringField(
        _l("Who (name or email address)"),
        validators=[Length(max=200)],
        filters=[lambda text: (text or "").replace("\x00", "").strip()],
    )
    since = Day(_l("From (day)"), validators=[Optional()])
    until = Day(_l("To (day, included)"), validators=[Optional()])

    def validate_until(self, field: DateField) -> None:
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(_l("The last day must be on or after the first day."))
