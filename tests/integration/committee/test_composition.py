"""The evaluation report is approved by the committee as composed (domain.md 4, PRAG 6.5): naming
or removing the chair or a voting member after approvals voids every approval, and finalisation
waits for the new committee's; the secretary and observers do not approve, so changing them leaves
the approvals standing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from grants.awards import rank_call
from grants.models import AuditEvent, CommitteeApproval, CommitteeMember, CommitteeRole
from tests.factories import make_authority, make_call, make_user
from tests.factories.awards import add_application, text
from tests.factories.committee import approve_committee

VOIDED = (
    "The committee that approves the evaluation report changed: the approvals given so far are "
    "void, and the chair and every voting member approve it again."
)


@pytest.fixture
def call(db):
    """A ranked call in evaluation whose committee has approved the ranking."""
    call = make_call("COMP-1", status="evaluation")
    for scores in ([4, 4], [3, 3], [5, 5]):
        add_application(call, scores)
    rank_call(call.id)
    make_authority()
    approve_committee(call)
    db.session.commit()
    return call


def approvals(db, call, voided: bool = False) -> int:
    """The call's standing approvals (voided: those a change of the composition voided)."""
    db.session.expire_all()
    return len(
        db.session.scalars(
            select(CommitteeApproval).where(
                CommitteeApproval.call_id == call.id,
                CommitteeApproval.voided_at.is_not(None)
                if voided
                else CommitteeApproval.voided_at.is_(None),
            )
        ).all()
    )


def member(db, call, role: CommitteeRole) -> CommitteeMember:
    return db.session.scalars(
        select(CommitteeMember).where(
            CommitteeMember.call_id == call.id, CommitteeMember.role == role
        )
    ).first()


def test_two_more_voting_members_void_the_approvals_until_all_approve_again(
    client, db, login_as, post, call
):
    assert approvals(db, call) == 4  # the chair and three voting members
    login_as("staff")
    url = f"/staff/calls/{call.id}/committee"
    fourth, fifth = make_user("evaluator", name="Fatma Fourth"), make_user("evaluator", name="Ege")
    db.session.commit()
    page = post(
        f"{url}/members", {"user_id": fourth.id, "role": "voting"}, page=url, follow_redirects=True
    )
    assert VOIDED in text(page)
    assert approvals(db, call) == 0
    assert approvals(db, call, voided=True) == 4  # kept, marked: their members see why
    assert (
        text(page).count("Void: the committee's voting members changed since; must approve again")
        == 4
    )
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "committee.approvals_voided")
    )
    assert event.call_id == call.id and event.after == {
        "member_added": "Fatma Fourth",
        "role": "voting",
    }
    assert set(event.before["approved_by"].split(", ")) == {
        m.user.name
        for m in db.session.scalars(
            select(CommitteeMember).where(CommitteeMember.call_id == call.id)
        )
        if m.role in (CommitteeRole.chair, CommitteeRole.voting) and m.user_id != fourth.id
    }
    assert "void: the committee" in text(client.get(f"/staff/audit?call={call.id}"))
    page = post(
        f"{url}/members", {"user_id": fifth.id, "role": "voting"}, page=url, follow_redirects=True
    )
    assert VOIDED not in text(page)  # nothing left to void
    assert approvals(db, call, voided=True) == 4
    refused = post(f"/staff/calls/{call.id}/finalise")
    assert refused.status_code == 400
    assert "have not signed the declaration of impartiality: Ege, Fatma Fourth" in text(refused)
    assert "have not approved the evaluation report as the ranking now stands" in text(refused)

    approve_committee(call)  # the five voting members sign; everyone approves again
    db.session.commit()
    assert approvals(db, call) == 6
    assert approvals(db, call, voided=True) == 0  # each approved again, on its own row
    assert post(f"/staff/calls/{call.id}/finalise").status_code == 302


def test_replacing_the_chair_voids_the_approvals_in_turkish_too(client, db, login_as, post, call):
    login_as("staff", locale="tr")
    url = f"/staff/calls/{call.id}/committee"
    chair = member(db, call, CommitteeRole.chair)
    page = post(f"{url}/members/{chair.id}/remove", page=url, follow_redirects=True)
    assert "Raporu onaylayan komite değişti" in text(page)
    assert approvals(db, call) == 0
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "committee.approvals_voided")
    )
    assert event.after == {"member_removed": chair.user.name, "role": "chair"}


def test_a_voting_member_removed_voids_the_others_approvals(client, db, login_as, post, call):
    login_as("staff")
    url = f"/staff/calls/{call.id}/committee"
    voter = member(db, call, CommitteeRole.voting)
    assert post(f"{url}/members/{voter.id}/remove", page=url).status_code == 302
    assert approvals(db, call) == 0


def test_the_secretary_and_observers_change_without_voiding_anything(
    client, db, login_as, post, call
):
    login_as("staff")
    url = f"/staff/calls/{call.id}/committee"
    for role in (CommitteeRole.secretary, CommitteeRole.observer):
        seated = member(db, call, role)
        page = post(f"{url}/members/{seated.id}/remove", page=url, follow_redirects=True)
        assert "The member was removed from the committee." in text(page)
        assert VOIDED not in text(page)
    newcomer = make_user("staff", name="Gül Observer")
    db.session.commit()
    page = post(
        f"{url}/members",
        {"user_id": newcomer.id, "role": "observer"},
        page=url,
        follow_redirects=True,
    )
    assert "The member was added to the committee." in text(page) and VOIDED not in text(page)
    assert approvals(db, call) == 4
    assert (
        db.session.scalar(
            select(AuditEvent.id).where(AuditEvent.action == "committee.approvals_voided")
        )
        is None
    )


def test_a_member_whose_approval_a_new_voting_member_voided_is_told_so(
    client, db, login_as, post, call
):
    voter = db.session.scalars(
        select(CommitteeMember).where(
            CommitteeMember.call_id == call.id, CommitteeMember.role == CommitteeRole.voting
        )
    ).first()
    login_as("staff")
    url = f"/staff/calls/{call.id}/committee"
    newcomer = make_user("evaluator", name="Nur Newcomer")
    db.session.commit()
    post(f"{url}/members", {"user_id": newcomer.id, "role": "voting"}, page=url)
    login_as(user=voter.user)
    seat = f"/committee/calls/{call.id}"
    html = text(client.get(seat))
    assert "is void: the committee's chair or voting members changed since" in html
    assert "You have not approved the evaluation report yet." not in html
    assert post(f"{seat}/approve", page=seat).status_code == 302
    assert "You approved the evaluation report as the ranking now stands" in text(client.get(seat))
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "committee.report_approved")
    ).all()[-1]
    assert event.before["voided_at"] is not None and event.after["approved_at"]
