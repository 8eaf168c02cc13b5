"""The logical framework in a bundle (version 2: call.logframe_required and applications[].logframe;
version 1 has none): written by export.py, read back by import_.py, deleted with its call."""

from __future__ import annotations

from sqlalchemy import Delete, Select, delete, select

from grants.bundle import formats as f
from grants.bundle.formats import parse_decimal
from grants.models import Application, LogframeIndicator, LogframeResult


def export_logframe(app: Application) -> dict:
    """The application's logical framework (version 2)."""
    return {
        "overall_objective": app.overall_objective,
        "specific_objective": app.specific_objective,
        "results": [
            {
                "text": result.text,
                "indicators": [
                    {
                        "description": i.description,
                        "unit": i.unit,
                        "baseline": f.money(i.baseline),
                        "target": f.money(i.target),
                        "source": i.source,
                    }
                    for i in result.indicators
                ],
            }
            for result in app.results
        ],
    }


def import_logframe(item: dict | None) -> dict:
    """The application's logical framework (a version-2 bundle's; none in version 1)."""
    if not item:
        return {}
    return {
        "overall_objective": item["overall_objective"],
        "specific_objective": item["specific_objective"],
        "results": [
            LogframeResult(
                position=i,
                text=result["text"],
                indicators=[
                    LogframeIndicator(
                        position=j,
                        description=ind["description"],
                        unit=ind["unit"],
                        baseline=parse_decimal(ind["baseline"]),
                        target=parse_decimal(ind["target"]),
                        source=ind["source"],
                    )
                    for j, ind in enumerate(result["indicators"])
                ],
            )
            for i, result in enumerate(item["results"])
        ],
    }


def deletes(apps: Select) -> list[Delete]:
    """The statements that delete the logical frameworks of the applications `apps` selects."""
    results = select(LogframeResult.id).where(LogframeResult.application_id.in_(apps))
    return [
        delete(LogframeIndicator).where(LogframeIndicator.result_id.in_(results)),
        delete(LogframeResult).where(LogframeResult.application_id.in_(apps)),
    ]
