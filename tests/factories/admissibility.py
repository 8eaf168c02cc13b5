"""The admissibility check: a submitted application and the staff decision."""

from __future__ import annotations

from grants.admissibility.services import MANUAL_CHECKS
from tests.factories import make_org
from tests.factories.submission import ready_application

ALL_TICKED = {f"manual_{item.key}": "y" for item in MANUAL_CHECKS}


def submitted(call=None, **kw):
    application = ready_application(make_org(), call=call, status="submitted", **kw)
    return application, application.stages[0]


def decide(post, stage, decision: str, further: str = "", ticked: dict | None = None):
    data = {
        **(ALL_TICKED if ticked is None else ticked),
        "decision": decision,
        "further_reasons": further,
    }
    return post(url(stage), data)


def url(stage) -> str:
    return f"/staff/calls/{stage.application.call_id}/admissibility/{stage.id}"
