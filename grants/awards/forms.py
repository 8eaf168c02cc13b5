"""Forms of the award pages (input only; the rules live in grants.awards.services.decisions)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, SelectChoice, TextAreaField
from wtforms.validators import InputRequired, Length

from grants.awards.services.decisions import JUSTIFICATION_MIN
from grants.calls.fields import DecimalText
from grants.i18n import lazy_gettext as _l

OUTCOME_CHOICES = [
    SelectChoice("awarded", _l("Awarded")),
    SelectChoice("reserve", _l("Reserve list")),
    SelectChoice("not_selected", _l("Not selected")),
]


def _justification():
    return TextAreaField(
        _l("Justification"),
        [
            InputRequired(message=_l("Write a justification.")),
            Length(
                min=JUSTIFICATION_MIN,
                message=_l("Write a justification of at least %(min)d characters."),
            ),
        ],
        filters=[lambda v: v.strip() if v else v],
    )


class ComputeForm(FlaskForm):
    discard_overrides = BooleanField(
        _l("Discard the decisions staff changed by hand and rank again")
    )


class OverrideForm(FlaskForm):
    outcome = RadioField(
        _l("New decision"),
        choices=OUTCOME_CHOICES,
        validators=[InputRequired(message=_l("Choose a decision."))],
    )
    amount = DecimalText(_l("Amount awarded"))
    # labelled with the call's minimum grant by the page (override_form)
    below_minimum = BooleanField(_l("I confirm an award below the call's minimum grant"))
    justification = _justification()


class PromoteForm(FlaskForm):
    lot = HiddenField()
    justification = _justification()


class ShortlistForm(FlaskForm):
    justification = _justification()
