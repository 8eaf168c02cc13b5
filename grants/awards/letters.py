"""Decision letters: who gets one, what it says, and its PDF in the reader's language.

Every submitted application of a call gets a letter about its current stage (the full application
if one was submitted, else the concept note), unless it was withdrawn. The data is gathered here in
a fixed number of queries and handed to reports.letters, which renders it with the application's
Jinja environment under the locale chosen by the caller (flask_babel.force_locale).
"""
from __future__ import annotations

from datetime import datetime

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select

from grants.awards.decisions import requested
from grants.awards.overview import SCORED, submitted_stages
from grants.awards.scores import StageScore, missed_thresholds, stage_scores
from grants.extensions import db
from grants.models import Application, ApplicationStage, Call, Stage, StageStatus
from reports.letters import Letter, MissedThreshold, SectionScore, letter_pdf

S = StageStatus
UNDECIDED = (S.submitted, S.admissible, S.evaluated)


def letter_stages(call: Call, application_id: int | None = None) -> list[ApplicationStage]:
    """The stage each letter is about, per submitted application of the call (or of one application)."""
    current: dict[int, ApplicationStage] = {}
    for stage in submitted_stages(call, application_id):  # concept notes first: a full application replaces it
        if stage.stage is Stage.full_application or stage.application_id not in current:
            current[stage.application_id] = stage
    return [s for s in current.values() if s.status is not S.withdrawn]


def reserve_positions(call: Call) -> dict[int, int]:
    """Stage id -> its place on the reserve list of its lot (rank order)."""
    rows = db.session.execute(
        select(ApplicationStage.id, ApplicationStage.stage, Application.lot_id).join(ApplicationStage.application)
        .where(Application.call_id == call.id, ApplicationStage.status == S.reserve)
        .order_by(ApplicationStage.rank, Application.number))
    seen: dict[tuple, int] = {}
    positions = {}
    for stage_id, kind, lot_id in rows:
        seen[kind, lot_id] = seen.get((kind, lot_id), 0) + 1
        positions[stage_id] = seen[kind, lot_id]
    return positions


def build_letters(call: Call, stages: list[ApplicationStage], date: datetime) -> dict[int, Letter]:
    """Stage id -> its letter's data."""
    scores = stage_scores(call, [s for s in stages if s.status in SCORED])
    positions = reserve_positions(call) if any(s.status is S.reserve for s in stages) else {}
    return {s.id: _letter(call, s, scores.get(s.id), positions.get(s.id), date) for s in stages}


def _letter(call: Call, stage: ApplicationStage, score: StageScore | None, position: int | None,
            date: datetime) -> Letter:
    app = stage.application
    kept = stage.submitted_version or {}  # as submitted: a later rename of the lead never reaches the letter
    lead = kept.get("lead") or {"name": app.lead.name, "country": app.lead.country}
    grid = call.grid_for(stage.stage)
    final = score.final if score else None
    sections = tuple(SectionScore(s.code, s.title, final.sections[s.code], s.max_score, s.threshold, s.title_tr)
                     for s in grid.sections) if final else ()
    missed = tuple(MissedThreshold(m.section, m.title, m.score, m.threshold, m.title_tr)
                   for m in missed_thresholds(call, stage.stage, score)) if stage.status is S.below_threshold else ()
    return Letter(
        call_reference=call.reference, call_title=call.title, currency=call.currency, timezone=call.timezone,
        date=date, reference=app.reference, title=kept.get("title", app.title), lead_name=lead["name"],
        lead_country=lead["country"],
        stage=stage.stage.value, outcome=stage.status.value, requested_grant=requested(stage),
        awarded_amount=stage.awarded_amount, total=final.total if final else None,
        max_total=grid.max_total if final else None, pass_threshold=grid.pass_threshold if final else None,
        sections=sections, missed=missed, reserve_position=position,
        inadmissible_reasons=tuple(stage.inadmissible_reasons or ()))


def one_letter(call: Call, application_id: int, date: datetime) -> Letter | None:
    """The letter of one application of the call, if it gets one and has a decision."""
    stages = [s for s in letter_stages(call, application_id) if s.status not in UNDECIDED]
    return build_letters(call, stages, date)[stages[0].id] if stages else None


def render_pdf(letter: Letter, locale: str) -> bytes:
    with force_locale(locale):
        return letter_pdf(current_app.jinja_env, letter, locale)
