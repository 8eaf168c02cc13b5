"""A call's applications as plain rows, loaded batch by batch (a fixed number of queries per batch).

Exports walk a call of any size with flat memory: `batches` yields the submitted applications in
number order, BATCH at a time, each with its stages, partnership, budget lines and the scores of
its submitted evaluations. Every query is read to the end before the batch is handed out, so no
cursor stays open while the caller writes or commits its progress.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import aliased, selectinload

from grants.exports.kinds import ExportError
from grants.exports.submitted_versions import as_submitted
from grants.extensions import db
from grants.i18n import localized
from grants.models import (
    Application,
    ApplicationStage,
    Assignment,
    BudgetLine,
    Call,
    ConflictStatus,
    Evaluation,
    Grid,
    GridSection,
    Organisation,
    Partner,
    Score,
    SectionFinal,
    Stage,
    User,
)
from grants.rules import scoring
from grants.rules.problems import N_

BATCH = 500


@dataclass
class AppData:
    app: object  # a Row of APP_COLUMNS
    stages: list = field(default_factory=list)  # Rows of STAGE_COLUMNS, concept note first
    partners: list = field(default_factory=list)  # Rows of PARTNER_COLUMNS, in position order
    lines: list = field(default_factory=list)  # Rows of LINE_COLUMNS, in position order
    scores: dict = field(
        default_factory=dict
    )  # stage id -> {assignment id: [Rows of SCORE_COLUMNS]}
    finals: dict = field(default_factory=dict)  # stage id -> {section code: its stored final score}

    def latest_stage(self):
        """The stage the application has reached: the last one submitted."""
        submitted = [s for s in self.stages if s.submitted_at is not None]
        return submitted[-1] if submitted else None


Lead = aliased(Organisation)
APP_COLUMNS = (
    Application.id,
    Application.number,
    Application.reference,
    Application.title,
    Application.acronym,
    Application.theme,
    Application.lot_id,
    Application.lead_id,
    Application.duration_months,
    Application.indirect,
    Application.contingency,
    Application.requested_grant,
    Lead.name.label("lead_name"),
    Lead.country.label("lead_country"),
    Lead.region.label("lead_region"),
    Lead.type.label("lead_type"),
    Lead.address.label("lead_address"),
)
STAGE_COLUMNS = (
    ApplicationStage.id,
    ApplicationStage.application_id,
    ApplicationStage.stage,
    ApplicationStage.status,
    ApplicationStage.submitted_at,
    ApplicationStage.requested_grant,
    ApplicationStage.final_score,
    ApplicationStage.rank,
    ApplicationStage.awarded_amount,
    ApplicationStage.inadmissible_reasons,
    ApplicationStage.updated_at,
    ApplicationStage.reopened_at,
    ApplicationStage.submitted_version,
)
PARTNER_COLUMNS = (
    Partner.application_id,
    Partner.organisation_id,
    Partner.role,
    Partner.status,
    Partner.confirmed_at,
    Organisation.name,
    Organisation.country,
    Organisation.region,
    Organisation.type,
)
LINE_COLUMNS = (
    BudgetLine.application_id,
    BudgetLine.heading,
    BudgetLine.description,
    BudgetLine.unit,
    BudgetLine.quantity,
    BudgetLine.unit_cost,
    BudgetLine.organisation_id,
    Organisation.name.label("organisation_name"),
)
SCORE_COLUMNS = (
    Assignment.stage_id,
    Assignment.id.label("assignment_id"),
    Assignment.extra,
    User.name.label("evaluator"),
    Evaluation.submitted_at,
    Score.criterion_id,
    Score.score,
    Score.comment,
)


def load_call(call_id: int) -> Call:
    call = db.session.scalar(
        select(Call)
        .where(Call.id == call_id)
        .options(
            selectinload(Call.lots),
            selectinload(Call.grids).selectinload(Grid.sections).selectinload(GridSection.criteria),
        )
    )
    if call is None:
        raise ExportError(N_("There is no call with id %(id)s."), id=call_id)
    return call


def application_ids(call_id: int) -> list[int]:
    """The call's submitted applications (those with a reference), in number order."""
    return list(
        db.session.scalars(
            select(Application.id)
            .where(Application.call_id == call_id, Application.reference.is_not(None))
            .order_by(Application.number, Application.id)
        )
    )


def batches(call_id: int, size: int = BATCH) -> Iterator[list[AppData]]:
    ids = application_ids(call_id)
    for start in range(0, len(ids), size):
        yield load_batch(ids[start : start + size])


def load_batch(ids: list[int]) -> list[AppData]:
    rows = db.session.execute(
        select(*APP_COLUMNS)
        .join(Lead, Application.lead_id == Lead.id)
        .where(Application.id.in_(ids))
        .order_by(Application.number, Application.id)
    ).all()
    apps = {row.id: AppData(row) for row in rows}
    for stage in db.session.execute(
        select(*STAGE_COLUMNS).where(ApplicationStage.application_id.in_(ids))
    ):
        apps[stage.application_id].stages.append(stage)
    for data in apps.values():
        data.stages.sort(key=lambda s: s.stage is Stage.full_application)
    for partner in db.session.execute(
        select(*PARTNER_COLUMNS)
        .join(Organisation)
        .where(Partner.application_id.in_(ids))
        .order_by(Partner.position, Partner.id)
    ):
        apps[partner.application_id].partners.append(partner)
    for line in db.session.execute(
        select(*LINE_COLUMNS)
        .join(Organisation)
        .where(BudgetLine.application_id.in_(ids))
        .order_by(BudgetLine.position, BudgetLine.id)
    ):
        apps[line.application_id].lines.append(line)
    _attach_scores(apps)
    _attach_finals(apps)
    for data in apps.values():
        as_submitted(data)  # a reopened application: its last submitted version, not the draft
    return list(apps.values())


def _attach_scores(apps: dict[int, AppData]) -> None:
    """The scores of the submitted evaluations of live assignments (not ended by a conflict)."""
    owner = {stage.id: data for data in apps.values() for stage in data.stages}
    if not owner:
        return
    rows = db.session.execute(
        select(*SCORE_COLUMNS)
        .join(Evaluation, Evaluation.assignment_id == Assignment.id)
        .join(Score, Score.evaluation_id == Evaluation.id)
        .join(User, Assignment.evaluator_id == User.id)
        .where(
            Assignment.stage_id.in_(list(owner)),
            Assignment.ended_at.is_(None),
            Assignment.conflict != ConflictStatus.conflict,
            Evaluation.submitted_at.is_not(None),
        )
        .order_by(Assignment.id)
    )
    for row in rows:
        owner[row.stage_id].scores.setdefault(row.stage_id, defaultdict(list))[
            row.assignment_id
        ].append(row)


@dataclass(frozen=True)
class CriterionInfo:
    stage: Stage
    section_code: str
    section_title: str
    code: str
    title: str
    weight: int
    order: tuple[int, int]


def criteria(call: Call) -> dict[int, CriterionInfo]:
    """Criterion id -> where it sits in the call's grids."""
    return {
        c.id: CriterionInfo(
            g.stage, s.code, localized(s), c.code, localized(c), c.weight, (s.position, c.position)
        )
        for g in call.grids
        for s in g.sections
        for c in s.criteria
    }


def rule_grids(call: Call) -> dict[Stage, tuple[scoring.Grid, Decimal]]:
    return {
        g.stage: (
            scoring.Grid(
                [
                    scoring.Section(
                        s.code,
                        s.threshold,
                        [scoring.Criterion(c.code, c.weight) for c in s.criteria],
                    )
                    for s in g.sections
                ],
                g.pass_threshold,
                g.tie_break_section,
            ),
            call.discrepancy_threshold,
        )
        for g in call.grids
    }


def _attach_finals(apps: dict[int, AppData]) -> None:
    """The stored section finals of the applications' stages (grants.evaluation stores them)."""
    owner = {stage.id: data for data in apps.values() for stage in data.stages}
    rows = db.session.execute(
        select(SectionFinal.stage_id, SectionFinal.section, SectionFinal.score).where(
            SectionFinal.stage_id.in_(list(owner))
        )
    )
    for stage_id, section, score in rows:
        owner[stage_id].finals.setdefault(stage_id, {})[section] = score


def section_finals(
    data: AppData, stage, grids: dict, info: dict[int, CriterionInfo]
) -> dict[str, Decimal]:
    """The stage's stored final section scores (the mean over the evaluations its final score uses),
    or {} while it has none (evaluations missing or in disagreement)."""
    return data.finals.get(stage.id, {})
