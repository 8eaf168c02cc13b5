"""Defaults for a new call: the TTGS settings and the two default evaluation grids (domain.md 2, 4).

They pre-fill the staff form and can all be changed per call; nothing reads them as constants.
"""
from __future__ import annotations

from decimal import Decimal

EU27 = ["AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT",
        "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE"]
LOCAL_AUTHORITY_TYPES = ["municipality", "metropolitan_municipality", "governorate",
                         "union_of_municipalities", "special_provincial_administration", "local_authority"]

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
}

# (code, title, threshold, [(code, title, weight), ...])
FULL_APPLICATION_GRID = {
    "pass_threshold": Decimal("50"),
    "tie_break_section": "2",
    "sections": [
        ("1", "Financial and operational capacity", Decimal("12"), [
            ("1.1", "Experience", 1), ("1.2", "Technical expertise", 1),
            ("1.3", "Management capacity", 1), ("1.4", "Stable finance", 1)]),
        ("2", "Relevance", Decimal("15"), [
            ("2.1", "Fit with the call's objectives", 2), ("2.2", "Fit with local needs", 2),
            ("2.3", "Target groups", 1)]),
        ("3", "Design and implementation", None, [
            ("3.1", "Coherence", 1), ("3.2", "Feasibility of activities", 2), ("3.3", "Partnership quality", 2)]),
        ("4", "Sustainability", None, [("4.1", "Lasting twinning link", 2), ("4.2", "Multiplier effects", 1)]),
        ("5", "Budget and cost-effectiveness", None, [("5.1", "Cost-results ratio", 2), ("5.2", "Budget realism", 1)]),
    ],
}

CONCEPT_NOTE_GRID = {
    "pass_threshold": Decimal("30"),
    "tie_break_section": "1",
    "sections": [
        ("1", "Relevance", None, [
            ("1.1", "Fit with the call's objectives", 2), ("1.2", "Fit with local needs", 2),
            ("1.3", "Target groups", 1), ("1.4", "Added value of the twinning", 1)]),
        ("2", "Design", None, [("2.1", "Coherence of the action", 2), ("2.2", "Partnership", 2)]),
    ],
}


def default_discrepancy(max_total: int) -> Decimal:
    """Default discrepancy threshold: 20 % of the grid's maximum total."""
    return (Decimal(max_total) * Decimal("0.20")).quantize(Decimal("0.01"))
