"""Partner search, contact, partnership and invitation forms: input only, no database access."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from grants.auth.choices import country_choices, organisation_type_choices
from grants.auth.forms import AccountFields, OrganisationFields, _id_or_none, _strip, email_field
from grants.i18n import lazy_gettext as _l

MAX_ROLE = 2000
MAX_MESSAGE = 5000


class SearchForm(FlaskForm):
    """Filters read from the query string (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    q = StringField(
        _l("Name, region or description contains"), filters=[_strip], validators=[Length(max=200)]
    )
    country = SelectField(_l("Country"), validators=[Optional()])
    type = SelectField(_l("Type of organisation"), validators=[Optional()])
    theme = SelectField(_l("Theme"), validators=[Optional()])
    call_id = SelectField(
        _l("Eligible as a partner for the call"), coerce=_id_or_none, validators=[Optional()]
    )
    only_eligible = BooleanField(_l("Show only organisations eligible for this call"))

    def set_choices(self, themes: list[str], calls: list[tuple[int, str]]) -> None:
        self.country.choices = [SelectChoice("", _l("Any country"))] + country_choices()
        self.type.choices = [SelectChoice("", _l("Any type"))] + organisation_type_choices()
        self.theme.choices = [SelectChoice("", _l("Any theme"))] + [
            SelectChoice(t, t) for t in themes
        ]
        self.call_id.choices = [SelectChoice("", _l("Any call"))] + [
            SelectChoice(i, label) for i, label in calls
        ]

    def filter_values(self) -> dict[str, str]:
        """The text filters as typed; one that is not valid is left out (empty)."""
        return {
            name: "" if self[name].errors else self[name].data or ""
            for name in ("q", "country", "type", "theme")
        }


class ContactForm(FlaskForm):
    message = TextAreaField(
        _l("Your message"),
        filters=[_strip],
        validators=[
            DataRequired(_l("Write a message")),
            Length(max=MAX_MESSAGE, message=_l("Use at most %(max)d characters")),
        ],
    )
    submit = SubmitField(_l("Send the message"))


def role_field(label=None) -> TextAreaField:
    return TextAreaField(
        label or _l("Role in the project"),
        filters=[_strip],
        validators=[
            DataRequired(_l("Describe the partner's role in the project")),
            Length(max=MAX_ROLE, message=_l("Use at most %(max)d characters")),
        ],
    )


class PartnerForm(FlaskForm):
    organisation_id = SelectField(
        _l("Partner organisation"),
        coerce=_id_or_none,
        validate_choice=False,
        validators=[InputRequired(_l("Choose an organisation from the list"))],
    )
    role = role_field()
    submit = SubmitField(_l("Propose as partner"))

    def set_organisations(self, organisations: list[tuple[int, str]]) -> None:
        self.organisation_id.choices = [SelectChoice("", _l("Choose an organisation"))] + [
            SelectChoice(org_id, label) for org_id, label in organisations
        ]


class RoleForm(FlaskForm):
    role = role_field()
    submit = SubmitField(_l("Save the role"))


def role_forms_of(application) -> dict:
    """Partner id -> the form that changes its role, as saved."""
    return {p.id: RoleForm(prefix=f"partner-{p.id}", role=p.role) for p in application.partners}


class ConfirmForm(FlaskForm):
    seen = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l("Confirm our participation"))


class DeclineForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason (optional)"),
        filters=[_strip],
        validators=[Length(max=MAX_ROLE, message=_l("Use at most %(max)d characters"))],
    )
    submit = SubmitField(_l("Decline"))


LANGUAGES = [
    SelectChoice("en", "English"),
    SelectChoice("tr", "Türkçe"),
]  # each named in its own language


class InviteForm(FlaskForm):
    """Invite a partner authority that is not registered yet (fields prefixed: the page has other
    forms)."""

    name = StringField(
        _l("Name of the partner authority"),
        filters=[_strip],
        validators=[DataRequired(_l("Enter the name of the partner authority")), Length(max=200)],
    )
    country = SelectField(_l("Country"), validators=[DataRequired(_l("Choose the country"))])
    type = SelectField(
        _l("Type of organisation"),
        default="local_authority",
        validators=[DataRequired(_l("Choose the type of organisation"))],
    )
    email = email_field(
        _l("Enter the e-mail address of your contact person"), autocomplete="off"
    )  # not the user's
    locale = SelectField(
        _l("Language of the invitation"),
        choices=[SelectChoice("", _l("Choose…")), *LANGUAGES],
        default="en",
        validators=[DataRequired()],
    )
    role = role_field(_l("The partner's tasks in the project"))
    message = TextAreaField(
        _l("Personal message (optional)"),
        filters=[_strip],
        validators=[Length(max=MAX_MESSAGE, message=_l("Use at most %(max)d characters"))],
    )
    submit = SubmitField(_l("Send the invitation"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, prefix="invite", **kwargs)
        self.email.label.text = _l("E-mail address of your contact person")
        self.type.choices = [SelectChoice("", _l("Choose a type"))] + organisation_type_choices()
        self.country.choices = [SelectChoice("", _l("Choose a country"))] + country_choices()


class RegisterInvitedForm(OrganisationFields, AccountFields):
    """The invited contact person: the organisation's details and their own account (the invited
    address)."""

    submit = SubmitField(_l("Register"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        del self.email  # the invitation's address: the link proves it is theirs
