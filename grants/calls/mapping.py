"""Between the call form and plain settings: what the form shows, what the services receive.

Settings are a dict keyed by Call attribute names, with plain values (Decimal, int, str, lists,
UTC datetimes); lots are `LotDraft`s. Times are typed in the call's zone and stored in UTC.
"""

from __future__ import annotations

from collections.abc import Mapping
from zoneinfo import ZoneInfo

from grants.calls.default_grids import FULL_APPLICATION_GRID, default_discrepancy
from grants.calls.defaults import CALL_DEFAULTS
from grants.calls.forms import LABELS, CallForm
from grants.calls.grids import grid_max
from grants.models import Call
from grants.rules.call_settings import LotDraft
from grants.rules.problems import InputError, Issue
from grants.rules.typed_values import local_to_utc, zone

SETTING_FIELDS = tuple(name for name in LABELS if name != "lots")
TIME_FIELDS = ("opens_at", "concept_note_deadline", "deadline")
# Money and eligibility rules: they cannot change once an application has been submitted
# (docs/domain.md 2).
# The reference too, as the submitted applications' references are built from it.
FROZEN_FIELDS = (
    "reference",
    "currency",
    "procedure",
    "total_budget",
    "grant_min",
    "grant_max",
    "min_rate",
    "max_rate",
    "duration_min",
    "duration_max",
    "indirect_rate",
    "contingency_rate",
    "lead_countries",
    "lead_types",
    "partner_countries",
    "partner_types",
    "partners_min",
    "partners_max",
    "country_groups",
    "max_applications_per_lead",
    "logframe_required",  # a requirement of submission, as the eligibility rules are
)


def new_call_data() -> dict:
    data = dict(CALL_DEFAULTS)
    data["discrepancy_threshold"] = default_discrepancy(grid_max(FULL_APPLICATION_GRID))
    data["lots"] = []
    return data


def call_data(call: Call) -> dict:
    """The form's values for a stored call: enums as values, times in the call's zone."""
    data = {}
    for name in SETTING_FIELDS:
        value = getattr(call, name)
        data[name] = getattr(value, "value", value)
    tz = ZoneInfo(call.timezone)
    for name in TIME_FIELDS:
        if data[name] is not None:
            data[name] = data[name].astimezone(tz).replace(tzinfo=None)
    data["lots"] = [
        {"code": lot.code, "name": lot.name, "themes": lot.themes, "budget": lot.budget}
        for lot in call.lots
    ]
    return data


def call_form(call: Call | None, frozen: bool, formdata: Mapping | None) -> CallForm:
    """The form, filled from the POST or else from the call (or the defaults for a new call).

    On a frozen call the frozen inputs are not shown; those absent from a POST are dropped from
    the form so that they keep their stored values, those present go to the service, which refuses
    any change.
    """
    data = call_data(call) if call is not None else new_call_data()
    form = CallForm(data=data) if formdata is None else CallForm(formdata=formdata, data=data)
    if formdata is None:
        form.lots.append_entry()  # one blank row for a new lot
    elif frozen:
        for name in (*FROZEN_FIELDS, "lots"):
            if not any(key == name or key.startswith(f"{name}-") for key in formdata):
                del form[name]
    return form


def lot_drafts(form: CallForm) -> list[LotDraft]:
    return [
        LotDraft(
            code=(e.form.code.data or "").strip(),
            name=(e.form.name.data or "").strip(),
            themes=e.form.themes.data or [],
            budget=e.form.budget.data,
            key=e.name,
        )
        for e in form.lots
        if not e.form.remove.data and not e.form.is_blank()
    ]


def settings_from_form(form: CallForm) -> tuple[dict, list[LotDraft] | None, list[Issue]]:
    """The settings the form holds (fields that could not be read are left out), the lots (None
    when the form has none to change), and the problems met converting local times to UTC."""
    settings = {
        name: form[name].data for name in SETTING_FIELDS if name in form and not form[name].errors
    }
    issues = []
    tz_name = settings.get("timezone")
    for name in TIME_FIELDS:
        if settings.get(name) is None:
            continue
        if zone(tz_name) is None:
            del settings[name]  # cannot be read without a zone; the time zone's own error says why
            continue
        try:
            settings[name] = local_to_utc(settings[name], tz_name)
        except InputError as error:
            issues.append(Issue(name, error.message, error.params))
            del settings[name]
    if settings.get("procedure") == "open":
        settings["concept_note_deadline"] = None
    lots = lot_drafts(form) if "lots" in form else None
    return settings, lots, issues
