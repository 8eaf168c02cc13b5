"""The check form (input only): the manual checks ticked, further reasons, the decision."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectChoice, TextAreaField
from wtforms.validators import InputRequired, Length

from grants.admissibility.presenters import MANUAL_CHECKS
from grants.i18n import lazy_gettext as _l

REASON_LIMIT = 2000


class DecisionForm(FlaskForm):
    further_reasons = TextAreaField(
        _l("Further reasons"),
        validators=[
            Length(
                max=REASON_LIMIT,
                message=_l("The further reasons must be %(max)d characters or fewer."),
            ),
        ],
        filters=[lambda value: value.strip() if value else value],
    )
    decision = RadioField(
        _l("Decision"),
        choices=[
            SelectChoice("admissible", _l("Admissible")),
            SelectChoice("inadmissible", _l("Inadmissible")),
        ],
        validators=[InputRequired(message=_l("Choose the decision: admissible or inadmissible."))],
    )

    def manual_fields(self) -> list:
        return [self[f"manual_{item.key}"] for item in MANUAL_CHECKS]

    def ticked(self) -> set[str]:
        return {item.key for item in MANUAL_CHECKS if self[f"manual_{item.key}"].data}


for _item in MANUAL_CHECKS:
    setattr(DecisionForm, f"manual_{_item.key}", BooleanField(_item.label))
