"""Grants for a generated call (bench/dataset.py): one for each of the first N awarded applications
(default 5,000), at every stage of their life, with dates relative to today so that what is due is
due whenever the benchmark runs:

- drafts, contracts sent for signature, signed ones waiting for the countersignature;
- grants in force (most), started between today and beyond their end date: the pre-financing
  instalments recorded (some waiting for authorisation) or authorised, interim reports approved,
  sent or being written, final reports being written or sent, a few amendments requested or
  refused;
- grants closed (final report approved, the balance paid) and a few terminated.

Each grant's rows are planned by bench/grants_plan.py (the numbers from the rules, as the services
would compute them); they go in with SQLAlchemy Core executemany (bench/dataset.py's `rows_in`),
BATCH grants at a time. Each grant's lead gets a member (who signed it): bench/load_setup.py signs
some in. Running it again for the same call does nothing.

    DATABASE_URL=... .venv/bin/python -m bench.grants_dataset [--reference BENCH-10000]
    [--grants 5000]
"""

from __future__ import annotations

import argparse
import random
import time
from collections import defaultdict
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import func, select

from bench.dataset import rows_in
from bench.grants_plan import Planner
from grants import create_app
from grants.extensions import db
from grants.models import (
    Application,
    ApplicationStage,
    BudgetLine,
    Call,
    Grant,
    GrantAmendment,
    GrantBudgetLine,
    GrantIndicator,
    GrantPayment,
    GrantReport,
    GrantReportIndicator,
    GrantReportLine,
    GrantVersion,
    Role,
    StageStatus,
    User,
)
from grants.payments.dues import refresh
from grants.rules.budget import line_total
from grants.rules.grant_status import (
    ReportStatus,
)
from grants.rules.text import fold

BATCH = 500
CENT = Decimal("0.01")
INDICATORS = (
    ("Lasting exchange between the partner towns", "Joint events held", "events", 0, 6),
    ("Young people take part", "Young people in exchanges", "people", 0, 120),
)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reference", default="BENCH-10000")
    parser.add_argument("--grants", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=2027)
    args = parser.parse_args(argv)
    with create_app().app_context():
        call = db.session.scalar(select(Call).where(Call.reference == args.reference))
        if call is None:
            raise SystemExit(f"No call {args.reference}: run bench.dataset first.")
        if db.session.scalar(select(func.count(Grant.id)).where(Grant.call_id == call.id)):
            print(f"Call {args.reference} has its grants already: nothing to do.")
            return
        started = time.perf_counter()
        made = GrantGenerator(call, args.grants, random.Random(args.seed)).run()
        print(
            f"Generated {made} grants of {args.reference} in {time.perf_counter() - started:.0f} s."
        )


class GrantGenerator:
    def __init__(self, call: Call, count: int, rng: random.Random) -> None:
        self.call, self.count, self.rng = call, count, rng
        self.now = datetime.now(UTC)
        self.today = self.now.date()

    def run(self) -> int:
        self.staff, self.finance = self._staff()
        self.planner = Planner(self.call, self.rng, self.staff, self.finance)
        direct = (
            select(
                BudgetLine.application_id,
                func.sum(BudgetLine.quantity * BudgetLine.unit_cost).label("total"),
            )
            .group_by(BudgetLine.application_id)
            .subquery()
        )
        # a maximum grant above the total eligible costs gets no contract (prepare refuses it)
        awarded = db.session.execute(
            select(
                Application.id,
                Application.lead_id,
                Application.duration_months,
                Application.indirect,
                Application.contingency,
                ApplicationStage.awarded_amount,
            )
            .join(ApplicationStage, ApplicationStage.application_id == Application.id)
            .join(direct, direct.c.application_id == Application.id)
            .where(
                Application.call_id == self.call.id,
                ApplicationStage.status == StageStatus.awarded,
                ApplicationStage.awarded_amount
                <= direct.c.total + Application.indirect + Application.contingency,
            )
            .order_by(Application.number)
            .limit(self.count)
        ).all()
        if len(awarded) < self.count:
            print(f"  only {len(awarded)} awarded applications: as many grants")
        for start in range(0, len(awarded), BATCH):
            self._batch(awarded[start : start + BATCH], start)
            db.session.commit()
            print(f"  {start + len(awarded[start : start + BATCH])} grants", flush=True)
        return len(awarded)

    def _staff(self) -> tuple[int, int]:
        ids = []
        for email in ("grants-staff@bench.example", "grants-finance@bench.example"):
            user = db.session.scalar(select(User).where(User.email == email))
            if user is None:
                user = User(email=email, name=email.split("@")[0], role=Role.staff)
                db.session.add(user)
                db.session.flush()
            ids.append(user.id)
        return ids[0], ids[1]

    def _batch(self, awarded: list, offset: int) -> None:
        app_ids = [row.id for row in awarded]
        lines = defaultdict(list)
        for line in db.session.scalars(
            select(BudgetLine)
            .where(BudgetLine.application_id.in_(app_ids))
            .order_by(BudgetLine.application_id, BudgetLine.position)
        ):
            lines[line.application_id].append(line)
        signers = rows_in(
            User,
            [
                {
                    "email": f"grant-lead{offset + i}@bench.example",
                    "name": f"Grant lead {offset + i}",
                    "name_key": fold(f"Grant lead {offset + i}"),
                    "role": Role.applicant,
                    "active": True,
                    "created_at": self.now,
                    "organisation_id": row.lead_id,
                    "member_verified_at": self.now,
                    "email_confirmed_at": self.now,
                }
                for i, row in enumerate(awarded)
            ],
            ids=True,
        )
        plans = [
            self.planner.plan(
                row, offset + i + 1, signer, sum(map(line_total, lines[row.id]), Decimal(0))
            )
            for i, (row, signer) in enumerate(zip(awarded, signers, strict=True))
        ]
        grant_ids = rows_in(Grant, [plan["grant"] for plan in plans], ids=True)
        version_ids = rows_in(
            GrantVersion,
            [
                {**plan["version"], "grant_id": gid}
                for plan, gid in zip(plans, grant_ids, strict=True)
            ],
            ids=True,
        )
        budget_rows = []
        for row, vid in zip(awarded, version_ids, strict=True):
            budget_rows += [
                {
                    "version_id": vid,
                    "position": n,
                    "heading": line.heading,
                    "description": line.description,
                    "amount": line_total(line),
                    "organisation_id": line.organisation_id,
                }
                for n, line in enumerate(lines[row.id])
            ]
        budget_ids = iter(rows_in(GrantBudgetLine, budget_rows, ids=True))
        indicator_ids = iter(
            rows_in(
                GrantIndicator,
                [
                    {
                        "grant_id": gid,
                        "position": n,
                        "result": result,
                        "description": text,
                        "unit": unit,
                        "baseline": Decimal(base),
                        "target": Decimal(target),
                    }
                    for gid in grant_ids
                    for n, (result, text, unit, base, target) in enumerate(INDICATORS)
                ],
                ids=True,
            )
        )
        payments, reports, report_children, amendments = [], [], [], []
        for row, plan, gid in zip(awarded, plans, grant_ids, strict=True):
            budget = [(next(budget_ids), line_total(line)) for line in lines[row.id]]
            indicators = [next(indicator_ids) for _ in INDICATORS]
            payments += [{**p, "grant_id": gid} for p in plan["payments"]]
            for report in plan["reports"]:
                reports.append({**report, "grant_id": gid})
                report_children.append((budget, indicators, report))
            amendments += [{**a, "grant_id": gid} for a in plan["amendments"]]
        rows_in(GrantPayment, payments)
        rows_in(GrantAmendment, amendments)
        report_ids = rows_in(GrantReport, reports, ids=True)
        line_rows, value_rows = [], []
        for rid, (budget, indicators, report) in zip(report_ids, report_children, strict=True):
            share, approved = report.pop("_share"), report["status"] is ReportStatus.approved
            for bid, amount in budget:
                actual = (amount * share).quantize(CENT)
                line_rows.append(
                    {
                        "report_id": rid,
                        "budget_line_id": bid,
                        "actual": actual,
                        "accepted": actual if approved else None,
                        "set_aside_reason": "",
                    }
                )
            value_rows += [
                {"report_id": rid, "indicator_id": iid, "achieved": Decimal(3), "comment": ""}
                for iid in indicators
            ]
        rows_in(GrantReportLine, line_rows)
        rows_in(GrantReportIndicator, value_rows)
        # bulk inserts pass the ORM's flush by: what is due on the grants is kept by hand, by its
        # one writer (the app's flushes keep it otherwise: grants.payments.dues_hook)
        refresh(db.session, grant_ids)


if __name__ == "__main__":
    main()
