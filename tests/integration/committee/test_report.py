"""The evaluation report PDF shows the committee (domain.md 4, 9): its members with their roles and
signatures, the minutes of its meetings and each approval, valid or void."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

from grants.awards import rank_call
from grants.committee.services import record_minutes
from grants.exports.evaluation_report import build
from grants.models import CommitteeRole
from grants.models.base import now_utc
from tests.factories import make_call, make_user
from tests.factories.awards import add_application
from tests.factories.committee import approve_committee


def pdf_words(path: Path) -> str:
    out = subprocess.run(  # noqa: S603 (a fixed tool on a file the test wrote)
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    return " ".join(out.split())


def test_the_report_shows_the_committee_its_minutes_and_the_approvals(db, tmp_path):
    call = make_call("COMM-PDF", status="evaluation")
    for scores in ([4, 4], [3, 3]):
        add_application(call, scores)
    rank_call(call.id)
    members = approve_committee(call)
    chair = next(m for m in members if m.role is CommitteeRole.chair)
    voter = next(m for m in members if m.role is CommitteeRole.voting)
    voter.approval.fingerprint = "0" * 64  # approved a ranking that has changed since
    other = next(m for m in members if m.role is CommitteeRole.voting and m is not voter)
    other.approval.voided_at = now_utc()  # approved before the voting members changed
    record_minutes(
        call,
        date(2027, 5, 20),
        [chair.id, voter.id],
        "The committee agreed the ranking.",
        make_user("staff", name="Selin Staff").id,
    )
    db.session.commit()

    path = tmp_path / "report.pdf"
    build(call.id, "en", lambda percent: None, path)
    words = pdf_words(path)
    assert "Members of the committee" in words
    seats = words[words.index("Members of the committee") : words.index("Minutes")]
    # names and roles, whatever the table's cells wrap into (a longer name breaks the line)
    for member in members:
        assert set(member.user.name.split()) <= set(seats.split()), member.user.name
    assert "Chair (non-" in seats and seats.count("Voting member") == 3
    assert "Secretary (non-" in seats and "Observer" in seats
    assert seats.count("Void: approved on") == 2 and seats.count("Approved on") == 2
    assert "voting members changed" in seats  # "..., before the committee's voting members changed"
    assert seats.count("Does not approve") == 2  # the secretary and the observer
    assert "Meeting of May 20, 2027 – Recorded by Selin Staff" in words
    assert f"Attendees: {chair.user.name}, {voter.user.name}" in words
    assert "The committee agreed the ranking." in words

    build(call.id, "tr", lambda percent: None, path)
    words = pdf_words(path)
    assert "Komite üyeleri" in words and "Toplantı tutanakları" in words
