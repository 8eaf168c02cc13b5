"""The staff ranking page, overrides with a justification, reserve promotion and ranking again."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from sqlalchemy import func, select

from grants.models import (
    Application,
    ApplicationStage,
    AuditEvent,
    Call,
    DecisionOverride,
    Stage,
    StageStatus,
)
from tests.conftest import count_queries
from tests.factories import make_call
from tests.factories.awards import (
    EXAMPLE,
    EXPECTED,
    WHY,
    add_application,
    override_url,
    stage,
    text,
)


def awarded_sum(db, call: Call) -> D:
    return db.session.scalar(
        select(func.sum(ApplicationStage.awarded_amount))
        .join(ApplicationStage.application)
        .where(Application.call_id == call.id, ApplicationStage.status == StageStatus.awarded)
    )


def events(db, action: str) -> int:
    return db.session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
    )


@pytest.mark.parametrize("role", ["applicant", "evaluator"])
def test_only_staff_see_and_change_decisions(client, db, login_as, post, demo, role):
    login_as(role)
    base = f"/staff/calls/{demo.id}"
    override = f"/ranking/{stage(db, 'TTGS-DEMO-0029').id}/override"
    for url in ("/ranking", "/ranking/promote", "/finalise", override, "/letters/1.pdf"):
        assert client.get(base + url).status_code == 403, url
    for url in ("/ranking/compute", "/finalise", "/ranking/promote", override):
        assert (
            post(base + url, {"outcome": "reserve", "justification": WHY}, page="/").status_code
            == 403
        ), url
    db.session.expire_all()
    assert demo.finalised_at is None and stage(db, "TTGS-DEMO-0029").status is StageStatus.awarded


def test_compute_and_show_the_ranking_with_the_applications_set_apart(
    client, db, login_as, post, app
):
    runner = app.test_cli_runner()
    runner.invoke(args=["bundle", "import", str(EXAMPLE)])
    call = db.session.scalar(select(Call))
    login_as("staff")
    assert f"/staff/calls/{call.id}/ranking" in text(client.get(f"/staff/calls/{call.id}"))
    page = post(
        f"/staff/calls/{call.id}/ranking/compute",
        page=f"/staff/calls/{call.id}/ranking",
        follow_redirects=True,
    )
    html = text(page)
    assert "The ranking and the proposed decisions were computed." in html
    assert stage(db, "TTGS-DEMO-0029").status is StageStatus.awarded
    # rank, reference, lead and its country, final, the section finals, requested, cumulative, left
    # after it,
    # decision and amount
    first = html[html.index("TTGS-DEMO-0029") : html.index("TTGS-DEMO-0048")]
    for shown in (
        "Aydın Belediyesi 29",
        "(Türkiye)",
        "97.00",
        "20.00",
        "22.50",
        "24.50",
        "€75,000.00",
        "€2,525,000.00",
        "Awarded",
    ):
        assert shown in first
    assert "Budget €2,600,000.00, awarded €2,572,766.00, left €27,234.00." in html
    html += "".join(
        text(client.get(f"/staff/calls/{call.id}/ranking?table={key}"))
        for key in ("below_threshold", "inadmissible", "withdrawn")
    )  # the lists set apart: their tabs
    assert (
        "Section 1 Financial and operational capacity: 11.00 of at least 12.00" in html
    )  # 0002 below threshold
    assert "Total: 36.00 of at least 50.00" in html  # 0011
    assert (
        "Partnership statement missing" in html and "TTGS-DEMO-0038" in html
    )  # inadmissible, withdrawn
    assert "Promote the first reserve application that fits" in html


def test_applications_waiting_for_evaluations_are_listed_with_the_reason(client, db, login_as):
    call = make_call("WAIT-1", status="evaluation")
    apart = add_application(call, [5, 3])  # 100 and 60: one more evaluator needed
    pending = add_application(call, [4, 4], submitted=[True, False])
    ready = add_application(call, [4, 4])
    db.session.commit()
    login_as("staff")
    html = text(client.get(f"/staff/calls/{call.id}/ranking"))
    waiting = html[html.index("Not ranked yet") :]
    assert f"{apart.reference}" in waiting and "Waiting for an extra evaluator" in waiting
    assert f"{pending.reference}" in waiting and "Evaluations missing" in waiting
    assert f"{ready.reference}" in waiting and "Evaluated: compute the ranking" in waiting


def _ranked_call(size: int) -> Call:
    from grants.awards import rank_call
    from grants.extensions import db

    call = make_call(f"PAGE-{size}", status="evaluation", total_budget=D("600000.00"))
    for i in range(size):
        add_application(call, [2, 2] if i % 5 == 4 else [4, 4], "60000.00")
    rank_call(call.id)
    db.session.commit()
    return call


def test_the_ranking_page_takes_a_constant_number_of_queries(client, db, login_as):
    login_as("staff")
    counts = []
    for size in (5, 50):
        call = _ranked_call(size)
        db.session.expire_all()
        with count_queries(db.engine) as statements:
            page = client.get(f"/staff/calls/{call.id}/ranking")
        assert page.status_code == 200 and text(page).count("Reserve list") == max(
            size - size // 5 - 10, 0
        )
        counts.append(len(statements))
    assert counts[0] == counts[1], counts


def test_award_a_reduced_amount_with_a_justification(client, db, login_as, post, demo):
    staff = login_as("staff", name="Selin Staff")
    url = override_url(demo, "TTGS-DEMO-0029", db)
    page = post(
        url, {"outcome": "awarded", "amount": "70000", "justification": WHY}, follow_redirects=True
    )
    assert "The decision on TTGS-DEMO-0029 was changed." in text(page)
    row = stage(db, "TTGS-DEMO-0029")
    assert (row.status, row.awarded_amount) == (StageStatus.awarded, D("70000.00"))
    assert demo.awarded_total == D("2567766.00") == awarded_sum(db, demo)
    override = db.session.scalar(select(DecisionOverride))
    assert (override.from_amount, override.to_amount, override.user_id) == (
        D("75000.00"),
        D("70000.00"),
        staff.id,
    )
    assert events(db, "decision.overridden") == 1
    changes = text(client.get(f"/staff/calls/{demo.id}/ranking?table=changes"))  # their tab
    html = changes[changes.index("Decisions changed by staff") :]
    assert WHY in html and "Selin Staff" in html and "€70,000.00" in html
    assert "changed by staff" in text(page)


@pytest.mark.parametrize(
    "form, message",
    [
        (
            {"outcome": "awarded", "amount": "70000", "justification": "Too short."},
            "Write a justification of at least 20 characters.",
        ),
        (
            {"outcome": "awarded", "amount": "80000", "justification": WHY},
            "Award an amount more than zero and at most the requested grant of €75,000.00.",
        ),
        (
            {"outcome": "awarded", "amount": "0", "justification": WHY},
            "Award an amount more than zero and at most the requested grant of €75,000.00.",
        ),
        (
            {"outcome": "awarded", "amount": "70 000", "justification": WHY},
            "Enter a number such as 2,500.50, in digits.",
        ),
        (
            {"outcome": "awarded", "amount": "", "justification": WHY},
            "already has this decision: nothing changes.",
        ),
    ],
)
def test_an_override_is_refused_with_a_clear_message_and_nothing_lost(
    client, db, login_as, post, demo, form, message
):
    login_as("staff")
    page = post(override_url(demo, "TTGS-DEMO-0029", db), form)
    assert page.status_code == 400
    assert message in text(page)
    assert form["justification"] in text(page) and f'value="{form["amount"]}"' in text(page)
    assert stage(db, "TTGS-DEMO-0029").awarded_amount == D("75000.00")
    assert db.session.scalar(select(func.count()).select_from(DecisionOverride)) == 0


def test_the_database_refuses_an_award_beyond_the_budget_left(client, db, login_as, post, demo):
    login_as("staff")
    page = post(
        override_url(demo, "TTGS-DEMO-0037", db), {"outcome": "awarded", "justification": WHY}
    )
    assert page.status_code == 400
    assert (
        "TTGS-DEMO-0037 cannot be awarded €90,000.00: the call has €27,234.00 left of its budget"
        in text(page)
    )
    assert stage(db, "TTGS-DEMO-0037").status is StageStatus.reserve
    assert demo.awarded_total == D("2572766.00") == awarded_sum(db, demo)
    assert events(db, "decision.overridden") == 0


def test_move_an_award_away_then_promote_the_first_reserve_that_fits(
    client, db, login_as, post, demo
):
    login_as("staff")
    post(
        override_url(demo, "TTGS-DEMO-0023", db), {"outcome": "not_selected", "justification": WHY}
    )
    assert stage(db, "TTGS-DEMO-0023").awarded_amount is None
    assert demo.awarded_total == D("2452766.00")  # 147,234.00 left
    url = f"/staff/calls/{demo.id}/ranking/promote"
    assert "TTGS-DEMO-0037 (rank 28" in text(client.get(url))
    short = post(url, {"justification": "Because."})
    assert short.status_code == 400 and "at least 20 characters" in text(short)
    page = post(url, {"justification": WHY}, follow_redirects=True)
    assert "The first reserve application that fits was awarded." in text(page)
    promoted = stage(db, "TTGS-DEMO-0037")  # rank 28, 90,000.00: fits before 0001 (110,000.00)
    assert (promoted.status, promoted.awarded_amount) == (StageStatus.awarded, D("90000.00"))
    assert demo.awarded_total == D("2542766.00") == awarded_sum(db, demo)
    assert events(db, "decision.promoted") == 1
    assert db.session.scalar(select(func.count()).select_from(DecisionOverride)) == 2
    assert "No application on the reserve list fits" in text(
        client.get(url)
    )  # 57,234.00 left: none fits
    refused = post(url, {"justification": WHY})
    assert "No application on the reserve list fits the remaining budget of €57,234.00." in text(
        refused
    )


def test_a_withdrawn_award_goes_back_to_the_budget_when_promoting(client, db, login_as, post, demo):
    withdrawn = stage(db, "TTGS-DEMO-0029")
    withdrawn.status = (
        StageStatus.withdrawn
    )  # as the applicant's withdrawal leaves it: the amount still held
    db.session.commit()
    login_as("staff")
    url = f"/staff/calls/{demo.id}/ranking/promote"
    assert "€102,234.00" in text(client.get(url))  # 27,234.00 + the 75,000.00 it held
    post(url, {"justification": WHY})
    assert stage(db, "TTGS-DEMO-0029").awarded_amount is None
    assert stage(db, "TTGS-DEMO-0037").status is StageStatus.awarded
    assert demo.awarded_total == D("2587766.00") == awarded_sum(db, demo)
    assert events(db, "decision.released") == 1


def test_ranking_again_gives_back_what_a_withdrawn_application_held(
    client, db, login_as, post, demo
):
    withdrawn = stage(db, "TTGS-DEMO-0029")
    withdrawn.status = StageStatus.withdrawn
    db.session.commit()
    login_as("staff")
    ranking = f"/staff/calls/{demo.id}/ranking"
    post(f"{ranking}/compute", page=ranking)
    assert stage(db, "TTGS-DEMO-0029").awarded_amount is None
    assert demo.awarded_total == awarded_sum(db, demo) <= demo.total_budget
    assert events(db, "decision.released") == 1


def test_ranking_again_keeps_overrides_unless_staff_discard_them(client, db, login_as, post, demo):
    login_as("staff")
    post(override_url(demo, "TTGS-DEMO-0029", db), {"outcome": "reserve", "justification": WHY})
    ranking = f"/staff/calls/{demo.id}/ranking"
    page = post(f"{ranking}/compute", page=ranking, follow_redirects=True)
    assert "Call TTGS-DEMO has decisions changed by staff (applications: 1)." in text(page)
    assert stage(db, "TTGS-DEMO-0029").status is StageStatus.reserve
    assert "Discard the decisions staff changed by hand and rank again" in text(page)

    page = post(
        f"{ranking}/compute", {"discard_overrides": "y"}, page=ranking, follow_redirects=True
    )
    assert "The ranking and the proposed decisions were computed." in text(page)
    assert stage(db, "TTGS-DEMO-0029").status is StageStatus.awarded
    assert demo.awarded_total == D("2572766.00")
    override = db.session.scalar(select(DecisionOverride))
    assert override.discarded_at is not None  # kept for the record
    assert events(db, "call.overrides_discarded") == 1
    changes = text(client.get(f"{ranking}?table=changes"))  # their tab
    assert "discarded by a new ranking" in changes and WHY in changes
    for reference, expected in EXPECTED.items():
        assert stage(db, reference).status.value == expected["status"]


def test_the_count_of_changed_decisions_counts_applications_not_changes(
    client, db, login_as, post, demo
):
    """Three changes to two applications: staff changed the decisions on 2 applications (issue
    12.9)."""
    login_as("staff")
    post(
        override_url(demo, "TTGS-DEMO-0029", db),
        {"outcome": "awarded", "amount": "70000", "justification": WHY},
    )
    post(
        override_url(demo, "TTGS-DEMO-0029", db),
        {"outcome": "awarded", "amount": "65000", "justification": WHY},
    )
    post(
        override_url(demo, "TTGS-DEMO-0036", db), {"outcome": "not_selected", "justification": WHY}
    )
    assert db.session.scalar(select(func.count()).select_from(DecisionOverride)) == 3
    ranking = f"/staff/calls/{demo.id}/ranking"
    assert "Staff changed the decisions on 2 applications by hand." in text(client.get(ranking))
    refused = post(f"{ranking}/compute", page=ranking, follow_redirects=True)
    assert "Call TTGS-DEMO has decisions changed by staff (applications: 2)." in text(refused)


def test_only_decided_full_applications_can_be_overridden(client, db, login_as, post, demo):
    login_as("staff")
    for reference in (
        "TTGS-DEMO-0002",
        "TTGS-DEMO-0005",
        "TTGS-DEMO-0038",
    ):  # below threshold, inadmissible, withdrawn
        assert client.get(override_url(demo, reference, db)).status_code == 404
    other = make_call("OTHER-1", status="evaluation")
    db.session.commit()
    assert (
        client.get(
            f"/staff/calls/{other.id}/ranking/{stage(db, 'TTGS-DEMO-0029').id}/override"
        ).status_code
        == 404
    )
    assert stage(db, "TTGS-DEMO-0029").stage is Stage.full_application


def test_each_lot_has_its_table_and_its_own_promotion(client, db, login_as, post):
    from grants.awards import rank_call

    call = make_call(
        "LOTS-2",
        status="evaluation",
        total_budget=D("300000.00"),
        lots=[("Culture", D("200000.00")), ("Environment", D("100000.00"))],
    )
    culture, environment = call.lots
    top = add_application(call, [5, 5], "130000.00", culture)
    waiting = add_application(call, [4, 4], "100000.00", culture)  # 70,000.00 left: reserve
    add_application(call, [4, 4], "100000.00", environment)
    rank_call(call.id)
    db.session.commit()
    login_as("staff")
    html = text(client.get(f"/staff/calls/{call.id}/ranking"))
    assert (
        "Full application: LOT1 – Culture" in html
        and "Full application: LOT2 – Environment" in html
    )
    assert "Budget €200,000.00, awarded €130,000.00, left €70,000.00." in html
    assert f"/staff/calls/{call.id}/ranking/promote?lot={culture.id}" in html
    assert client.get(f"/staff/calls/{call.id}/ranking/promote?lot=999").status_code == 404
    post(
        override_url(call, top.reference, db),
        {"outcome": "awarded", "amount": "100000", "justification": WHY},
    )
    post(
        f"/staff/calls/{call.id}/ranking/promote?lot={culture.id}",
        {"justification": WHY, "lot": culture.id},
    )
    assert (
        stage(db, waiting.reference).status,
        culture.awarded_total,
        environment.awarded_total,
    ) == (StageStatus.awarded, D("200000.00"), D("100000.00"))
    assert call.awarded_total == D("300000.00") == awarded_sum(db, call)


def test_a_restricted_call_shows_its_concept_note_shortlist(client, db, login_as):
    from grants.awards import rank_call

    call = make_call(
        "CN-2",
        procedure="restricted",
        status="evaluation",
        total_budget=D("200000.00"),
        shortlist_ratio=D("1.0"),
    )
    notes = [
        add_application(call, [score, score], "100000.00", stage=Stage.concept_note)
        for score in (5, 4, 3)
    ]
    rank_call(call.id)
    db.session.commit()
    login_as("staff")
    html = text(client.get(f"/staff/calls/{call.id}/ranking"))
    table = html[html.index("Concept note: Whole call") :]
    assert (
        table.count("Shortlisted") == 2
        and "Not shortlisted" in table
        and notes[2].reference in table
    )
    assert "/override" not in table  # only full applications get award decisions


def test_an_award_below_the_minimum_grant_needs_an_explicit_confirmation(
    client, db, login_as, post, demo
):
    login_as("staff")
    url = override_url(
        demo, "TTGS-DEMO-0029", db
    )  # requested 75,000.00; the call's minimum is 60,000.00
    form = {"outcome": "awarded", "amount": "55000", "justification": WHY}
    page = post(url, form)
    html = text(page)
    assert page.status_code == 400
    assert (
        "I confirm an award below the call&#39;s minimum grant of €60,000.00: Tick this box to "
        "award "
        "€55,000.00, less than the call&#39;s minimum grant of €60,000.00, or award at least the "
        "minimum."
    ) in html
    assert 'href="#below_minimum"' in html and WHY in html and 'value="55000"' in html
    assert (
        stage(db, "TTGS-DEMO-0029").awarded_amount == D("75000.00")
        and events(db, "decision.overridden") == 0
    )

    page = post(url, {**form, "below_minimum": "y"}, follow_redirects=True)
    assert "The decision on TTGS-DEMO-0029 was changed." in text(page)
    assert stage(db, "TTGS-DEMO-0029").awarded_amount == D("55000.00")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "decision.overridden"))
    assert (
        event.after["below_minimum_grant_confirmed"] is True
        and event.after["awarded_amount"] == "55000.00"
    )


def test_an_award_at_the_minimum_grant_needs_no_confirmation(client, db, login_as, post, demo):
    login_as("staff")
    page = post(
        override_url(demo, "TTGS-DEMO-0029", db),
        {"outcome": "awarded", "amount": "60000", "justification": WHY},
    )
    assert page.status_code == 302 and stage(db, "TTGS-DEMO-0029").awarded_amount == D("60000.00")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "decision.overridden"))
    assert "below_minimum_grant_confirmed" not in event.after
