"""Defaults for a new call: the TTGS settings (docs/domain.md 2); the default evaluation grids are
in default_grids.py.

They pre-fill the staff form and can all be changed per call; nothing reads them as constants.
"""

from __future__ import annotations

from decimal import Decimal

EU27 = [
    "AT",
    "BE",
    "BG",
    "HR",
    "CY",
    "CZ",
    "DK",
    "EE",
    "FI",
    "FR",
    "DE",
    "GR",
    "HU",
    "IE",
    "IT",
    "LV",
    "LT",
    "LU",
    "MT",
    "NL",
    "PL",
    "PT",
    "RO",
    "SK",
    "SI",
    "ES",
    "SE",
]

LOCAL_AUTHORITY_TYPES = [
    "municipality",
    "metropolitan_municipality",
    "governorate",
    "union_of_municipalities",
    "special_provincial_administration",
    "local_authority",
]

CALL_DEFAULTS: dict = {
    "currency": "EUR",
    "timezone": "Europe/Istanbul",
    "procedure": "open",
    "total_budget": Decimal("2600000.00"),
    "grant_min": Decimal("60000.00"),
    "grant_max": Decimal("130000.00"),
    "min_rate": Decimal("0.50"),
    "max_rate": Decimal("0.90"),
    "duration_min": 12,
    "duration_max": 24,
    "indirect_rate": Decimal("0.07"),
    "contingency_rate": Decimal("0.05"),
    "lead_countries": ["TR", *EU27],
    "lead_types": LOCAL_AUTHORITY_TYPES,
    "partner_countries": ["TR", *EU27],
    "partner_types": LOCAL_AUTHORITY_TYPES,
    "partners_min": 1,
    "partners_max": 3,
    "country_groups": [["TR"], EU27],
    "max_applications_per_lead": 1,
    "evaluators_per_application": 2,
    "reserve_list_length": None,
    "award_rule": "strict",
    "shortlist_ratio": Decimal("2.0"),
    "complaint_days": 30,
    "document_request_days": 7,
    # grants after award (docs/domain.md 7): PRAG's defaults
    "single_max_months": 12,
    "single_max_grant": Decimal("100000.00"),
    "single_prefinancing_rate": Decimal("0.80"),
    "prefinancing_due_days": 30,
    "period_months": 12,
    "instalment_due_days": 60,
    "instalment_condition_rate": Decimal("0.70"),
    "prefinancing_ceiling_rate": Decimal("0.90"),
    "interim_report_days": 60,
    "final_report_days": 90,
    "verification_threshold": Decimal("100000.00"),
    "heading_flexibility_rate": Decimal("0.25"),
    "report_reminder_days": 14,
    "payment_reminder_days": 7,
    "logframe_required": False,
    "draft_reminder_first_days": 7,
    "draft_reminder_last_days": 1,
    "evaluation_reminder_days": 3,
}
