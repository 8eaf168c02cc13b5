"""Bundles for the import and export tests: a small one, version 1 of one, written to a file, one
imported and exported again by a new installation."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

import grants


def small(count: int = 4) -> dict:
    """The example cut to its first applications and the organisations they refer to."""
    data = example()
    data["applications"] = data["applications"][:count]
    apps = data["applications"]
    used = {a["lead"] for a in apps} | {p["organisation"] for a in apps for p in a["partners"]}
    data["organisations"] = [o for o in data["organisations"] if o["key"] in used]
    return data


RECORD = ("staff", "overrides", "impartiality", "declarations")  # what version 2 adds to version 1
SELECTION = ("committee", "admissibility", "grants")  # and may add (optional)
# and, inside the call and each application, the logical framework
CALL_LOGFRAME, APPLICATION_LOGFRAME = "logframe_required", "logframe"
# and, inside the call, optional: the grant settings and the days of requests and reminders
CALL_DAYS = (
    "document_request_days",
    "draft_reminder_first_days",
    "draft_reminder_last_days",
    "evaluation_reminder_days",
)
CALL_ADDED = (CALL_LOGFRAME, "grants", *CALL_DAYS)
# the optional properties version 2 adds to version 1's definitions, by definition
ADDED = {"call": set(CALL_ADDED), "application": {APPLICATION_LOGFRAME}}


def version_1(bundle: dict) -> dict:
    """A version-2 bundle without what version 2 adds: a version-1 bundle."""
    plain = {k: v for k, v in bundle.items() if k not in RECORD + SELECTION}
    plain["call"] = {k: v for k, v in bundle["call"].items() if k not in CALL_ADDED}
    plain["applications"] = [
        {k: v for k, v in app.items() if k != APPLICATION_LOGFRAME}
        for app in bundle["applications"]
    ]
    return {**plain, "version": 1}


def write(tmp_path: Path, data: dict | str, name: str = "bundle.json") -> str:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return str(path)


def count(db, model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def example() -> dict:
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))


EXAMPLE = Path(grants.__file__).parent / "data" / "ttgs-demo.bundle.json"


ROOT = Path(grants.__file__).parents[1]
FRESH_INSTALLATION = """
import sys
from flask_migrate import upgrade
from wsgi import app

with app.app_context():
    upgrade()
    runner = app.test_cli_runner()
    for args in (["bundle", "import", sys.argv[1]], ["bundle", "export", sys.argv[3], sys.argv[2]]):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output
"""


def in_a_fresh_installation(tmp_path: Path, bundle: dict) -> dict:
    """The bundle imported by a new installation (an empty database, migrated), then exported by
    it."""
    path, out = tmp_path / "bundle.json", tmp_path / "again.json"
    path.write_text(json.dumps(bundle, ensure_ascii=False), encoding="utf-8")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite'}",
        "INSTANCE_DIR": str(tmp_path),
        "REDIS_URL": "",
        "PYTHONPATH": str(ROOT),
    }
    reference = bundle["call"]["reference"]
    result = subprocess.run(
        [sys.executable, "-c", FRESH_INSTALLATION, str(path), str(out), reference],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(out.read_text(encoding="utf-8"))
