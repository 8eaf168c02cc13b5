"""The logical-framework page's form (input only): the objectives, then the results, each with its
indicators. Every field keeps what was typed, valid or not.

A draft may be incomplete: a row needs only its text (a result) or its description (an indicator)
to be saved; the unit, baseline and target are asked for at submission when the call requires a
logical framework (grants.rules.logframe). `read_logframe` returns what passed, for the service.
"""

from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    StringField,
    SubmitField,
    TextAreaField,
)

from grants.calls.fields import DecimalText
from grants.i18n import lazy_gettext as _l
from grants.logframe.services import IndicatorInput, ResultInput
from grants.models import Application

TEXT_LIMIT = 10000
VALUE_LIMIT = Decimal("1000000000000")  # Numeric(14, 2)
LIMITS = {"description": 300, "unit": 40, "source": TEXT_LIMIT}


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class IndicatorForm(Form):
    indicator_id = HiddenField()
    description = StringField(_l("Indicator"), filters=[_strip])
    unit = StringField(_l("Unit"), filters=[_strip])
    baseline = DecimalText(_l("Baseline"))
    target = DecimalText(_l("Target"))
    source = StringField(_l("Source of verification"), filters=[_strip])
    remove = BooleanField(_l("Remove"))

    def is_blank(self) -> bool:
        typed = [self.description.data, self.unit.data, self.source.data]
        typed += [f.raw_data[0] if f.raw_data else "" for f in (self.baseline, self.target)]
        return not any(typed)


class ResultForm(Form):
    result_id = HiddenField()
    text = TextAreaField(_l("Expected result"), filters=[_strip])
    indicators = FieldList(FormField(IndicatorForm), label=_l("Indicator"))
    remove = BooleanField(_l("Remove this result"))

    def is_blank(self) -> bool:
        return not self.text.data and all(
            e.form.is_blank() or e.form.remove.data for e in self.indicators
        )


class LogframeForm(Form):
    version = HiddenField()
    overall_objective = TextAreaField(_l("Overall objective"), filters=[_strip])
    specific_objective = TextAreaField(_l("Specific objective"), filters=[_strip])
    results = FieldList(FormField(ResultForm), label=_l("Result"))
    add_result = SubmitField(_l("Add a result"))
    # the value names the result (its row number from 0) that gets a blank indicator
    add_indicator = HiddenField()
    save_continue = SubmitField(_l("Save and continue"))
    save_draft = SubmitField(_l("Save as draft"))


def _indicator_data(indicator) -> dict:
    return {
        "indicator_id": indicator.id,
        "description": indicator.description,
        "unit": indicator.unit,
        "baseline": indicator.baseline,
        "target": indicator.target,
        "source": indicator.source,
    }


def _result_data(result) -> dict:
    return {
        "result_id": result.id,
        "text": result.text,
        "indicators": [_indicator_data(i) for i in result.indicators] or [{}],
    }


def logframe_form(application: Application, formdata=None) -> LogframeForm:
    """The form from the POST, or from what is saved: each result with its indicators (a blank one
    for a result without any), and a blank result when there is none."""
    data = {
        "version": application.version,
        "overall_objective": application.overall_objective,
        "specific_objective": application.specific_objective,
        "results": [_result_data(r) for r in application.results],
    }
    form = LogframeForm(formdata=formdata, data=data)
    if formdata is None and not application.results:
        add_blank_result(form)
    return form


def add_blank_result(form: LogframeForm) -> None:
    form.results.append_entry({"indicators": [{}]})


def add_blank_indicator(form: LogframeForm, index: int) -> None:
    if 0 <= index < len(form.results):
        form.results[index].form.indicators.append_entry()


def _text(field, limit: int, required: str | None = None) -> str | None:
    value = field.data or ""
    if required and not value:
        field.errors.append(required)
    elif len(value) > limit:
        field.errors.append(_("Use at most %(max)d characters.", max=limit))
    else:
        return value
    return None


def _value(field) -> Decimal | None:
    """A baseline or target: blank, or a number of 0 or more (the field read it in the locale)."""
    if field.errors or field.data is None:
        return None
    if field.data < 0:
        field.errors.append(_("Enter a number of 0 or more."))
    elif field.data >= VALUE_LIMIT:
        field.errors.append(_("This number is too large."))
    return field.data if not field.errors else None


def _indicator_values(f: IndicatorForm) -> dict | None:
    values = {
        "description": _text(f.description, LIMITS["description"], _("Describe the indicator.")),
        "unit": _text(f.unit, LIMITS["unit"]),
        "source": _text(f.source, LIMITS["source"]),
        "baseline": _value(f.baseline),
        "target": _value(f.target),
    }
    return None if any(field.errors for field in f) else values


def _row_id(field) -> int | None:
    # str(): a row posted without its id keeps the saved row's id, an int
    return int(field.data) if str(field.data or "").isdigit() else None


def read_logframe(form: LogframeForm) -> tuple[dict, list[tuple[object, ResultInput]]]:
    """The valid objectives, and (form row, input) for each result to keep, with its indicators.
    Removed and blank rows are left out, so the service deletes what they showed."""
    objectives = {
        name: value
        for name in ("overall_objective", "specific_objective")
        if (value := _text(form[name], TEXT_LIMIT)) is not None
    }
    rows = []
    for entry in form.results:
        f = entry.form
        if f.remove.data or f.is_blank():
            continue
        indicators = [
            (item, IndicatorInput(_row_id(item.form.indicator_id), _indicator_values(item.form)))
            for item in f.indicators
            if not item.form.remove.data and not item.form.is_blank()
        ]
        text = _text(f.text, TEXT_LIMIT, _("Describe the expected result."))
        rows.append((entry, ResultInput(_row_id(f.result_id), text, indicators)))
    return objectives, rows
