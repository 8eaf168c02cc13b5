"""Time the ranking and award computation (grants.awards.services.ranking.rank_call) of a generated
call.

The generated call is already decided; its finalisation is lifted inside a transaction that is
rolled back, so the database is left as it was. Prints one JSON line: seconds per run (wall and
this process's CPU; PostgreSQL's work is in the wall time only) and the counts.

    DATABASE_URL=... .venv/bin/python -m bench.ranking_time BENCH-10000
"""

from __future__ import annotations

import json
import sys
import time

from sqlalchemy import select

from grants import create_app
from grants.awards.services.ranking import rank_call
from grants.extensions import db
from grants.models import Call, CallStatus

RUNS = 3


def main(reference: str) -> None:
    timings, cpu, rows = [], [], 0
    with create_app().app_context():
        for _ in range(RUNS):
            call = db.session.scalar(select(Call).where(Call.reference == reference))
            call.finalised_at, call.status = None, CallStatus.evaluation
            db.session.flush()
            started, processor = time.perf_counter(), time.process_time()
            ranking = rank_call(call.id, discard_overrides=True)
            timings.append(time.perf_counter() - started)
            cpu.append(time.process_time() - processor)
            rows = sum(len(lot.rows) for lot in ranking.lots)
            db.session.rollback()
    print(json.dumps({"seconds": timings, "cpu": cpu, "ranked": rows}))


if __name__ == "__main__":
    main(sys.argv[1])
