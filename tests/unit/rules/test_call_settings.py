"""The call and grid rules as pure functions (grants.rules.call_settings, grants.rules.grids)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from grants.rules.call_settings import LotDraft, check_call, check_lots
from grants.rules.grids import CriterionDraft, GridDraft, SectionDraft, check_grid
from grants.rules.problems import InputError
from grants.rules.publication import check_publishable
from grants.rules.typed_values import local_to_utc, parse_codes, parse_groups

T0 = datetime(2030, 1, 10, 6, 0, tzinfo=UTC)


def settings(**over) -> dict:
    base = {
        "reference": "TTGS-2030",
        "currency": "EUR",
        "timezone": "Europe/Istanbul",
        "procedure": "open",
        "opens_at": T0,
        "concept_note_deadline": None,
        "deadline": T0 + timedelta(days=60),
        "total_budget": Decimal("2600000.00"),
        "grant_min": Decimal("60000"),
        "grant_max": Decimal("130000"),
        "min_rate": Decimal("0.5"),
        "max_rate": Decimal("0.9"),
        "duration_min": 12,
        "duration_max": 24,
        "indirect_rate": Decimal("0.07"),
        "contingency_rate": Decimal("0.05"),
        "lead_countries": ["TR"],
        "lead_types": ["municipality"],
        "partner_countries": ["DE", "AT"],
        "partner_types": ["municipality"],
        "partners_min": 1,
        "partners_max": 3,
        "country_groups": [["TR"], ["DE", "AT"]],
        "max_applications_per_lead": 1,
        "evaluators_per_application": 2,
        "discrepancy_threshold": Decimal("20"),
        "reserve_list_length": None,
        "award_rule": "strict",
        "shortlist_ratio": Decimal("2.0"),
    }
    base.update(over)
    return base


def fields(issues) -> list[str]:
    return [i.field for i in issues]


def test_valid_settings_pass():
    assert check_call(settings(), []) == []


@pytest.mark.parametrize(
    "over, field",
    [
        ({"reference": "ttgs-2030"}, "reference"),
        ({"reference": "-TTGS"}, "reference"),
        ({"reference": "A"}, "reference"),
        ({"currency": "EURO"}, "currency"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"total_budget": Decimal("-1")}, "total_budget"),
        ({"grant_min": Decimal("60000.123")}, "grant_min"),
        ({"grant_min": Decimal("200000")}, "grant_max"),
        ({"total_budget": Decimal("1000000000000")}, "total_budget"),
        ({"duration_max": 10_000_000}, "duration_max"),
        ({"min_rate": Decimal("0.95")}, "max_rate"),
        ({"max_rate": Decimal("1.2")}, "max_rate"),
        ({"indirect_rate": Decimal("-0.01")}, "indirect_rate"),
        ({"duration_min": 30}, "duration_max"),
        ({"duration_min": 0}, "duration_min"),
        ({"partners_min": 4}, "partners_max"),
        ({"max_applications_per_lead": 0}, "max_applications_per_lead"),
        ({"evaluators_per_application": 0}, "evaluators_per_application"),
        ({"reserve_list_length": -1}, "reserve_list_length"),
        ({"discrepancy_threshold": Decimal("-5")}, "discrepancy_threshold"),
        ({"shortlist_ratio": Decimal("0.5")}, "shortlist_ratio"),
        ({"deadline": T0}, "deadline"),
        ({"procedure": "restricted"}, "concept_note_deadline"),
        (
            {"procedure": "restricted", "concept_note_deadline": T0 - timedelta(hours=1)},
            "concept_note_deadline",
        ),
        ({"procedure": "restricted", "concept_note_deadline": T0 + timedelta(days=61)}, "deadline"),
        ({"lead_countries": []}, "lead_countries"),
        ({"partner_types": []}, "partner_types"),
        ({"partner_countries": ["DEU"]}, "partner_countries"),
        ({"country_groups": [["TR"], ["FR"]]}, "country_groups"),
    ],
)
def test_each_rule_refuses_a_bad_value(over, field):
    assert field in fields(check_call(settings(**over), []))


def test_min_max_message_names_the_limit():
    [issue] = check_call(settings(grant_min=Decimal("200000")), [])
    assert "minimum grant (EUR 200,000.00)" in str(issue)


def test_lots_must_add_up_to_the_total_and_say_the_difference():
    lots = [
        LotDraft("L1", "One", [], Decimal("1000000")),
        LotDraft("L2", "Two", [], Decimal("1500000")),
    ]
    [issue] = check_lots(Decimal("2600000"), "EUR", lots)
    assert issue.field == "total_budget"
    assert (
        str(issue)
        == "The lots add up to EUR 2,500,000.00, EUR 100,000.00 less than the total budget."
    )
    lots[1] = LotDraft("L2", "Two", [], Decimal("1600000.01"))
    assert "EUR 0.01 more" in str(check_lots(Decimal("2600000"), "EUR", lots)[0])
    lots[1] = LotDraft("L2", "Two", [], Decimal("1600000"))
    assert check_lots(Decimal("2600000"), "EUR", lots) == []


def test_lot_rows_complete_and_codes_unique():
    lots = [
        LotDraft("L1", "", [], None, key="lots-0"),
        LotDraft("L1", "Two", [], Decimal("-1"), key="lots-3"),
        LotDraft("L 3", "x" * 201, [], Decimal("1e12"), key="lots-4"),
    ]
    assert set(fields(check_lots(Decimal("0"), "EUR", lots))) == {
        "lots-0-name",
        "lots-0-budget",
        "lots-3-code",
        "lots-3-budget",
        "lots-4-code",
        "lots-4-name",
        "lots-4-budget",
    }


def test_publishing_needs_grids_and_future_deadlines():
    now = T0 + timedelta(days=61)
    issues = check_publishable(
        settings(procedure="restricted", concept_note_deadline=T0 + timedelta(days=30)),
        [],
        {"full_application"},
        now,
    )
    assert set(fields(issues)) == {"grids", "concept_note_deadline", "deadline"}
    assert check_publishable(settings(), [], {"full_application"}, T0) == []


def test_parsing():
    assert parse_codes("tr, de;at\nFR") == ["TR", "DE", "AT", "FR"]
    assert parse_groups("TR\n\nAT BE\n") == [["TR"], ["AT", "BE"]]


def test_local_times_converted_to_utc_and_gaps_refused():
    assert local_to_utc(datetime(2030, 3, 15, 17, 0), "Europe/Istanbul") == datetime(
        2030, 3, 15, 14, 0, tzinfo=UTC
    )
    assert local_to_utc(datetime(2030, 7, 1, 12, 0), "Europe/Berlin") == datetime(
        2030, 7, 1, 10, 0, tzinfo=UTC
    )
    with pytest.raises(InputError):
        local_to_utc(
            datetime(2030, 3, 31, 2, 30), "Europe/Berlin"
        )  # clocks jump from 02:00 to 03:00


def grid(**over) -> GridDraft:
    base = GridDraft(
        sections=[
            SectionDraft(
                "1",
                "Capacity",
                Decimal("12"),
                [CriterionDraft("1.1", "Experience", 2), CriterionDraft("1.2", "Expertise", 2)],
            ),
            SectionDraft("2", "Relevance", None, [CriterionDraft("2.1", "Fit", 2)]),
        ],
        pass_threshold=Decimal("15"),
        tie_break_section="2",
    )
    for key, value in over.items():
        setattr(base, key, value)
    return base


def test_grid_maxima_and_valid_grid():
    g = grid()
    assert [s.max_score for s in g.sections] == [20, 10] and g.max_total == 30
    assert check_grid(g) == []


def test_grid_rules():
    g = grid()
    g.sections[0].threshold = Decimal("21")
    assert fields(check_grid(g)) == ["sections-0-threshold"]
    assert "maximum of 20 points" in str(check_grid(g)[0])
    assert fields(check_grid(grid(pass_threshold=Decimal("30.01")))) == ["pass_threshold"]
    assert fields(check_grid(grid(pass_threshold=None))) == ["pass_threshold"]
    assert fields(check_grid(grid(tie_break_section="9"))) == ["tie_break_section"]
    assert "sections" in fields(check_grid(grid(sections=[])))
    g = grid()
    g.sections[1].code = "1"
    assert "sections-1-code" in fields(check_grid(g))
    g = grid()
    g.sections[1].criteria[0].code = "1.1"
    assert "sections-1-criteria-0-code" in fields(check_grid(g))
    g = grid()
    g.sections[1].criteria = []
    assert "sections-1-title" in fields(check_grid(g))
    g = grid()
    g.sections[0].criteria[1].weight = 6
    assert "sections-0-criteria-1-weight" in fields(check_grid(g))
    g = grid()
    g.sections[0].criteria[1].title = ""
    assert "sections-0-criteria-1-title" in fields(check_grid(g))


def test_settings_that_cannot_work_are_refused_naming_the_field():
    """Issue 12.7: an unknown country, a discrepancy threshold no two totals can reach, a lot that
    cannot fund one minimum grant."""
    issues = check_call(
        settings(
            lead_countries=["TR", "XX"],
            partner_countries=["DE"],
            country_groups=[["QQ"]],
            discrepancy_threshold=Decimal("500"),
            grid_max=100,
        ),
        [
            LotDraft("LOT1", "Small towns", [], Decimal("50000"), "lots-0"),
            LotDraft("LOT2", "Cities", [], Decimal("2550000.00"), "lots-1"),
        ],
    )
    by_field = {i.field: str(i) for i in issues}
    assert "'XX' is not the code of a country" in by_field["lead_countries"]
    assert "'QQ'" in by_field["country_groups"]
    assert "would never call another evaluator" in by_field["discrepancy_threshold"]
    assert "cannot fund a single grant of the minimum EUR 60,000.00" in by_field["lots-0-budget"]
    assert set(by_field) == {
        "lead_countries",
        "country_groups",
        "discrepancy_threshold",
        "lots-0-budget",
    }
    assert check_call(settings(discrepancy_threshold=Decimal("99.99"), grid_max=100), []) == []
