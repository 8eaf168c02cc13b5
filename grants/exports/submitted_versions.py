"""Exports show a reopened application as it was last submitted, never the draft its lead is
correcting.

`as_submitted(data)` replaces, in place, an application's row, partnership and budget lines by those
of the version kept at its last submission (grants.submission.queries), and gives the reopened
stage the time of that submission; its status stays what it is now (a draft: reopened).
"""

from __future__ import annotations

from types import SimpleNamespace

from grants.models import OrganisationType, PartnerStatus
from reports.receipt import receipt_from_json


def _row(row, **changes) -> SimpleNamespace:
    return SimpleNamespace(**(row._asdict() if hasattr(row, "_asdict") else vars(row)) | changes)


def as_submitted(data) -> None:
    """`data`: a grants.exports.call_data.AppData, changed in place when one of its stages is
    reopened."""
    reopened = next(
        (s for s in data.stages if s.reopened_at is not None and s.submitted_version), None
    )
    if reopened is None:
        return
    kept = receipt_from_json(reopened.submitted_version)
    app_id = data.app.id
    data.app = _row(
        data.app,
        title=kept.title,
        acronym=kept.acronym,
        theme=kept.theme,
        duration_months=kept.duration_months,
        indirect=kept.totals.indirect,
        contingency=kept.totals.contingency,
        requested_grant=kept.totals.requested_grant,
        lead_name=kept.lead.name,
        lead_country=kept.lead.country,
    )
    data.stages = [
        _row(s, submitted_at=kept.submitted_at) if s is reopened else s for s in data.stages
    ]
    data.partners = [
        SimpleNamespace(
            application_id=app_id,
            organisation_id=p.organisation_id,
            role=p.role,
            status=PartnerStatus.confirmed,
            confirmed_at=p.confirmed_at,
            name=p.name,
            country=p.country,
            region=p.region,
            type=OrganisationType(p.type),
        )
        for p in kept.partners
    ]  # every partner had confirmed: the submission required it
    data.lines = [
        SimpleNamespace(
            application_id=app_id,
            heading=line.heading,
            description=line.description,
            unit=line.unit,
            quantity=line.quantity,
            unit_cost=line.unit_cost,
            organisation_id=line.organisation_id,
            organisation_name=line.organisation,
        )
        for line in kept.lines
    ]
