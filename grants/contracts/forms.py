"""Forms of the contract pages (input only; the IBAN and BIC rules live in
grants.rules.contract)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from grants.calls.fields import DecimalText
from grants.i18n import lazy_gettext as _l
from grants.labels import GRANT_STATUS_LABELS


def _version(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class Versioned(FlaskForm):
    """A form that carries the version of the grant the page showed (a stale one is refused)."""

    version = HiddenField(filters=[_version])


class StartDay(DateField):
    """A day as the browser's date picker sends it (2027-05-20)."""

    def process_formdata(self, valuelist) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(_l("Enter a day such as 2027-05-20.")) from error


class AccountForm(Versioned):
    account_holder = StringField(
        _l("Account holder"), validators=[Length(max=200, message=_l("At most 200 characters."))]
    )
    iban = StringField(
        _l("IBAN"), validators=[Length(max=50, message=_l("At most 50 characters."))]
    )
    bic = StringField(
        _l("BIC (SWIFT code), optional"),
        validators=[Length(max=20, message=_l("At most 20 characters."))],
    )
    bank_name = StringField(
        _l("Name of the bank"), validators=[Length(max=200, message=_l("At most 200 characters."))]
    )
    set_start = StartDay(_l("Later start date, optional"), validators=[Optional()])


class BudgetFields(FlaskForm):
    """A contract budget as typed: indirect costs, contingency and an optional lower maximum
    grant (the amounts per line are added by `with_lines`). Used by the draft's correction here
    and by the lead's budget amendment (grants.amendments.forms)."""

    indirect = DecimalText(_l("Indirect costs"), validators=[InputRequired()], cents=True)
    contingency = DecimalText(_l("Contingency reserve"), validators=[InputRequired()], cents=True)
    max_grant = DecimalText(
        _l("Maximum grant (leave blank to keep it, within the grant rate)"),
        validators=[Optional()],
        cents=True,
    )


def with_lines(base: type[FlaskForm], line_ids: list[int], **kw) -> FlaskForm:
    """A form of class `base` with one amount per budget line (`line_<id>`)."""

    class BudgetForm(base):
        pass

    for line_id in line_ids:
        setattr(
            BudgetForm,
            f"line_{line_id}",
            DecimalText(_l("Amount"), validators=[InputRequired()], cents=True),
        )
    return BudgetForm(**kw)


class DraftBudget(Versioned, BudgetFields):
    """The draft contract's budget correction."""


class AcceptForm(Versioned):
    confirm = BooleanField(
        _l("I have read the contract and accept it on behalf of the lead applicant."),
        validators=[
            DataRequired(message=_l("Tick the box to confirm that you accept the contract."))
        ],
    )


class UploadSignedForm(Versioned):
    file = FileField(
        _l("The contract signed, as a PDF"),
        validators=[FileRequired(message=_l("Choose the signed contract (PDF) to upload."))],
    )


def status_choices() -> list[tuple[str, str]]:
    return [("", _l("All statuses"))] + list(GRANT_STATUS_LABELS.items())


class GrantFilterForm(FlaskForm):
    class Meta:
        csrf = False

    call = SelectField(_l("Call"), validate_choice=False)
    status = SelectField(_l("Status"), choices=status_choices)
