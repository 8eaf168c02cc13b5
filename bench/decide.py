"""The generated call's decisions, computed with the domain rules: final scores
(grants.rules.scoring), the ranking per lot and the award walk (grants.rules.ranking), then written
in bulk."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import bindparam, insert, update

from grants.extensions import db
from grants.models import ApplicationStage, Call, SectionFinal, StageFinal, StageStatus
from grants.models.base import now_utc
from grants.rules import scoring
from grants.rules.ranking import Candidate, award_walk, rank_by_lot

POINTS = Decimal("0.0001")
ZERO = Decimal("0.00")


class Decider:
    def __init__(self, call: Call) -> None:
        self.call = call
        grid = call.grids[0]
        self.grid = scoring.Grid(
            [
                scoring.Section(
                    s.code, s.threshold, [scoring.Criterion(c.code, c.weight) for c in s.criteria]
                )
                for s in grid.sections
            ],
            grid.pass_threshold,
            grid.tie_break_section,
        )
        self.lots = {lot.id: lot for lot in call.lots}
        self.candidates: list[Candidate] = []
        self.stage_of: dict[str, int] = {}
        self.values: dict[int, dict] = {}
        self.finals: dict[int, scoring.FinalScore] = {}  # stored, as evaluation settles them

    def add(self, stage_id: int, app: dict, evaluations: list[dict[str, int]]) -> None:
        final = scoring.final_scores(self.grid, evaluations, self.call.discrepancy_threshold)
        score = final.total.quantize(POINTS, rounding=ROUND_HALF_UP)
        self.finals[stage_id] = final
        if not scoring.passes(self.grid, final):
            self.values[stage_id] = {"status": StageStatus.below_threshold, "final_score": score}
            return
        self.stage_of[app["reference"]] = stage_id
        self.values[stage_id] = {"status": StageStatus.evaluated, "final_score": score}
        self.candidates.append(
            Candidate(
                ref=app["reference"],
                lot=self.lots[app["lot_id"]].code,
                final_total=final.total,
                tie_break_score=final.sections[self.grid.tie_break_section],
                submitted_at=app["updated_at"],
                number=app["number"],
                requested_grant=app["requested_grant"],
            )
        )

    def decide(self) -> None:
        ranked = rank_by_lot(self.candidates)
        call = self.call
        for lot in call.lots:
            outcomes = award_walk(
                ranked.get(lot.code, []),
                lot.budget,
                call.award_rule.value,
                call.reserve_list_length,
                call.grant_max,
            )
            for outcome in outcomes:
                self.values[self.stage_of[outcome.ref]].update(
                    status=StageStatus(outcome.status),
                    rank=outcome.rank,
                    awarded_amount=outcome.awarded_amount,
                )
            lot.awarded_total = sum((o.awarded_amount for o in outcomes if o.awarded_amount), ZERO)
        call.awarded_total = sum((lot.awarded_total for lot in call.lots), ZERO)
        table = ApplicationStage.__table__
        statement = (
            update(table)
            .where(table.c.id == bindparam("stage_id"))
            .values(
                status=bindparam("new_status"),
                rank=bindparam("new_rank"),
                awarded_amount=bindparam("new_amount"),
            )
        )
        self._store_finals()
        db.session.execute(
            statement,
            [
                {
                    "stage_id": sid,
                    "new_status": v["status"],
                    "new_rank": v.get("rank"),
                    "new_amount": v.get("awarded_amount"),
                }
                for sid, v in self.values.items()
            ],
        )

    def _store_finals(self) -> None:
        """Each evaluated stage's final score, total and sections, as
        grants.evaluation.services.settle stores them."""
        at = now_utc()
        rows = [
            {
                "stage_id": sid,
                "total": final.total.quantize(POINTS, rounding=ROUND_HALF_UP),
                "settled_at": at,
            }
            for sid, final in self.finals.items()
        ]
        db.session.execute(insert(StageFinal), rows)
        db.session.execute(
            insert(SectionFinal),
            [
                {
                    "stage_id": sid,
                    "section": code,
                    "score": value.quantize(POINTS, rounding=ROUND_HALF_UP),
                }
                for sid, final in self.finals.items()
                for code, value in final.sections.items()
            ],
        )
