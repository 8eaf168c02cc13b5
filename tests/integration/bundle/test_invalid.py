"""Invalid bundles are refused with every problem and its JSON path; nothing is written."""

from __future__ import annotations

import pytest

from grants.models import Call, Organisation, User
from tests.factories.bundle import count, small, write


def _fa(data: dict, i: int) -> dict:
    return data["applications"][i]["full_application"]


def _set_lots(data: dict) -> None:
    data["call"]["lots"] = [
        {"code": "A", "name": "A", "budget": "1000000.00"},
        {"code": "B", "name": "B", "budget": "1000000.00"},
    ]
    for app in data["applications"]:
        app["lot"] = "A"


def _award_all(data: dict) -> None:
    for app in data["applications"]:
        app["full_application"].update(status="awarded", awarded_amount="700000.00")


CASES = {
    "money with a comma": (
        lambda d: d["applications"][3]["budget"].update(requested_grant="12,5"),
        "$.applications[3].budget.requested_grant: '12,5' does not match",
    ),
    "time without offset": (
        lambda d: _fa(d, 0).update(submitted_at="2018-03-02T17:53:00"),
        "$.applications[0].full_application.submitted_at: '2018-03-02T17:53:00' is not a "
        "'date-time'",
    ),
    "bad e-mail": (
        lambda d: d["evaluators"][0].update(email="not-an-email"),
        "$.evaluators[0].email: 'not-an-email' is not a",
    ),
    "unknown property": (
        lambda d: d["call"].update(colour="red"),
        "$.call: Additional properties are not allowed",
    ),
    "unknown organisation": (
        lambda d: d["applications"][1]["partners"][0].update(organisation="ghost"),
        "$.applications[1].partners[0].organisation: unknown organisation 'ghost'",
    ),
    "duplicate organisation key": (
        lambda d: d["organisations"][1].update(key=d["organisations"][0]["key"]),
        "$.organisations[1].key: duplicate organisation key 'tr1'",
    ),
    "lots not adding up": (
        _set_lots,
        "$.call.lots: the lots' budgets add up to 2000000.00, not the total budget (2600000.00)",
    ),
    "unknown lot": (
        lambda d: d["applications"][0].update(lot="Z"),
        "$.applications[0].lot: unknown lot 'Z'",
    ),
    "wrong grid maximum": (
        lambda d: d["call"]["evaluation"]["grids"]["full_application"].update(max_total=90),
        "$.call.evaluation.grids.full_application.max_total: 90 is not the sum of 5 x weight over "
        "the criteria (100)",
    ),
    "unknown criterion": (
        lambda d: _fa(d, 0)["evaluations"][1]["scores"][2].update(criterion="9.9"),
        "$.applications[0].full_application.evaluations[1].scores[2].criterion: no criterion '9.9'",
    ),
    "unknown evaluator": (
        lambda d: _fa(d, 2)["evaluations"][0].update(evaluator="ev99"),
        "$.applications[2].full_application.evaluations[0].evaluator: unknown evaluator 'ev99'",
    ),
    "reference of another call": (
        lambda d: d["applications"][0].update(reference="OTHER-0001"),
        "$.applications[0].reference: 'OTHER-0001' is not the call's reference 'TTGS-DEMO' "
        "followed by a number",
    ),
    "budget line of an outsider": (
        lambda d: d["applications"][0]["budget"]["lines"][0].update(
            organisation=d["applications"][1]["lead"]
        ),
        "$.applications[0].budget.lines[0].organisation: 'tr2' is neither the lead nor a partner",
    ),
    "awards above the budget": (
        _award_all,
        "$.call.total_budget: the awards add up to 2800000.00, more than the total budget "
        "(2600000.00)",
    ),
    "unknown time zone": (
        lambda d: d["call"].update(timezone="Mars/Olympus"),
        "$.call.timezone: unknown time zone",
    ),
    "deadline before opening": (
        lambda d: d["call"].update(deadline="2017-01-01T00:00:00+03:00"),
        "$.call.deadline: must be after opens_at",
    ),
    "title too long for the database": (
        lambda d: d["applications"][0].update(title="x" * 301),
        "$.applications[0].title: longer than 300 characters",
    ),
}


def _refused(db, result) -> None:
    assert result.exit_code != 0
    assert "was not imported" in result.output
    assert count(db, Call) == 0 and count(db, Organisation) == 0 and count(db, User) == 0


@pytest.mark.parametrize("case", CASES)
def test_invalid_bundle_is_refused_with_the_json_path(cli, db, tmp_path, case):
    mutate, message = CASES[case]
    data = small()
    mutate(data)
    result = cli("bundle", "import", write(tmp_path, data))
    _refused(db, result)
    assert message in result.output


@pytest.mark.parametrize(
    "cases",
    [
        ("money with a comma", "bad e-mail", "time without offset"),
        ("unknown organisation", "lots not adding up", "unknown evaluator"),
    ],
)
def test_every_problem_is_listed(cli, db, tmp_path, cases):
    data = small()
    for case in cases:
        CASES[case][0](data)
    result = cli("bundle", "import", write(tmp_path, data))
    _refused(db, result)
    for case in cases:
        assert CASES[case][1] in result.output


def test_bad_json_is_refused(cli, db, tmp_path):
    result = cli("bundle", "import", write(tmp_path, '{"format": "call-bundle",'))
    _refused(db, result)
    assert "$: not valid JSON" in result.output and "line 1" in result.output


def test_text_that_is_not_utf8_is_refused(cli, db, tmp_path):
    path = tmp_path / "latin1.json"
    path.write_bytes('{"title": "Çankaya"}'.encode("latin-1"))
    result = cli("bundle", "import", str(path))
    _refused(db, result)
    assert "not UTF-8" in result.output


def test_evaluator_whose_email_is_a_staff_account_is_refused(cli, db, tmp_path):
    from tests.factories import make_user

    make_user("staff", email="assessor1@example.org")
    db.session.commit()
    result = cli("bundle", "import", write(tmp_path, small()))
    assert result.exit_code != 0
    assert (
        "$.evaluators[0].email: 'assessor1@example.org' is a staff user, not an evaluator"
        in result.output
    )
    assert count(db, Call) == 0 and count(db, User) == 1 and count(db, Organisation) == 0
