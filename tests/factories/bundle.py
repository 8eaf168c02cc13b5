"""Bundles for the import and export tests: a small one, version 1 of one, written to a file."""

from __future__ import annotations

import json
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
