"""Saving an application's logical framework: the posted results and indicators replace the saved
ones (rows not posted go), in the order posted. A row that could not be read keeps what was saved
for it (a new one is not saved); the page shows it again with its errors.

Refused, with nothing written, when the application was saved by someone else since the page was
loaded (its version, as the project and budget pages check it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from grants.applications.services import claim_version
from grants.audit import record
from grants.extensions import db
from grants.models import Application, LogframeIndicator, LogframeResult
from grants.rules.problems import N_, Refused

OBJECTIVES = ("overall_objective", "specific_objective")
INDICATOR_FIELDS = ("description", "unit", "baseline", "target", "source")


@dataclass(frozen=True)
class IndicatorInput:
    indicator_id: int | None
    values: dict | None  # None: the row could not be read


@dataclass(frozen=True)
class ResultInput:
    result_id: int | None
    text: str | None  # None: the text could not be read
    indicators: list[tuple[object, IndicatorInput]] = field(default_factory=list)


class SavedSinceLoaded(Refused):
    """Someone saved the application since the page was loaded."""


def logframe_state(application: Application) -> dict:
    """The logical framework as plain data (for the audit log, and to tell whether a save changes
    anything)."""
    return {
        **{name: getattr(application, name) for name in OBJECTIVES},
        "results": [
            {
                "text": r.text,
                "indicators": [
                    {name: getattr(i, name) for name in INDICATOR_FIELDS} for i in r.indicators
                ],
            }
            for r in application.results
        ],
    }


@dataclass
class _Planned:
    result: LogframeResult | None
    text: str
    indicators: list[tuple[LogframeIndicator | None, dict]]


def _plan(application: Application, rows: list[ResultInput]) -> list[_Planned | None]:
    """What each posted result becomes: its saved row (or None for a new one) and its values; None
    for a new result that could not be read. Ids not of this application are ignored."""
    results = {r.id: r for r in application.results}
    indicators = {i.id: i for r in application.results for i in r.indicators}
    planned: list[_Planned | None] = []
    for row in rows:
        result = results.pop(row.result_id, None)
        if row.text is None and result is None:
            planned.append(None)
            continue
        kept = []
        for _entry, item in row.indicators:
            indicator = indicators.pop(item.indicator_id, None)
            if item.values is not None:
                kept.append((indicator, item.values))
            elif indicator is not None:
                kept.append((indicator, {n: getattr(indicator, n) for n in INDICATOR_FIELDS}))
        text = row.text if row.text is not None else result.text
        planned.append(_Planned(result, text, kept))
    return planned


def _planned_state(application: Application, objectives: dict, plan: list) -> dict:
    def same(value):
        return Decimal(value) if isinstance(value, Decimal) else value

    return {
        **{name: objectives.get(name, getattr(application, name)) for name in OBJECTIVES},
        "results": [
            {
                "text": p.text,
                "indicators": [
                    {n: same(values[n]) for n in INDICATOR_FIELDS} for _i, values in p.indicators
                ],
            }
            for p in plan
            if p is not None
        ],
    }


def save_logframe(
    application: Application,
    objectives: dict,
    rows: list[ResultInput],
    loaded_version: int | None,
) -> tuple[bool, list[tuple[LogframeResult | None, list[LogframeIndicator | None]]]]:
    """Save what was read; (whether anything changed, the saved result and indicators of each
    posted row, None where nothing was saved)."""
    before = logframe_state(application)
    plan = _plan(application, rows)
    saved_rows = [(p.result, [i for i, _v in p.indicators]) if p else (None, []) for p in plan]
    if _planned_state(application, objectives, plan) == before:
        return False, saved_rows
    if not claim_version(application, loaded_version):
        raise SavedSinceLoaded(
            N_(
                "This application was saved by someone else since you opened this page, so "
                "nothing was saved. What you typed is below: reload the page to see the saved "
                "logical framework, then enter your changes again."
            )
        )
    for name, value in objectives.items():
        setattr(application, name, value)
    kept, saved_rows = [], []
    for p in plan:
        if p is None:
            saved_rows.append((None, []))
            continue
        result = p.result or LogframeResult()
        result.position, result.text = len(kept), p.text
        indicators = []
        for position, (indicator, values) in enumerate(p.indicators):
            indicator = indicator or LogframeIndicator()
            for name, value in values.items():
                setattr(indicator, name, value)
            indicator.position = position
            indicators.append(indicator)
        result.indicators = indicators
        kept.append(result)
        saved_rows.append((result, indicators))
    application.results = kept
    db.session.flush()
    record(
        "application.logframe_saved",
        application,
        before={**before, "version": application.version - 1},
        after={**logframe_state(application), "version": application.version},
    )
    return True, saved_rows
