"""Administration forms: input only."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from grants.auth.forms import _strip, email_field
from grants.i18n import lazy_gettext as _l
from grants.models import Role

ROLE_LABELS = {
    Role.applicant: _l("Applicant"),
    Role.evaluator: _l("Evaluator"),
    Role.staff: _l("Programme staff"),
    Role.admin: _l("Administrator"),
}


def role_label(role: Role | str) -> str:
    return str(ROLE_LABELS[Role(role)])


def role_choices(roles: list[Role]) -> list[SelectChoice]:
    return [SelectChoice(r.value, ROLE_LABELS[r]) for r in roles]


class InviteForm(FlaskForm):
    name = StringField(
        _l("Full name"),
        filters=[lambda v: v.strip() if v else v],
        validators=[DataRequired(_l("Enter the person's full name")), Length(max=200)],
        render_kw={"autocomplete": "off"},
    )  # someone else's: not the staff member's own
    email = email_field(_l("Enter the person's email address"), autocomplete="off")
    role = SelectField(_l("Role"), validators=[DataRequired(_l("Choose a role"))])
    submit = SubmitField(_l("Send invitation"))


class RoleForm(FlaskForm):
    role = SelectField(
        _l("Role"),
        choices=[SelectChoice("", _l("Choose a role"))] + role_choices(list(Role)),
        validators=[DataRequired(_l("Choose a role"))],
    )
    submit = SubmitField(_l("Change role"))


class RejectForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason for the rejection"),
        filters=[_strip],
        validators=[
            DataRequired(_l("Enter the reason: the organisation's users receive it by e-mail")),
            Length(max=2000),
        ],
    )
    submit = SubmitField(_l("Reject this registration"))
