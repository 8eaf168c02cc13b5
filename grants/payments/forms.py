"""Forms of the payments page (input only; the rules are grants.rules.payment_schedule's and the
services')."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from grants.calls.fields import DecimalText
from grants.i18n import lazy_gettext as _l


def kind_choices() -> list[tuple[str, str]]:
    return [
        ("", _l("Choose…")),
        ("prefinancing", _l("Pre-financing")),
        ("balance", _l("Balance")),
        ("recovery", _l("Recovery (received from the beneficiary)")),
    ]


class ValueDate(DateField):
    """The value date as the browser's date picker sends it (2027-02-15)."""

    def process_formdata(self, valuelist) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(_l("Enter a day such as 2027-02-15.")) from error


class PaymentForm(FlaskForm):
    kind = SelectField(
        _l("Kind"),
        choices=kind_choices,
        validators=[InputRequired(message=_l("Choose the kind of payment."))],
    )
    amount = DecimalText(
        _l("Amount"), validators=[InputRequired(message=_l("Enter the amount paid."))]
    )
    value_date = ValueDate(
        _l("Value date"), validators=[InputRequired(message=_l("Enter the value date."))]
    )
    reference = StringField(
        _l("Bank or order reference"),
        validators=[Length(max=80, message=_l("At most 80 characters."))],
    )
    note = TextAreaField(
        _l("Note"), validators=[Length(max=2000, message=_l("At most 2,000 characters."))]
    )
