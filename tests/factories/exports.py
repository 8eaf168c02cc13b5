"""Shared arrangements for the export tests: the example call (48 applications) imported and
ranked."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

import grants
from grants.awards import rank_call
from grants.bundle import import_bundle, load
from grants.exports.kinds import KINDS, Kind
from grants.extensions import db
from grants.models import (
    Application,
    ApplicationStage,
    Call,
    JobStatus,
    ReportJob,
    Stage,
    StageStatus,
)

EXAMPLE = Path(grants.__file__).parent / "data" / "ttgs-demo.bundle.json"
CENT = Decimal("0.01")


def ranked_example() -> Call:
    call = import_bundle(load(EXAMPLE))
    db.session.flush()
    rank_call(call.id)
    db.session.commit()  # a savepoint in the tests: rolled back at the end
    return call


def exact(value: object) -> Decimal:
    """A cell's number as the Decimal it was written from (amounts of at most 15 digits print back
    exactly)."""
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def awarded_stages(call: Call) -> list[ApplicationStage]:
    return list(
        db.session.scalars(
            select(ApplicationStage)
            .join(ApplicationStage.application)
            .where(
                Application.call_id == call.id,
                ApplicationStage.stage == Stage.full_application,
                ApplicationStage.status == StageStatus.awarded,
            )
            .order_by(Application.number)
        )
    )


def use_export_dir(app, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Files of the test go to its own temporary directory."""
    monkeypatch.setitem(app.config, "EXPORT_DIR", str(tmp_path / "exports"))
    return tmp_path / "exports"


STATE: dict = {}


def fake_build(call_id: int, locale: str, progress, path: Path) -> str:
    """A builder that reports progress, then fails or writes its file as the test says."""
    progress(40)
    STATE["seen"] = db.session.scalar(
        select(ReportJob.progress).where(ReportJob.status == JobStatus.running)
    )
    STATE["locale"] = locale
    if STATE.get("fail"):
        raise ValueError("the data of call is broken")
    path.write_text("made", encoding="utf-8")
    return "../fake report.txt"


def fake_exports(app, tmp_path, monkeypatch) -> Path:
    """Registers the "fake" export kind, whose builder is `fake_build`, and a temporary export
    folder."""
    STATE.clear()
    monkeypatch.setitem(
        KINDS, "fake", Kind("fake", f"{__name__}:fake_build", "Fake report", "For tests", ".txt")
    )
    return use_export_dir(app, tmp_path, monkeypatch)
