"""The evaluation report of a call (PDF), for ministry staff, in English or Turkish.

The data is what the ranking page shows (grants.awards.queries.overview: the stored decisions and
the final scores from grants.evaluation.queries.scores, and every decision staff changed by hand
with its justification), plus the call's settings, its evaluator pool with their declarations of
impartiality and of conflict of interest, and tallies per lot, country and region for the charts;
all of it loaded in a fixed number of queries whatever the number of applications.
reports.evaluation_report renders it with the application's Jinja environment under the
requested locale.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from flask import current_app
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import func, select

from grants.auth.choices import country_name
from grants.awards.queries.overview import Change, Line, Overview, overview
from grants.calls.forms import LABELS
from grants.calls.presenters import shown_settings
from grants.committee.queries import report_data
from grants.exports.call_data import load_call
from grants.extensions import db
from grants.i18n import localized, name_order
from grants.models import (
    Application,
    ApplicationStage,
    Assignment,
    Call,
    CallEvaluator,
    ConflictStatus,
    Organisation,
    User,
)
from grants.models.base import now_utc
from reports.charts import Tally, top
from reports.evaluation_report import (
    NOT_FUNDED,
    Declaration,
    EvaluationReport,
    LotFigure,
    LotTable,
    Member,
    Minutes,
    Override,
    Row,
    Seat,
    Timeline,
    not_funded_order,
    stage_counts,
    write_report,
)
from reports.letters import MissedThreshold

FIGURES = (
    "total_budget",
    "grant_min",
    "grant_max",
    "min_rate",
    "max_rate",
    "duration_min",
    "duration_max",
    "indirect_rate",
    "contingency_rate",
    "procedure",
    "evaluators_per_application",
    "award_rule",
    "reserve_list_length",
    "currency",
    "timezone",
)
CHART_CATEGORIES = 20  # categories shown per chart; the rest are added up as one


def build(call_id: int, locale: str, progress: Callable[[int], None], path: Path) -> str:
    """Write the report at `path`; the file name offered to the user."""
    call = load_call(call_id)
    progress(10)
    with force_locale(locale):
        report = evaluation_report(
            call, overview(call)
        )  # the ORM rows go once the plain data is made
        progress(40)
        write_report(
            current_app.jinja_env,
            report,
            path,
            locale,
            laid_out=lambda: progress(90),
            mark=_("DRAFT — not final") if call.finalised_at is None else None,
        )
    return f"{call.reference}-evaluation-report-{locale}.pdf"


def evaluation_report(call: Call, view: Overview) -> EvaluationReport:
    """The report's plain data, worded in the current locale."""
    lines = [line for table in view.tables for line in table.lines]
    lines += view.below_threshold + view.inadmissible + view.withdrawn + view.waiting
    changed = {
        c.override.stage_id: c.override.justification
        for c in view.changes  # the latest standing one
        if c.override.discarded_at is None
    }
    statuses: dict[str, list[str]] = {}
    for line in lines:
        statuses.setdefault(line.stage.stage.value, []).append(line.stage.status.value)
    seats, meetings = report_data(call)
    return EvaluationReport(
        reference=call.reference,
        title=call.title,
        currency=call.currency,
        timezone=call.timezone,
        date=now_utc(),
        figures=_figures(call),
        lots=tuple(LotFigure(lot.code, lot.name, lot.budget) for lot in call.lots),
        timeline=Timeline(
            call.opens_at,
            call.concept_note_deadline,
            call.deadline,
            call.evaluation_due_at,
            call.finalised_at,
        ),
        committee=committee(call),
        overrides=tuple(_override(c) for c in view.changes),
        declarations=declarations(call),
        seats=tuple(Seat(*seat) for seat in seats),
        minutes=tuple(Minutes(*meeting) for meeting in meetings),
        counts={stage: stage_counts(stage, found) for stage, found in sorted(statuses.items())},
        tables=tuple(
            LotTable(
                t.kind.value,
                f"{t.lot.code} – {t.lot.name}" if t.lot else "",
                t.budget,
                t.awarded_total,
                tuple((s.code, localized(s)) for s in t.sections),
                tuple(_row(line, changed, [s.code for s in t.sections]) for line in t.lines),
            )
            for t in view.tables
        ),
        not_funded=tuple(
            sorted(
                (_row(line, changed) for line in lines if line.stage.status.value in NOT_FUNDED),
                key=not_funded_order,
            )
        ),
        charts=_charts(call, lines),
    )


def _figures(call: Call) -> tuple[tuple[str, str], ...]:
    shown = shown_settings(call)
    shown["award_rule"] = (
        _("Strict: the first application that does not fit and all below it go to the reserve list")
        if call.award_rule.value == "strict"
        else _("Fill: skip an application that does not fit and go on with the next one that fits")
    )
    shown["reserve_list_length"] = (
        _("No limit") if call.reserve_list_length is None else str(call.reserve_list_length)
    )
    shown["evaluators_per_application"] = str(call.evaluators_per_application)
    shown["timezone"] = call.timezone
    return tuple((str(LABELS[name]), shown[name]) for name in FIGURES)


def committee(call: Call) -> tuple[Member, ...]:
    """The evaluators of the call's pool, by name, with their organisation and how many declarations
    of no conflict and of a conflict they made (one query)."""
    declared = (
        select(
            Assignment.evaluator_id,
            func.count().filter(Assignment.conflict == ConflictStatus.no_conflict).label("free"),
            func.count().filter(Assignment.conflict == ConflictStatus.conflict).label("conflicts"),
        )
        .join(ApplicationStage, Assignment.stage_id == ApplicationStage.id)
        .join(Application, ApplicationStage.application_id == Application.id)
        .where(Application.call_id == call.id)
        .group_by(Assignment.evaluator_id)
        .subquery()
    )
    rows = db.session.execute(
        select(
            User.name,
            Organisation.name,
            CallEvaluator.impartiality_signed_at,
            declared.c.free,
            declared.c.conflicts,
        )
        .join(User, CallEvaluator.user_id == User.id)
        .outerjoin(Organisation, User.organisation_id == Organisation.id)
        .outerjoin(declared, declared.c.evaluator_id == User.id)
        .where(CallEvaluator.call_id == call.id)
        .order_by(User.id)
    )
    return tuple(
        sorted(
            (
                Member(name, organisation or "", signed, free or 0, conflicts or 0)
                for name, organisation, signed, free, conflicts in rows
            ),
            key=lambda m: name_order(m.name),
        )
    )


def declarations(call: Call) -> tuple[Declaration, ...]:
    """Every declaration of conflict of interest on the call's applications, per application and
    stage in the order they were made (one query)."""
    rows = db.session.execute(
        select(
            Application.reference,
            ApplicationStage.stage,
            User.name,
            Assignment.conflict,
            Assignment.conflict_declared_at,
            Assignment.conflict_reason,
        )
        .join(ApplicationStage, Assignment.stage_id == ApplicationStage.id)
        .join(Application, ApplicationStage.application_id == Application.id)
        .join(User, Assignment.evaluator_id == User.id)
        .where(Application.call_id == call.id, Assignment.conflict != ConflictStatus.undeclared)
        .order_by(
            Application.number,
            ApplicationStage.stage,
            Assignment.conflict_declared_at,
            User.name,
            User.id,
        )
    )
    return tuple(
        Declaration(reference, stage.value, name, conflict is ConflictStatus.conflict, at, reason)
        for reference, stage, name, conflict, at, reason in rows
    )


def _override(change: Change) -> Override:
    o = change.override
    return Override(
        change.kind.value,
        change.reference,
        o.from_status.value,
        o.from_amount,
        o.to_status.value,
        o.to_amount,
        o.justification,
        o.user.name,
        o.at,
        o.discarded_at,
    )


def _row(line: Line, changed: dict[int, str], sections: Sequence[str] = ()) -> Row:
    stage, app = line.stage, line.application
    reasons = (
        tuple(stage.inadmissible_reasons or ())
        if stage.status.value == "inadmissible"
        else (
            (stage.withdrawn_reason,)
            if stage.status.value == "withdrawn" and stage.withdrawn_reason
            else ()
        )
    )
    return Row(
        stage=stage.stage.value,
        reference=app.reference,
        lead=app.lead.name,
        country=app.lead.country,
        outcome=stage.status.value,
        requested=line.requested,
        rank=stage.rank,
        total=stage.final_score,
        sections=tuple(line.sections.get(code) for code in sections),
        awarded=stage.awarded_amount,
        missed=tuple(
            MissedThreshold(m.section, localized(m), m.score, m.threshold) for m in line.missed
        ),
        reasons=reasons,
        changed=changed.get(stage.id),
    )


def _charts(call: Call, lines: list[Line]) -> dict[str, list[Tally]]:
    """Applications (each counted once, whatever its stages) and awards per lot, lead's country and
    region."""
    lots = {lot.id: f"{lot.code} – {lot.name}" for lot in call.lots}
    keys = {
        "lot": lambda app: lots.get(app.lot_id, _("No lot")),
        "country": lambda app: country_name(app.lead.country),
        "region": lambda app: app.lead.region or _("Region not given"),
    }
    awarded = {line.application.id for line in lines if line.stage.status.value == "awarded"}
    applications = {line.application.id: line.application for line in lines}
    charts = {}
    for name, key in keys.items():
        if name == "lot" and not lots:
            continue
        found: dict[str, list[int]] = {}
        for app_id, app in applications.items():
            counts = found.setdefault(key(app), [0, 0])
            counts[0] += 1
            counts[1] += app_id in awarded
        charts[name] = top(
            [Tally(label, *counts) for label, counts in found.items()],
            CHART_CATEGORIES,
            lambda n: ngettext("%(num)d other", "%(num)d others", n),
        )
    return charts
