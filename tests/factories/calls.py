"""Call form data and a submitted application for the call pages."""

from __future__ import annotations

from grants.calls.default_grids import FULL_APPLICATION_GRID
from grants.extensions import db as database
from grants.models import Application, ApplicationStage, Stage
from grants.models.base import now_utc
from tests.factories import make_org


def form_data(**over) -> dict:
    data = {
        "reference": "TTGS-2030",
        "title": "Town twinning 2030",
        "description": "Twinning towns.",
        "themes": "Environment\nCulture",
        "currency": "EUR",
        "timezone": "Europe/Istanbul",
        "procedure": "open",
        "opens_at": "2030-01-10T09:00",
        "concept_note_deadline": "",
        "deadline": "2030-03-15T17:00",
        "total_budget": "2600000.00",
        "lots-0-code": "LOT1",
        "lots-0-name": "Environment",
        "lots-0-themes": "environment, climate",
        "lots-0-budget": "1600000",
        "lots-1-code": "LOT2",
        "lots-1-name": "Culture",
        "lots-1-themes": "culture",
        "lots-1-budget": "1000000.00",
        "grant_min": "60000",
        "grant_max": "130000",
        "min_rate": "50",
        "max_rate": "90",
        "duration_min": "12",
        "duration_max": "24",
        "indirect_rate": "7",
        "contingency_rate": "5",
        "lead_countries": "TR",
        "lead_types": ["municipality", "governorate"],
        "partner_countries": "AT BE DE",
        "partner_types": ["municipality", "local_authority"],
        "partners_min": "1",
        "partners_max": "3",
        "country_groups": "TR\nAT BE DE",
        "max_applications_per_lead": "1",
        "evaluators_per_application": "2",
        "discrepancy_threshold": "20",
        "reserve_list_length": "",
        "award_rule": "strict",
        "shortlist_ratio": "2.0",
        "complaint_days": "30",
        "document_request_days": "7",
        "single_max_months": "12",
        "single_max_grant": "100000",
        "single_prefinancing_rate": "80",
        "prefinancing_due_days": "30",
        "period_months": "12",
        "instalment_due_days": "60",
        "instalment_condition_rate": "70",
        "prefinancing_ceiling_rate": "90",
        "interim_report_days": "60",
        "final_report_days": "90",
        "verification_threshold": "100000",
        "heading_flexibility_rate": "25",
        "report_reminder_days": "14",
        "payment_reminder_days": "7",
        "draft_reminder_first_days": "7",
        "draft_reminder_last_days": "1",
        "evaluation_reminder_days": "3",
    }
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def submit_application(call, submitted: bool = True) -> Application:
    application = Application(call=call, lead=make_org(), title="Twinning for clean rivers")
    application.stages.append(
        ApplicationStage(
            stage=Stage.full_application, submitted_at=now_utc() if submitted else None
        )
    )
    database.session.add(application)
    database.session.flush()
    return application


def grid_data(**over) -> dict:
    data = {"pass_threshold": "50", "tie_break_section": "2"}
    for s, section in enumerate(FULL_APPLICATION_GRID["sections"]):
        data |= {
            f"sections-{s}-code": section["code"],
            f"sections-{s}-title": section["title"],
            f"sections-{s}-title_tr": section["title_tr"],
            f"sections-{s}-threshold": ""
            if section["threshold"] is None
            else str(section["threshold"]),
        }
        for c, criterion in enumerate(section["criteria"]):
            data |= {
                f"sections-{s}-criteria-{c}-{name}": str(criterion[name])
                for name in ("code", "title", "title_tr", "description", "description_tr", "weight")
            }
    data.update(over)
    return data
