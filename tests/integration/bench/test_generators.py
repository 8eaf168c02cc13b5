"""The benchmark's data generators (bench/dataset.py, bench/grants_dataset.py) still run against
the schema: `make bench` is not in CI, and a schema change once broke them unnoticed (the final
score copy dropped from application_stage). A small call in a SQLite file, in a process of its own
as `make bench` runs them."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _run(module: str, *args: str, database: Path) -> None:
    env = os.environ | {"DATABASE_URL": f"sqlite:///{database}", "REDIS_URL": ""}
    done = subprocess.run(
        [sys.executable, "-m", module, *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-3000:]


def test_a_generated_call_is_decided_and_its_grants_made(tmp_path):
    database = tmp_path / "bench.sqlite"
    _run(
        "bench.dataset",
        "--applications",
        "40",
        "--reference",
        "T-40",
        "--budget-per-application",
        "30000",
        database=database,
    )
    _run("bench.grants_dataset", "--reference", "T-40", "--grants", "5", database=database)
    with sqlite3.connect(database) as db:
        (applications,) = db.execute("SELECT count(*) FROM application").fetchone()
        (finals,) = db.execute("SELECT count(*) FROM stage_final").fetchone()
        (ranked,) = db.execute(
            "SELECT count(*) FROM application_stage WHERE rank IS NOT NULL"
        ).fetchone()
        (grants,) = db.execute("SELECT count(*) FROM grant").fetchone()
        (status,) = db.execute("SELECT status FROM call").fetchone()
    assert applications == 40
    assert finals > 0 and ranked > 0  # evaluated, then ranked by the rules
    assert grants == 5
    assert status == "decided"
