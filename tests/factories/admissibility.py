"""The admissibility check: a submitted application and the staff decision."""

from __future__ import annotations

from grants.admissibility.services.decisions import MANUAL_CHECKS
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


def ask(post, stage, due: str, document: str = "declaration", message: str = "", other: str = ""):
    """Staff ask the stage's lead for a document due by the end of `due` (YYYY-MM-DD)."""
    data = {
        "document": document,
        "other": other,
        "message": message or "The declaration is not signed by the legal representative.",
        "due_date": due,
    }
    return post(f"{url(stage)}/requests", data, page=url(stage))


def answer_url(request) -> str:
    return f"/applications/{request.stage.application_id}/document-requests/{request.id}"
