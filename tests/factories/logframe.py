"""Logical frameworks for the tests: one saved on an application, and the page's form as a browser
sends it."""

from __future__ import annotations

from decimal import Decimal

from grants.extensions import db
from grants.models import Application, LogframeIndicator, LogframeResult

INDICATOR = {
    "description": "Joint events held",
    "unit": "events",
    "baseline": Decimal("0.00"),
    "target": Decimal("4.00"),
    "source": "Event reports",
}


def add_logframe(application: Application, results: int = 1, indicators: int = 1, **kw) -> None:
    """Objectives and `results` results of `indicators` complete indicators each (flushed)."""
    application.overall_objective = "Closer ties between the two towns."
    application.specific_objective = "Shared climate plans adopted."
    application.results = [
        LogframeResult(
            position=r,
            text=f"Result text {r + 1}",
            indicators=[
                LogframeIndicator(position=i, **{**INDICATOR, **kw}) for i in range(indicators)
            ],
        )
        for r in range(results)
    ]
    db.session.flush()


def logframe_url(application: Application) -> str:
    return f"/applications/{application.id}/logframe"


def logframe_form(application: Application) -> dict:
    """The page's fields as saved, as a browser sends them (numbers as the English page shows)."""
    data = {
        "version": str(application.version),
        "overall_objective": application.overall_objective,
        "specific_objective": application.specific_objective,
    }
    for r, result in enumerate(application.results):
        data[f"results-{r}-result_id"] = str(result.id)
        data[f"results-{r}-text"] = result.text
        for i, ind in enumerate(result.indicators):
            prefix = f"results-{r}-indicators-{i}-"
            data |= {
                prefix + "indicator_id": str(ind.id),
                prefix + "description": ind.description,
                prefix + "unit": ind.unit,
                prefix + "baseline": "" if ind.baseline is None else f"{ind.baseline:,.2f}",
                prefix + "target": "" if ind.target is None else f"{ind.target:,.2f}",
                prefix + "source": ind.source,
            }
    return data
