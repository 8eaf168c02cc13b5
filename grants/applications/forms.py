"""Forms for the project and budget pages (input only). Every field keeps what was typed, valid or
not.

A draft may be incomplete, so nothing is required here: the checks are about form (a number, a
range, a choice); `project_values` and `read_budget` return only the values that passed, which the
service saves.
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
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Length, NumberRange, Optional
from wtforms.widgets import TextInput

from grants.applications.conflicts import LineInput
from grants.applications.queries.staff_list import SORTS, StaffFilters
from grants.calls.fields import DecimalText
from grants.i18n import lazy_gettext as _l
from grants.labels import HEADING_LABELS
from grants.models import Application, Call, Procedure, Stage, StageStatus
from grants.models.applications import PROJECT_FIELDS

TEXT_LIMIT = 10000
MONEY_LIMIT = Decimal("1000000000000")  # Numeric(14, 2)
QUANTITY_LIMIT = Decimal("100000000")  # Numeric(12, 4)
AMOUNTS = ("indirect", "contingency", "requested_grant")


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class _MaxLength(Length):
    """Length without the HTML maxlength, which would cut pasted text without telling."""

    def __init__(self, limit: int) -> None:
        super().__init__(max=limit, message=_l("Use at most %(max)d characters."))
        self.field_flags = {}


class WholeNumber(IntegerField):
    """An integer typed in a text box (a number box drops what is not a number), kept as typed."""

    widget = TextInput()

    def __init__(self, *args, **kw) -> None:
        super().__init__(*args, render_kw={"inputmode": "numeric"}, **kw)

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = None
        text = (valuelist[0] if valuelist else "").strip()
        if text:
            try:
                self.data = int(text)
            except ValueError:
                raise ValueError(_("Enter a whole number, such as 12.")) from None


class ProjectForm(Form):
    version = HiddenField()
    lot = SelectField(_l("Lot"), choices=[])
    title = StringField(_l("Project title"), [_MaxLength(300)], filters=[_strip])
    acronym = StringField(_l("Acronym"), [_MaxLength(40)], filters=[_strip])
    theme = SelectField(_l("Theme"), choices=[])
    summary = TextAreaField(_l("Summary"), [_MaxLength(5000)], filters=[_strip])
    objectives = TextAreaField(_l("Objectives"), [_MaxLength(TEXT_LIMIT)], filters=[_strip])
    activities = TextAreaField(_l("Activities"), [_MaxLength(TEXT_LIMIT)], filters=[_strip])
    expected_results = TextAreaField(
        _l("Expected results"), [_MaxLength(TEXT_LIMIT)], filters=[_strip]
    )
    start_month = WholeNumber(
        _l("Start month"),
        [Optional(), NumberRange(1, 12, message=_l("Enter a month from %(min)s to %(max)s."))],
    )
    duration_months = WholeNumber(_l("Duration (months)"))
    save_continue = SubmitField(_l("Save and continue"))
    save_draft = SubmitField(_l("Save as draft"))


class FreeThemeProjectForm(ProjectForm):
    """For a call that lists no themes: the theme as free text."""

    theme = StringField(_l("Theme"), [_MaxLength(100)], filters=[_strip])


def theme_choices(application: Application) -> list[str]:
    """The call's themes and its lots' themes, each once."""
    themes = list(application.call.themes) + [
        t for lot in application.call.lots for t in lot.themes
    ]
    return list(dict.fromkeys(themes))


def project_form(application: Application, formdata=None) -> ProjectForm:
    call = application.call
    data = {name: getattr(application, name) for name in PROJECT_FIELDS}
    data |= {"version": application.version, "lot": str(application.lot_id or "")}
    themes = theme_choices(application)
    form = (ProjectForm if themes else FreeThemeProjectForm)(formdata=formdata, data=data)
    if themes:
        form.theme.choices = [SelectChoice("", _("Choose a theme"))] + [
            SelectChoice(t, t) for t in themes
        ]
    if call.lots:
        form.lot.choices = [SelectChoice("", _("Choose a lot"))] + [
            SelectChoice(str(lot.id), f"{lot.code} – {lot.name}") for lot in call.lots
        ]
    else:
        del form.lot
    form.duration_months.validators = [
        Optional(),
        NumberRange(
            call.duration_min,
            call.duration_max,
            message=_l("Enter a duration from %(min)s to %(max)s months: the call's limits."),
        ),
    ]
    return form


def project_values(form: ProjectForm, application: Application) -> dict:
    """The valid fields, ready to save; the lot's themes bind the theme when the lot lists some."""
    names = (
        "title",
        "acronym",
        "theme",
        "summary",
        "objectives",
        "activities",
        "expected_results",
        "start_month",
        "duration_months",
    )
    values = {
        name: form[name].data or ("" if name not in ("start_month", "duration_months") else None)
        for name in names
        if not form[name].errors
    }
    if "lot" in form and not form.lot.errors:
        values["lot_id"] = int(form.lot.data) if form.lot.data else None
        lot = next((lot for lot in application.call.lots if lot.id == values["lot_id"]), None)
        if lot and lot.themes and values.get("theme") and values["theme"] not in lot.themes:
            form.theme.errors.append(
                _(
                    "Choose one of the themes of lot %(lot)s: %(themes)s.",
                    lot=lot.name,
                    themes=", ".join(lot.themes),
                )
            )
            del values["theme"]
    return values


# Budget ------------------------------------------------------------------------------------------


class LineForm(Form):
    line_id = HiddenField()
    heading = SelectField(
        _l("Heading"),
        validate_choice=False,
        choices=[SelectChoice("", _l("Choose a heading"))]
        + [SelectChoice(str(number), label) for number, label in HEADING_LABELS.items()],
    )
    description = StringField(_l("Description"), filters=[_strip])
    unit = StringField(_l("Unit"), filters=[_strip])
    quantity = DecimalText(_l("Quantity"), places=4)
    unit_cost = DecimalText(_l("Unit cost"))
    organisation = SelectField(_l("Incurred by"), validate_choice=False)
    remove = BooleanField(_l("Remove"))

    def is_blank(self) -> bool:
        typed = [
            self.description.data,
            self.unit.data,
            self.heading.data,
            *(f.raw_data[0] if f.raw_data else "" for f in (self.quantity, self.unit_cost)),
        ]
        return not any(typed)


class BudgetForm(Form):
    version = HiddenField()
    lines = FieldList(FormField(LineForm), label=_l("Line"))
    indirect = DecimalText(_l("Indirect costs"))
    contingency = DecimalText(_l("Contingency reserve"))
    requested_grant = DecimalText(_l("Requested grant"))
    add_line = SubmitField(_l("Add a line"))
    save_continue = SubmitField(_l("Save and continue"))
    save_draft = SubmitField(_l("Save as draft"))


def _line_data(line) -> dict:
    return {
        "line_id": line.id,
        "heading": str(line.heading),
        "description": line.description,
        "unit": line.unit,
        "quantity": line.quantity.normalize(),
        "unit_cost": line.unit_cost,
        "organisation": str(line.organisation_id),
    }


def budget_form(application: Application, members: dict[int, str], formdata=None) -> BudgetForm:
    data = {
        "version": application.version,
        **{name: getattr(application, name) for name in AMOUNTS},
        "lines": [_line_data(line) for line in application.budget_lines],
    }
    form = BudgetForm(formdata=formdata, data=data)
    if formdata is None:
        form.lines.append_entry()
    outside = {
        str(line.organisation_id): line.organisation.name
        for line in application.budget_lines
        if line.organisation_id not in members
    }
    set_choices(form, members, outside)
    return form


def set_choices(form: BudgetForm, members: dict[int, str], outside: dict[str, str]) -> None:
    """The partnership's organisations; a saved line of an organisation that left it keeps showing
    that one, marked, so that nothing is reassigned silently (saving it asks for a member)."""
    choices = [SelectChoice(str(org_id), name) for org_id, name in members.items()]
    for entry in form.lines:
        current = entry.form.organisation.data
        extra = (
            [
                SelectChoice(
                    current, _("%(name)s (no longer in the partnership)", name=outside[current])
                )
            ]
            if current in outside
            else []
        )
        entry.form.organisation.choices = choices + extra


def add_blank_line(form: BudgetForm, members: dict[int, str], line=None) -> None:
    """A blank row, or one showing a saved line."""
    form.lines.append_entry(_line_data(line) if line is not None else None)
    form.lines[-1].form.organisation.choices = [
        SelectChoice(str(org_id), name) for org_id, name in members.items()
    ]


def _number(field, places: int, limit: Decimal, blank: Decimal | None = None) -> Decimal | None:
    """The field's value if it is a number of 0 or more with at most `places` decimals; else an
    error on it."""
    if field.errors:
        return None
    value = field.data if field.data is not None else blank
    if value is None:
        field.errors.append(_("Enter a number."))
    elif value < 0:
        field.errors.append(_("Enter a number of 0 or more."))
    elif value != value.quantize(Decimal(1).scaleb(-places)):
        field.errors.append(_("Use at most %(places)s decimal places.", places=places))
    elif value >= limit:
        field.errors.append(_("This number is too large."))
    else:
        return value
    return None


def _line_values(f: LineForm, members: dict[int, str]) -> dict | None:
    heading = int(f.heading.data) if f.heading.data in {str(k) for k in HEADING_LABELS} else None
    if heading is None:
        f.heading.errors.append(_("Choose a heading."))
    if not f.description.data:
        f.description.errors.append(_("Enter a description."))
    elif len(f.description.data) > 300:
        f.description.errors.append(_("Use at most %(max)d characters.", max=300))
    if len(f.unit.data or "") > 40:
        f.unit.errors.append(_("Use at most %(max)d characters.", max=40))
    quantity = _number(f.quantity, 4, QUANTITY_LIMIT)
    unit_cost = _number(f.unit_cost, 2, MONEY_LIMIT)
    organisation = int(f.organisation.data) if (f.organisation.data or "").isdigit() else None
    if organisation not in members:
        f.organisation.errors.append(_("Choose an organisation of the partnership."))
    if any(field.errors for field in f):
        return None
    return {
        "heading": heading,
        "description": f.description.data,
        "unit": f.unit.data or "",
        "quantity": quantity,
        "unit_cost": unit_cost,
        "organisation_id": organisation,
    }


def read_budget(
    form: BudgetForm, members: dict[int, str]
) -> tuple[list[tuple[object, LineInput]], dict]:
    """(form row, input) for each row to keep, and the valid amounts. Removed and blank rows are
    left out, so the service deletes their lines."""
    rows = []
    for entry in form.lines:
        f = entry.form
        if f.remove.data or f.is_blank():
            continue
        # str(): a row posted without its line_id keeps the saved line's id, an int
        line_id = int(f.line_id.data) if str(f.line_id.data or "").isdigit() else None
        rows.append((entry, LineInput(line_id, _line_values(f, members))))
    amounts = {
        name: value
        for name in AMOUNTS
        if (value := _number(form[name], 2, MONEY_LIMIT, blank=Decimal("0.00"))) is not None
    }
    return rows, amounts


# Staff list filters
# --------------------------------------------------------------------------------


def parse_staff_filters(call: Call, args) -> StaffFilters:
    """The staff list's query string; anything unknown falls back to the default."""
    restricted = call.procedure is Procedure.restricted
    stage = Stage.full_application
    if restricted and args.get("stage") != Stage.full_application.value:
        stage = Stage.concept_note
    status = args.get("status", "")
    lot = args.get("lot", type=int)
    country = (args.get("country") or "").strip().upper()
    sort = args.get("sort", "reference")
    return StaffFilters(
        stage=stage,
        status=StageStatus(status) if status in {s.value for s in StageStatus} else None,
        lot_id=lot if lot in {lot.id for lot in call.lots} else None,
        country=country if len(country) == 2 and country.isalpha() else None,
        text=(args.get("q") or "").strip()[:200],
        sort=sort if sort in SORTS else "reference",
        descending=args.get("order") == "desc",
        page=max(args.get("page", 1, type=int), 1),
    )
