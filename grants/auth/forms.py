"""Account and organisation forms: input only, no database access."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)

from grants.auth.choices import country_choices, organisation_type_choices
from grants.i18n import lazy_gettext as _l

MIN_PASSWORD = 10
MAX_POPULATION = 100_000_000


def _strip(value: str | None) -> str | None:
    """Trim the text and drop NUL characters, which no database column accepts."""
    return value.replace("\x00", "").strip() if isinstance(value, str) else value


def _email(value: str | None) -> str | None:
    return _strip(value).lower() if value else value


def _id_or_none(value: object) -> int | None:
    return int(value) if value not in (None, "") else None


def email_field(required: str | None = None, autocomplete: str = "email") -> EmailField:
    """An e-mail address; `autocomplete`: "email" for the user's own (WCAG 1.3.5), "off" for someone
    else's."""
    return EmailField(
        _l("Email address"),
        filters=[_email],
        validators=[
            DataRequired(required or _l("Enter your email address")),
            Email(_l("Enter an email address like name@example.org")),
            Length(max=254),
        ],
        render_kw={"autocomplete": autocomplete},
    )


def new_password_fields() -> tuple[PasswordField, PasswordField]:
    password = PasswordField(
        _l("Password"),
        validators=[
            DataRequired(_l("Enter a password")),
            Length(min=MIN_PASSWORD, message=_l("Use at least %(min)d characters")),
            Length(max=200, message=_l("Use at most %(max)d characters")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Confirm password"),
        validators=[
            DataRequired(_l("Enter the password again")),
            EqualTo("password", _l("The two passwords do not match")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    return password, confirm


class LoginForm(FlaskForm):
    email = email_field(autocomplete="username")  # what password managers fill in on a login form
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Enter your password"))],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("Remember me on this computer"))
    submit = SubmitField(_l("Log in"))


class OrganisationFields(FlaskForm):
    name = StringField(
        _l("Name of the local authority"),
        filters=[_strip],
        validators=[DataRequired(_l("Enter the name of the local authority")), Length(max=200)],
        render_kw={"autocomplete": "organization"},
    )
    type = SelectField(
        _l("Type of organisation"), validators=[DataRequired(_l("Choose the type of organisation"))]
    )
    country = SelectField(
        _l("Country"),
        validators=[DataRequired(_l("Choose the country"))],
        render_kw={"autocomplete": "country"},
    )
    region = StringField(
        _l("Region"),
        filters=[_strip],
        validators=[Length(max=120)],
        render_kw={"autocomplete": "address-level1"},
    )
    population = IntegerField(
        _l("Population"),
        validators=[
            Optional(),
            NumberRange(
                min=0,
                max=MAX_POPULATION,
                message=_l("Enter a whole number from %(min)s to %(max)s"),
            ),
        ],
    )
    legal_id = StringField(_l("Legal identifier"), filters=[_strip], validators=[Length(max=64)])
    address = TextAreaField(
        _l("Address"),
        filters=[_strip],
        validators=[Length(max=2000)],
        render_kw={"autocomplete": "street-address"},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.type.choices = [SelectChoice("", _l("Choose a type"))] + organisation_type_choices()
        self.country.choices = [SelectChoice("", _l("Choose a country"))] + country_choices()


class AccountFields(FlaskForm):
    full_name = StringField(
        _l("Your full name"),
        filters=[_strip],
        validators=[DataRequired(_l("Enter your full name")), Length(max=200)],
        render_kw={"autocomplete": "name"},
    )
    email = email_field()
    password, confirm = new_password_fields()


class RegisterForm(OrganisationFields, AccountFields):
    submit = SubmitField(_l("Register"))


class JoinForm(AccountFields):
    # one of the verified organisations the search offered (radio buttons: the page lists no others)
    organisation_id = IntegerField(
        _l("Your organisation"),
        validators=[
            InputRequired(_l("Search for your organisation and choose it from the results."))
        ],
    )
    submit = SubmitField(_l("Register"))


class ProfileForm(OrganisationFields):
    seeking_partner = BooleanField(_l("We are looking for a partner"))
    partner_themes = StringField(
        _l("Themes of interest"), filters=[_strip], validators=[Length(max=1000)]
    )
    partner_description = TextAreaField(
        _l("Partner-search description"), filters=[_strip], validators=[Length(max=5000)]
    )
    partner_languages = StringField(
        _l("Working languages"), filters=[_strip], validators=[Length(max=300)]
    )
    submit = SubmitField(_l("Save"))


class ChangeEmailForm(FlaskForm):
    email = email_field()
    submit = SubmitField(_l("Send the link to this address"))


class ResetRequestForm(FlaskForm):
    email = email_field()
    submit = SubmitField(_l("Send me a link"))


class SetPasswordForm(FlaskForm):
    password, confirm = new_password_fields()
    submit = SubmitField(_l("Save password"))


class ChangePasswordForm(FlaskForm):
    current = PasswordField(
        _l("Current password"),
        validators=[DataRequired(_l("Enter your current password"))],
        render_kw={"autocomplete": "current-password"},
    )
    password, confirm = new_password_fields()
    submit = SubmitField(_l("Change password"))


class ReminderChoicesForm(FlaskForm):
    """The kinds of reminders the user wants (the boxes left ticked); choices set by the route."""

    send = SelectMultipleField(_l("Reminders"), choices=[], validate_choice=True)
    save_reminders = SubmitField(_l("Save reminder choices"))
