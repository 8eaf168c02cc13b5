"""The decision letter's data: kept as JSON and read back unchanged; what counts as a reduced or
adverse decision."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal as D

import pytest

from reports.letters import (
    Letter,
    Letterhead,
    MissedThreshold,
    Reason,
    SectionScore,
    letter_from_json,
    letter_to_json,
)


def letter(**kw) -> Letter:
    values = dict(
        call_reference="TTGS-2027",
        call_title="Town twinning",
        currency="EUR",
        timezone="Europe/Istanbul",
        date=datetime(2027, 3, 1, 9, 30, tzinfo=UTC),
        reference="TTGS-2027-0007",
        title="Twin schools",
        lead_name="Aydın Belediyesi",
        lead_country="TR",
        stage="full_application",
        outcome="awarded",
        requested_grant=D("120000.00"),
        awarded_amount=D("100000.00"),
    )
    return Letter(**(values | kw))


def test_a_letter_kept_as_json_reads_back_the_same():
    kept = letter(
        number="TTGS-2027/L/007",
        total=D("66.5000"),
        max_total=100,
        pass_threshold=D("50"),
        sections=(SectionScore("1", "Capacity", D("15.5"), 20, D("12")),),
        missed=(MissedThreshold("", "", D("40"), D("50")),),
        rank=3,
        ranked=9,
        reserve_position=None,
        inadmissible_reasons=("Late.", "Unsigned."),
        reason=Reason(by_staff=True, justification="Costs cut.", remaining=D("27234.00")),
        letterhead=Letterhead(
            name={"en": "Directorate", "tr": "Başkanlık"},
            address="Ankara",
            signatory_title={"en": "Head", "tr": "Başkan"},
        ),
        complaint_days=30,
        complaint_by=date(2027, 3, 31),
    )
    data = json.loads(
        json.dumps(letter_to_json(kept))
    )  # through real JSON: no Decimal, no datetime left
    assert letter_from_json(data) == kept
    assert data["requested_grant"] == "120000.00" and data["date"] == "2027-03-01T09:30:00+00:00"


def test_a_letter_kept_before_a_field_existed_still_reads():
    data = letter_to_json(letter())
    del data["reason"], data["letterhead"]
    data["retired_field"] = 1
    assert letter_from_json(data) == letter()


@pytest.mark.parametrize(
    "outcome, awarded, adverse",
    [
        ("awarded", D("120000.00"), False),
        ("awarded", D("100000.00"), True),
        ("reserve", None, True),
        ("not_selected", None, True),
        ("inadmissible", None, True),
        ("admissible", None, False),
        ("shortlisted", None, False),
    ],
)
def test_a_refusal_or_a_reduced_grant_is_adverse(outcome, awarded, adverse):
    assert letter(outcome=outcome, awarded_amount=awarded).adverse is adverse
