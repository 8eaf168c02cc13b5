"""The grid editor form: sections with their criteria, rows added by buttons (no JavaScript
needed)."""

from __future__ import annotations

from collections.abc import Mapping

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)

from grants.calls.fields import DecimalText
from grants.i18n import lazy_gettext as _l
from grants.rules.grids import CriterionDraft, GridDraft, SectionDraft


def _strip(value: str | None) -> str | None:
    return value.strip() if value else value


class CriterionForm(Form):
    code = StringField(_l("Code"), filters=[_strip])
    title = StringField(_l("Title in English"), filters=[_strip])
    title_tr = StringField(_l("Title in Turkish"), filters=[_strip])
    description = TextAreaField(_l("Guidance in English"), filters=[_strip])
    description_tr = TextAreaField(_l("Guidance in Turkish"), filters=[_strip])
    weight = SelectField(
        _l("Weight"), choices=[SelectChoice(w, str(w)) for w in range(1, 6)], coerce=int, default=1
    )
    remove = BooleanField(_l("Remove"))

    def is_blank(self) -> bool:
        return not (
            self.code.data
            or self.title.data
            or self.title_tr.data
            or self.description.data
            or self.description_tr.data
        )


class SectionForm(Form):
    code = StringField(_l("Code"), filters=[_strip])
    title = StringField(_l("Title in English"), filters=[_strip])
    title_tr = StringField(_l("Title in Turkish"), filters=[_strip])
    threshold = DecimalText(_l("Threshold (points, optional)"), cents=False)
    criteria = FieldList(FormField(CriterionForm), label=_l("Criterion"), min_entries=1)
    add_criterion = SubmitField(_l("Add a criterion"))
    remove = BooleanField(_l("Remove this section"))

    def is_blank(self) -> bool:
        return not (
            self.code.data
            or self.title.data
            or self.title_tr.data
            or self.threshold.raw_data
            and self.threshold.raw_data[0]
            or any(not c.form.is_blank() for c in self.criteria)
        )


class GridForm(FlaskForm):
    sections = FieldList(FormField(SectionForm), label=_l("Section"), min_entries=1)
    add_section = SubmitField(_l("Add a section"))
    pass_threshold = DecimalText(_l("Pass threshold (points)"), cents=False)
    tie_break_section = StringField(_l("Tie-break section (its code)"), filters=[_strip])
    save = SubmitField(_l("Save grid"))


def grid_form(definition: dict, formdata: Mapping | None) -> GridForm:
    data = {
        "pass_threshold": definition["pass_threshold"],
        "tie_break_section": definition["tie_break_section"],
        "sections": definition["sections"],
    }
    return GridForm(data=data) if formdata is None else GridForm(formdata=formdata, data=data)


def add_rows(form: GridForm) -> bool:
    """Add the row a button asked for; False when the POST was not an 'add' request."""
    if form.add_section.data:
        section = form.sections.append_entry()
        section.form.criteria.append_entry()
        return True
    for section in form.sections:
        if section.form.add_criterion.data:
            section.form.criteria.append_entry()
            return True
    return False


def grid_draft(form: GridForm) -> GridDraft:
    """The grid as typed, without removed and blank rows; each row keeps its form name for
    errors."""
    sections = []
    for entry in form.sections:
        s = entry.form
        if s.remove.data or s.is_blank():
            continue
        criteria = [
            CriterionDraft(
                code=c.form.code.data or "",
                title=c.form.title.data or "",
                title_tr=c.form.title_tr.data or "",
                weight=c.form.weight.data,
                description=c.form.description.data or "",
                description_tr=c.form.description_tr.data or "",
                key=c.name,
            )
            for c in s.criteria
            if not c.form.remove.data and not c.form.is_blank()
        ]
        sections.append(
            SectionDraft(
                code=s.code.data or "",
                title=s.title.data or "",
                title_tr=s.title_tr.data or "",
                threshold=s.threshold.data,
                criteria=criteria,
                key=entry.name,
            )
        )
    return GridDraft(
        sections=sections,
        pass_threshold=form.pass_threshold.data,
        tie_break_section=form.tie_break_section.data or "",
    )
