"""Staff: a call's evaluation progress, the evaluators' totals side by side and one application's
scores."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal as D

import pytest
from sqlalchemy import select

from grants.evaluation.queries.progress import progress
from grants.evaluation.queries.scores import grid_rules
from grants.evaluation.services.settle import settle_scores
from grants.models import (
    Assignment,
    AuditEvent,
    CallEvaluator,
    ConflictStatus,
    Evaluation,
    Score,
    SectionComment,
    Stage,
)
from grants.models.base import now_utc
from grants.rules import scoring
from tests.conftest import count_queries, sign_in
from tests.factories import make_application, make_call, make_user

REFERENCES = re.compile(r'/evaluation/\d+">([A-Z0-9-]+)</a>')


def scores_for(criteria, total: int) -> dict[int, int]:
    """Whole scores 1..5 per criterion whose weighted sum is `total`."""
    values = {c.id: 1 for c in criteria}
    left = total - sum(c.weight for c in criteria)
    for _ in range(4):
        for c in criteria:
            if 0 < c.weight <= left:
                values[c.id] += 1
                left -= c.weight
    assert left == 0, total
    return values


class Calls:
    """Builds a call's applications and evaluations as model rows."""

    def __init__(self, db, threshold: D | None = None, **kw):
        self.db = db
        self.call = make_call(status="evaluation", **kw)
        self.call.discrepancy_threshold = threshold or self.call.discrepancy_threshold
        self.evaluators = []

    def evaluator(self, name: str | None = None):
        user = make_user("evaluator", **({"name": name} if name else {}))
        self.db.session.add(
            CallEvaluator(call_id=self.call.id, user_id=user.id, impartiality_signed_at=now_utc())
        )
        self.evaluators.append(user)
        return user

    def application(
        self, *evaluations, status: str = "admissible", kind: Stage = Stage.full_application
    ):
        """`evaluations`: a total (submitted), ("draft", total), "started" (undeclared, no
        evaluation), "conflict", or ("extra", total or None)."""
        app = make_application(self.call, status=status)
        stage = app.stages[0]
        stage.stage = kind
        for item in evaluations:
            self.assign(stage, item)
        self.db.session.flush()
        settle_scores(self.call, [stage])  # the final score stored, as evaluation stores it
        return app

    def assign(self, stage, item):
        kind, total = item if isinstance(item, tuple) else ("submitted", item)
        user = self.evaluator()
        assignment = Assignment(
            stage_id=stage.id,
            evaluator_id=user.id,
            extra=kind == "extra",
            conflict=ConflictStatus.no_conflict,
        )
        if item == "started":
            assignment.conflict = ConflictStatus.undeclared
        elif item == "conflict":
            assignment.conflict, assignment.ended_at = ConflictStatus.conflict, now_utc()
        elif total is not None:
            assignment.evaluation = self.evaluation(
                stage.stage, total, submitted=kind != "draft", who=user.name
            )
        self.db.session.add(assignment)
        return assignment

    def evaluation(self, kind: Stage, total: int, submitted: bool, who: str) -> Evaluation:
        grid = self.call.grid_for(kind)
        criteria = [c for s in grid.sections for c in s.criteria]
        values = scores_for(criteria, total)
        state = "submitted" if submitted else "draft"
        return Evaluation(
            submitted_at=now_utc() if submitted else None,
            scores=[
                Score(
                    criterion_id=c.id,
                    score=values[c.id],
                    comment=f"{state} comment {c.code} by {who}",
                )
                for c in criteria
            ],
            section_comments=[
                SectionComment(
                    section_id=s.id,
                    strengths=f"{state} strengths {s.code} by {who}",
                    weaknesses=f"{state} weaknesses {s.code} by {who}",
                )
                for s in grid.sections
            ],
        )


def page(client, call, **args) -> str:
    response = client.get(f"/staff/calls/{call.id}/evaluation", query_string=args)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def cell(html: str, label: str) -> str:
    """The first number of a headline row."""
    match = re.search(rf">{re.escape(label)}</th>\s*<td class=\"num\">(\d+)", html)
    assert match, label
    return match.group(1)


def test_headline_counts_and_evaluators(db, login_as, client):
    calls = Calls(db)
    calls.application(80, 80)  # scored
    calls.application(80, ("draft", 60))  # one in, one in progress
    calls.application("started", "conflict")  # awaits reassignment
    calls.application(100, 60)  # discrepancy, no extra evaluator yet
    calls.application(
        100, 60, ("extra", None)
    )  # discrepancy, extra evaluator assigned, not started
    calls.application(80, 80, status="inadmissible")  # not evaluated: left out
    calls.application(status="admissible")  # needs evaluators
    calls.evaluator("Idle Ida")
    db.session.commit()

    (counts,) = progress(calls.call).counts
    assert (counts.applications, counts.understaffed, counts.assignments, counts.no_conflict) == (
        6,
        2,
        10,
        9,
    )
    assert (
        counts.conflicts,
        counts.awaiting_reassignment,
        counts.in_progress,
        counts.submitted,
    ) == (1, 1, 1, 7)
    assert (counts.complete, counts.discrepancies, counts.extra_assigned, counts.scored) == (
        2,
        2,
        1,
        1,
    )
    login_as("staff")
    html = page(client, calls.call)
    assert cell(html, "Applications to evaluate") == "6"
    assert cell(html, "Evaluations submitted") == "7"
    assert "(1 awaiting reassignment)" in html and "(extra evaluator assigned for 1)" in html
    assert re.search(r"<td>Idle Ida</td>(\s*<td class=\"num\">0</td>){6}", html)


def test_restricted_call_counts_per_stage_kind(db, login_as, client):
    calls = Calls(db, procedure="restricted")
    calls.application(40, 45, kind=Stage.concept_note)  # its own grid (max 50)
    calls.application(60, 70)
    db.session.commit()
    concept, full = progress(calls.call).counts
    assert (concept.kind, concept.applications, full.kind, full.applications) == (
        Stage.concept_note,
        1,
        Stage.full_application,
        1,
    )
    login_as("staff")
    html = page(client, calls.call)
    assert ">Concept note</th>" in html and ">Full application</th>" in html


def test_drafts_numbers_and_comments_are_never_shown(db, login_as, client):
    calls = Calls(db)
    app = calls.application(88, ("draft", 37))
    db.session.commit()
    login_as("staff")
    html = page(client, calls.call)
    assert "88.00" in html and "37.00" not in html and "in progress" in html
    detail = client.get(f"/staff/calls/{calls.call.id}/evaluation/{app.stages[0].id}").get_data(
        as_text=True
    )
    assert "submitted comment 1.1" in detail and "submitted strengths 1" in detail
    assert "draft" not in detail and "37.00" not in detail
    assert f"{calls.evaluators[1].name}: in progress" in detail


def test_spread_breach_and_sort_orders(db, login_as, client):
    calls = Calls(db, threshold=D(15))
    a = calls.application(80, 65)  # spread 15: at the threshold, not beyond
    b = calls.application(90, 70)  # spread 20: beyond
    c = calls.application(50, 50)  # spread 0, final 50
    d = calls.application(70, ("draft", 30))  # one total: no spread, no final
    db.session.commit()
    login_as("staff")
    html = page(client, calls.call)
    assert REFERENCES.findall(html) == [b.reference, a.reference, c.reference, d.reference]
    assert html.count("threshold exceeded") == 1 and "20.00" in html and "15.00" in html
    assert REFERENCES.findall(page(client, calls.call, sort="final")) == [
        a.reference,
        c.reference,
        b.reference,
        d.reference,
    ]  # 72.50, 50, none (b needs one more evaluator)
    assert REFERENCES.findall(page(client, calls.call, sort="reference")) == [
        a.reference,
        b.reference,
        c.reference,
        d.reference,
    ]
    assert REFERENCES.findall(page(client, calls.call, sort="nonsense")) == REFERENCES.findall(html)
    assert "72.50" in html


def test_applications_are_shown_fifty_a_page(db, login_as, client):
    calls = Calls(db)
    apps = [calls.application() for _ in range(51)]
    db.session.commit()
    login_as("staff")
    first = REFERENCES.findall(page(client, calls.call, sort="reference"))
    second = page(client, calls.call, sort="reference", page=2)
    assert first == [a.reference for a in apps[:50]]
    assert (
        REFERENCES.findall(second) == [apps[50].reference] and 'aria-current="page">2</a>' in second
    )


def test_final_score_is_the_rules(db, login_as, client):
    calls = Calls(db)
    app = calls.application(100, 60, ("extra", 75))  # the two closest: 60 and 75
    db.session.commit()
    grid, codes = grid_rules(calls.call, Stage.full_application)
    evaluations = [
        {codes[s.criterion_id]: s.score for s in a.evaluation.scores}
        for a in db.session.scalars(select(Assignment).order_by(Assignment.id))
    ]
    final = scoring.final_scores(
        grid, evaluations, calls.call.discrepancy_threshold, extra_evaluator=True
    )
    shown = str(scoring.display(final.total))
    assert shown == "67.50"
    login_as("staff")
    html = page(client, calls.call)
    assert f'<td class="num">{shown}</td>' in html and "extra evaluator assigned" in html
    detail = client.get(f"/staff/calls/{calls.call.id}/evaluation/{app.stages[0].id}").get_data(
        as_text=True
    )
    _first, second, extra = calls.evaluators
    assert f"the mean of the evaluations of {second.name}, {extra.name}." in detail
    assert detail.count("used in the final score") == 2 and shown in detail
    assert "100.00" in detail and "40.00" in detail  # totals, spread
    for code in ("1", "2", "3"):  # final section scores: the mean of the two used
        sums = [scoring.section_scores(grid, evaluations[i])[code] for i in final.used]
        assert str(scoring.display(sum(sums) / 2)) in detail


def test_missed_thresholds_are_listed(db, login_as, client):
    calls = Calls(db)
    app = calls.application(
        40, 40
    )  # 2 per criterion: section 1 scores 8 (threshold 12), total 40 (pass 50)
    db.session.commit()
    login_as("staff")
    detail = client.get(f"/staff/calls/{calls.call.id}/evaluation/{app.stages[0].id}").get_data(
        as_text=True
    )
    assert "total: 40.00, below the pass threshold 50.00" in detail
    assert "section 1 Financial and operational capacity: 8.00, below 12.00" in detail


@pytest.fixture
def november(fixed_now):
    """The due-date page's clock: 20 November 2026, so that 1 December is ahead whatever today
    is."""
    fixed_now(datetime(2026, 11, 20, 9, tzinfo=UTC))


def test_due_date_is_set_in_the_calls_zone_and_audited(db, login_as, client, post, november):
    calls = Calls(db)
    db.session.commit()
    login_as("staff")
    url = f"/staff/calls/{calls.call.id}/evaluation"
    response = post(f"{url}/due-date", {"due_at": "2026-12-01T17:00"}, page=url)
    assert response.status_code == 302
    assert calls.call.evaluation_due_at == datetime(
        2026, 12, 1, 14, 0, tzinfo=UTC
    )  # Istanbul is UTC+3
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "evaluation.due_date"))
    assert event.before == {"evaluation_due_at": None}
    assert event.after == {"evaluation_due_at": "2026-12-01T14:00:00+00:00"}
    assert 'value="2026-12-01T17:00"' in page(client, calls.call)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("next tuesday", "Not a valid datetime value."),
        ("1999-12-01T17:00", "Enter a date from the year 2000 to 2999."),
        (
            "2026-11-19T17:00",
            "This time has passed: evaluators cannot be asked to submit in the past.",
        ),
    ],
)
def test_a_bad_due_date_keeps_the_input(db, login_as, client, post, typed, message, november):
    calls = Calls(db)
    db.session.commit()
    login_as("staff")
    url = f"/staff/calls/{calls.call.id}/evaluation"
    response = post(f"{url}/due-date", {"due_at": typed}, page=url)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f"Evaluations due by: {message}" in html and f'value="{typed}"' in html
    assert calls.call.evaluation_due_at is None
    assert (
        db.session.scalar(select(AuditEvent).where(AuditEvent.action == "evaluation.due_date"))
        is None
    )


def test_overdue_counts_unsubmitted_evaluations_after_the_due_date(db, login_as, client, november):
    calls = Calls(db)
    calls.application(80, ("draft", 70))
    calls.application("started", 60)
    db.session.commit()
    now = datetime(2026, 11, 20, 9, tzinfo=UTC)  # the november fixture's clock
    late, early = now - timedelta(hours=1), now + timedelta(hours=1)
    calls.call.evaluation_due_at = early
    assert progress(calls.call).counts[0].overdue == 0
    calls.call.evaluation_due_at = late
    view = progress(calls.call)
    assert view.counts[0].overdue == 2
    assert {w.user.id: w.overdue for w in view.workloads if w.overdue} == {
        calls.evaluators[1].id: 1,
        calls.evaluators[2].id: 1,
    }
    db.session.commit()
    login_as("staff")
    assert cell(page(client, calls.call), "Evaluations overdue") == "2"


@pytest.mark.parametrize("role", ["evaluator", "applicant", None])
def test_others_are_refused(db, login_as, client, role):
    calls = Calls(db)
    app = calls.application(80, 80)
    db.session.commit()
    if role == "evaluator":  # one of the call's evaluators
        sign_in(client, calls.evaluators[0])
    elif role:
        login_as(role)
    for url in (
        f"/staff/calls/{calls.call.id}/evaluation",
        f"/staff/calls/{calls.call.id}/evaluation/{app.stages[0].id}",
    ):
        response = client.get(url)
        assert response.status_code == (302 if role is None else 403)
        assert calls.evaluators[1].name not in response.get_data(as_text=True)


def test_an_application_of_another_call_is_not_found(db, login_as, client):
    calls, other = Calls(db), Calls(db)
    app = other.application(80, 80)
    db.session.commit()
    login_as("admin")
    assert (
        client.get(f"/staff/calls/{calls.call.id}/evaluation/{app.stages[0].id}").status_code == 404
    )
    assert (
        client.get(f"/staff/calls/{other.call.id}/evaluation/{app.stages[0].id}").status_code == 200
    )
    assert client.get("/staff/calls/999999/evaluation").status_code == 404


def _queries(db, client, n: int) -> int:
    calls = Calls(db)
    for k in range(n):
        if k % 3:
            calls.application(60 + k % 40, 70, ("draft", 50))
        else:
            calls.application(80, "conflict", "started", ("extra", 90))
    db.session.commit()
    url = f"/staff/calls/{calls.call.id}/evaluation"
    db.session.expunge_all()  # a fresh session, as a real request has
    with count_queries(db.engine) as sent:
        assert client.get(url).status_code == 200
    return len(sent)


def test_progress_page_queries_do_not_grow(db, login_as, client):
    login_as("staff")
    assert _queries(db, client, 3) == _queries(db, client, 30)


def test_the_pages_are_linked(db, login_as, client):
    calls = Calls(db)
    db.session.commit()
    login_as("staff")
    target = f'href="/staff/calls/{calls.call.id}/evaluation"'
    assert target in client.get(f"/staff/calls/{calls.call.id}").get_data(as_text=True)
    assert target in client.get(f"/staff/calls/{calls.call.id}/evaluators").get_data(as_text=True)
