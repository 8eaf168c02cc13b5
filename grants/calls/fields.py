"""Form fields for call settings that keep what the user typed and read values as Decimal, never
float."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import get_locale
from wtforms import FieldList, FormField, SelectMultipleField, StringField, TextAreaField
from wtforms.widgets import CheckboxInput, ListWidget

from grants.i18n import issue_text
from grants.rules.numbers import parse_number, show_number
from grants.rules.problems import InputError, Issue
from grants.rules.typed_values import parse_codes, parse_groups, parse_lines


class _Typed:
    """Show back exactly what was typed; otherwise the stored value rendered by `_show`."""

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else self._show(self.data)

    def _show(self, data) -> str:
        return str(data)


class DecimalText(_Typed, StringField):
    """A number typed and shown as the user's locale writes it ('2.500,50' in Turkish), with at most
    `places` decimals (docs/domain.md 3, "Amounts as people type them")."""

    def __init__(self, *args, places: int = 2, cents: bool | None = None, **kw) -> None:
        super().__init__(*args, **kw)
        self.places, self.cents = (
            places,
            cents,
        )  # cents: money always shows its 2 decimals; points do not

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            self.data = parse_number(
                valuelist[0] if valuelist else "", str(get_locale()), self.places
            )
        except InputError as error:
            self.data = None
            raise ValueError(issue_text(error)) from None

    def _show(self, data: Decimal) -> str:
        return show_number(data, str(get_locale()), self.places, self.cents)


class PercentText(DecimalText):
    """Typed as a percentage (50 or 7,5), kept as a fraction (0.5)."""

    def process_formdata(self, valuelist: list[str]) -> None:
        super().process_formdata(valuelist)
        if self.data is not None:
            self.data = self.data / 100

    def _show(self, data: Decimal) -> str:
        return show_number((data * 100).normalize(), str(get_locale()), self.places, cents=False)


class CodesField(_Typed, TextAreaField):
    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = parse_codes(valuelist[0] if valuelist else "")

    def _show(self, data: list[str]) -> str:
        return " ".join(data)


class GroupsField(_Typed, TextAreaField):
    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = parse_groups(valuelist[0] if valuelist else "")

    def _show(self, data: list[list[str]]) -> str:
        return "\n".join(" ".join(group) for group in data)


class LinesField(_Typed, TextAreaField):
    """One item per line (or per `sep`)."""

    def __init__(self, *args, sep: str = "\n", **kw) -> None:
        super().__init__(*args, **kw)
        self.sep = sep

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = parse_lines(valuelist[0] if valuelist else "", self.sep)

    def _show(self, data: list[str]) -> str:
        return (self.sep if self.sep == "\n" else f"{self.sep} ").join(data)


class LineField(LinesField):
    """A one-line list, comma separated."""

    widget = StringField.widget

    def __init__(self, *args, **kw) -> None:
        super().__init__(*args, sep=",", **kw)


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def leaves(form, prefix: str = ""):
    """(field, label) for every input of a form, rows of lists labelled 'Lot 2 – Budget'."""
    for f in form:
        if isinstance(f, FieldList):
            for index, entry in enumerate(f):
                row = f"{prefix}{f.label.text} {index + 1} – "
                yield from (
                    leaves(entry.form, row) if isinstance(entry, FormField) else [(entry, row)]
                )
        elif isinstance(f, FormField):
            yield from leaves(f.form, prefix)
        else:
            yield f, f"{prefix}{f.label.text}"


def attach(form, issues: list[Issue]) -> None:
    """Put each rule's message on the field it names, or on the form when it names none."""
    fields = {f.name: f for f, _label in leaves(form)}
    for issue in issues:
        target = fields.get(issue.field)
        if target is None:
            form.form_errors.append(issue_text(issue))
        else:
            target.errors = [*target.errors, issue_text(issue)]


def flat_errors(form) -> list[tuple[str | None, str, str]]:
    """(field id, label, message) for the error summary, nested rows included."""
    found = [(f.id, label, e) for f, label in leaves(form) for e in f.errors]
    return found + [(None, "", e) for e in form.form_errors]
