"""Generate a benchmark call into the configured database (DATABASE_URL): N applications (default
10,000), each with a Turkish lead, 1-3 EU partners, six budget lines and, unless inadmissible or
withdrawn, two submitted evaluations scoring every criterion with a comment (about 300,000 scores),
then the final scores, ranking and award decisions computed with grants.rules, and the decisions
finalised.

Rows go in with SQLAlchemy Core executemany, BATCH applications at a time (SQLAlchemy sends them as
multi-row INSERTs), so the load takes minutes and little memory. Running it again with the same
reference does nothing.

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_exports .venv/bin/python -m
    bench.dataset
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import insert, select

from bench import text
from bench.decide import Decider
from grants import create_app
from grants.calls.default_grids import FULL_APPLICATION_GRID, default_discrepancy
from grants.calls.defaults import CALL_DEFAULTS, EU27
from grants.calls.grids import build_grid
from grants.extensions import db
from grants.models import (
    Application,
    ApplicationStage,
    Assignment,
    AwardRule,
    BudgetLine,
    Call,
    CallEvaluator,
    CallStatus,
    ConflictStatus,
    Evaluation,
    Lot,
    Organisation,
    OrganisationType,
    Partner,
    PartnerStatus,
    Role,
    Score,
    SectionComment,
    Stage,
    StageStatus,
    User,
)
from grants.rules.money import money
from grants.rules.text import compact, fold

BATCH = 1000
EVALUATORS = 200
DEADLINE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CENT = Decimal("0.01")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--applications", type=int, default=10_000)
    parser.add_argument("--reference", default="BENCH-10000")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--budget-per-application",
        type=Decimal,
        default=Decimal("2000.00"),
        help="each lot's budget per application of the call (2,000: about one award in twenty; "
        "20,000: every ranked application awarded)",
    )
    args = parser.parse_args(argv)
    app = create_app()
    with app.app_context():
        db.create_all()
        if db.session.scalar(select(Call.id).where(Call.reference == args.reference)) is not None:
            print(
                f"Call {args.reference} is already in {db.engine.url.render_as_string()}: nothing "
                f"to do."
            )
            return
        started = time.perf_counter()
        Generator(
            args.applications, args.reference, random.Random(args.seed), args.budget_per_application
        ).run()
        print(
            f"Generated {args.reference}: {args.applications} applications in "
            f"{time.perf_counter() - started:.0f} s ({db.engine.dialect.name})."
        )


def rows_in(model, rows: list[dict], ids: bool = False) -> list[int]:
    """Insert the rows with one executemany; their new ids, in order, when asked."""
    if not rows:
        return []
    statement = insert(model.__table__)
    if ids:
        statement = statement.returning(model.__table__.c.id, sort_by_parameter_order=True)
        return list(db.session.scalars(statement, rows))
    db.session.execute(statement, rows)
    return []


class Generator:
    def __init__(
        self,
        applications: int,
        reference: str,
        rng: random.Random,
        budget_per_application: Decimal = Decimal("2000.00"),
    ) -> None:
        self.n, self.reference, self.rng = applications, reference, rng
        self.budget_per_application = budget_per_application
        self.now = datetime.now(UTC)

    def run(self) -> None:
        call = self._call()
        self.criteria = [
            (c.id, c.code, c.weight, s.id) for s in call.grids[0].sections for c in s.criteria
        ]
        self.sections = [s.id for s in call.grids[0].sections]
        self.evaluators = self._evaluators(call)
        self.partners = self._organisations(
            [self._org("EU", i) for i in range(max(self.n // 3, 10))]
        )
        self.decider = Decider(call)
        for start in range(0, self.n, BATCH):
            self._batch(call, range(start + 1, min(start + BATCH, self.n) + 1))
            db.session.commit()
            print(f"  {min(start + BATCH, self.n)} applications", flush=True)
        self.decider.decide()
        call.status, call.finalised_at = CallStatus.decided, self.now
        db.session.commit()

    def _call(self) -> Call:
        settings = {
            k: v
            for k, v in CALL_DEFAULTS.items()
            if k not in ("procedure", "award_rule", "total_budget")
        }
        lot_budget = Decimal(self.n) * self.budget_per_application
        call = Call(
            reference=self.reference,
            title=f"Town twinning benchmark call ({self.n} applications)",
            description=text.paragraph(self.rng, 3),
            status=CallStatus.evaluation,
            award_rule=AwardRule.strict,
            opens_at=DEADLINE - timedelta(days=90),
            deadline=DEADLINE,
            total_budget=3 * lot_budget,
            discrepancy_threshold=default_discrepancy(100),
            themes=text.THEMES,
            **settings,
        )
        call.grids.append(build_grid(Stage.full_application, FULL_APPLICATION_GRID))
        for pos, name in enumerate(
            ("Environment and climate", "Culture and youth", "Local democracy")
        ):
            call.lots.append(
                Lot(
                    position=pos,
                    code=f"LOT{pos + 1}",
                    name=name,
                    budget=lot_budget,
                    themes=text.THEMES[pos::3],
                )
            )
        db.session.add(call)
        db.session.commit()
        return call

    def _evaluators(self, call: Call) -> list[int]:
        ids = rows_in(
            User,
            [
                {
                    "email": f"assessor{i}@{self.reference.lower()}.example",
                    "name": f"Assessor {i}",
                    "role": Role.evaluator,
                    "active": True,
                    "created_at": self.now,
                }
                for i in range(EVALUATORS)
            ],
            ids=True,
        )
        rows_in(
            CallEvaluator,
            [
                {
                    "call_id": call.id,
                    "user_id": uid,
                    "added_at": self.now,
                    "impartiality_signed_at": self.now,
                }
                for uid in ids
            ],
        )
        return ids

    def _org(self, where: str, i: int) -> dict:
        rng = self.rng
        country = "TR" if where == "TR" else rng.choice(EU27)
        region = rng.choice(text.PROVINCES if country == "TR" else text.EU_REGIONS)
        kind = (
            OrganisationType.municipality if country == "TR" else OrganisationType.local_authority
        )
        name = f"{region} {'Belediyesi' if country == 'TR' else 'Commune'} {i}"
        return {
            "name": name,
            "type": kind,
            "country": country,
            "region": region,
            "population": rng.randrange(5_000, 2_000_000),
            "legal_id": f"{country}-{i:07d}",
            "address": f"{rng.randrange(1, 200)} Republic Square, {region}",
            "created_at": self.now,
            "verified_at": self.now,
            "seeking_partner": False,
            "partner_themes": [],
            "partner_description": "",
            "partner_languages": [],
            "name_key": fold(name),
            "legal_id_key": compact(f"{country}-{i:07d}"),
            "search_key": f"{fold(name)}\n{fold(region)}\n",
        }  # as the model keeps them (Core bypasses it)

    def _organisations(self, rows: list[dict]) -> list[int]:
        return rows_in(Organisation, rows, ids=True)

    def _batch(self, call: Call, numbers: range) -> None:
        leads = self._organisations([self._org("TR", n) for n in numbers])
        apps, budgets = [], []
        for n, lead in zip(numbers, leads, strict=True):
            lines, indirect, requested = self._budget()
            budgets.append(lines)
            apps.append(self._application(call, n, lead, indirect, requested))
        app_ids = rows_in(Application, apps, ids=True)
        stages = [self._stage(app_id, app) for app_id, app in zip(app_ids, apps, strict=True)]
        stage_ids = rows_in(ApplicationStage, stages, ids=True)
        partner_rows, line_rows = [], []
        for app_id, app, lines in zip(app_ids, apps, budgets, strict=True):
            members = [app["lead_id"], *self.rng.sample(self.partners, self.rng.randint(1, 3))]
            partner_rows += [
                {
                    "application_id": app_id,
                    "organisation_id": org,
                    "position": pos,
                    "role": text.sentence(self.rng),
                    "status": PartnerStatus.confirmed,
                    "confirmed_at": app["created_at"],
                    "confirmed_role": "",
                }
                for pos, org in enumerate(members[1:])
            ]
            line_rows += [
                {
                    **line,
                    "application_id": app_id,
                    "position": pos,
                    "organisation_id": members[pos % 2],
                }
                for pos, line in enumerate(lines)
            ]
        rows_in(Partner, partner_rows)
        rows_in(BudgetLine, line_rows)
        evaluated = [
            (sid, app)
            for sid, app, stage in zip(stage_ids, apps, stages, strict=True)
            if stage["status"] is StageStatus.admissible
        ]
        self._evaluations(evaluated)

    def _budget(self) -> tuple[list[dict], Decimal, Decimal]:
        rng, lines = self.rng, []
        for heading, unit in (
            (1, "month"),
            (2, "trip"),
            (3, "item"),
            (4, "month"),
            (5, "service"),
            (6, "lump sum"),
        ):
            quantity = Decimal(rng.randrange(1, 25))
            unit_cost = (Decimal(rng.randrange(300_00, 6_000_00)) * CENT).quantize(CENT)
            lines.append(
                {
                    "heading": heading,
                    "description": text.budget_line(rng, heading),
                    "unit": unit,
                    "quantity": quantity,
                    "unit_cost": unit_cost,
                }
            )
        direct = sum((money(line["quantity"] * line["unit_cost"]) for line in lines), Decimal(0))
        indirect = money(direct * Decimal("0.05"))
        requested = min(
            money((direct + indirect) * Decimal(rng.randrange(60, 90)) / 100), Decimal("130000.00")
        )
        return lines, indirect, max(requested, Decimal("60000.00"))

    def _application(
        self, call: Call, n: int, lead: int, indirect: Decimal, requested: Decimal
    ) -> dict:
        rng = self.rng
        title, acronym = text.title(rng, n)
        lot = call.lots[n % 3]
        submitted = DEADLINE - timedelta(minutes=rng.randrange(1, 60 * 24 * 60))
        return {
            "call_id": call.id,
            "lot_id": lot.id,
            "lead_id": lead,
            "number": n,
            "reference": f"{self.reference}-{n:05d}",
            "title": title,
            "title_key": fold(title),
            "acronym": acronym,
            "theme": rng.choice(lot.themes),
            "summary": text.paragraph(rng, 3),
            "objectives": text.paragraph(rng, 2),
            "activities": text.paragraph(rng, 4),
            "expected_results": text.paragraph(rng, 2),
            "start_month": rng.randrange(1, 7),
            "duration_months": rng.randrange(12, 25),
            "indirect": indirect,
            "contingency": Decimal("0.00"),
            "requested_grant": requested,
            "created_at": submitted - timedelta(days=20),
            "updated_at": submitted,
            "version": 1,
        }

    def _stage(self, app_id: int, app: dict) -> dict:
        roll = self.rng.random()
        status = (
            StageStatus.inadmissible
            if roll < 0.02
            else StageStatus.withdrawn
            if roll < 0.03
            else StageStatus.admissible
        )
        return {
            "application_id": app_id,
            "stage": Stage.full_application,
            "status": status,
            "submitted_at": app["updated_at"],
            "requested_grant": app["requested_grant"],
            "inadmissible_reasons": ["The signed declaration is missing."]
            if status is StageStatus.inadmissible
            else [],
            "withdrawn_reason": "",
            "updated_at": app["updated_at"],
        }

    def _evaluations(self, evaluated: list[tuple[int, dict]]) -> None:
        rng, assignments = self.rng, []
        for sid, app in evaluated:
            first = rng.randrange(EVALUATORS)
            for k in (0, 1):
                assignments.append(
                    {
                        "stage_id": sid,
                        "evaluator_id": self.evaluators[(first + k) % EVALUATORS],
                        "assigned_at": app["updated_at"],
                        "extra": False,
                        "conflict": ConflictStatus.no_conflict,
                        "conflict_declared_at": app["updated_at"],
                    }
                )
        assignment_ids = rows_in(Assignment, assignments, ids=True)
        done = DEADLINE + timedelta(days=20)
        evaluation_ids = rows_in(
            Evaluation,
            [
                {"assignment_id": aid, "started_at": done, "updated_at": done, "submitted_at": done}
                for aid in assignment_ids
            ],
            ids=True,
        )
        scores, comments = [], []
        for index, (sid, app) in enumerate(evaluated):
            pair = self._scores()
            self.decider.add(sid, app, pair)
            for eid, marks in zip(evaluation_ids[2 * index : 2 * index + 2], pair, strict=True):
                scores += [
                    {
                        "evaluation_id": eid,
                        "criterion_id": cid,
                        "score": marks[code],
                        "comment": text.comment(rng),
                    }
                    for cid, code, _weight, _section in self.criteria
                ]
                comments += [
                    {
                        "evaluation_id": eid,
                        "section_id": section,
                        "strengths": text.comment(rng),
                        "weaknesses": text.comment(rng),
                    }
                    for section in self.sections
                ]
        rows_in(Score, scores)
        rows_in(SectionComment, comments)

    def _scores(self) -> list[dict[str, int]]:
        """Two evaluators' scores that agree within the discrepancy threshold."""
        quality = self.rng.uniform(1.6, 5.0)
        first = {
            code: min(5, max(1, round(quality + self.rng.gauss(0, 0.7))))
            for _c, code, _w, _s in self.criteria
        }
        second = {
            code: min(5, max(1, score + self.rng.choice((-1, 0, 0, 1))))
            for code, score in first.items()
        }
        return [first, second]


if __name__ == "__main__":
    main()
