"""The evaluation committee (domain.md 4): staff compose it and record its minutes, members sign
and approve, a ranking change voids the approvals, and finalisation waits for all of it."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from grants.awards import rank_call
from grants.committee.services import add_member, sign
from grants.models import AuditEvent, Call, CommitteeMember, CommitteeMinutes, CommitteeRole
from tests.conftest import count_queries
from tests.factories import make_authority, make_call, make_user
from tests.factories.awards import WHY, add_application, override_url, text
from tests.factories.committee import approve_committee, compose_committee


@pytest.fixture
def call(db):
    """A ranked call in evaluation: three applications, all passing."""
    call = make_call("COMM-1", status="evaluation")
    for scores in ([4, 4], [3, 3], [5, 5]):
        add_application(call, scores)
    rank_call(call.id)
    make_authority()
    db.session.commit()
    return call


def committee_url(call) -> str:
    return f"/staff/calls/{call.id}/committee"


def names(db, call) -> dict[str, CommitteeMember]:
    db.session.expire_all()
    return {
        m.user.name: m
        for m in db.session.scalars(
            select(CommitteeMember).where(CommitteeMember.call_id == call.id)
        )
    }


def test_staff_compose_the_committee_and_a_second_chair_is_refused(
    client, db, login_as, post, call
):
    login_as("staff")
    chair = make_user("staff", name="Ayla Chair")
    other = make_user("staff", name="Berk Other")
    voter = make_user("evaluator", name="Cem Voter")
    applicant = make_user(name="Deniz Applicant")
    db.session.commit()
    url = committee_url(call)
    assert (
        post(f"{url}/members", {"user_id": chair.id, "role": "chair"}, page=url).status_code == 302
    )
    assert (
        post(f"{url}/members", {"user_id": voter.id, "role": "voting"}, page=url).status_code == 302
    )
    page = post(f"{url}/members", {"user_id": other.id, "role": "chair"}, page=url)
    assert page.status_code == 400
    assert "The committee already has a chair: remove them first." in text(page)
    again = post(f"{url}/members", {"user_id": voter.id, "role": "observer"}, page=url)
    assert again.status_code == 400 and "Cem Voter is already on the committee." in text(again)
    outsider = post(f"{url}/members", {"user_id": applicant.id, "role": "voting"}, page=url)
    assert outsider.status_code == 400
    assert "Choose an active staff user or evaluator." in text(outsider)
    assert {n: m.role for n, m in names(db, call).items()} == {
        "Ayla Chair": CommitteeRole.chair,
        "Cem Voter": CommitteeRole.voting,
    }
    html = text(client.get(url))
    assert "The committee needs exactly one secretary; it has 0." in html
    assert "The committee needs an odd number of voting members, at least 3; it has 1." in html
    added = db.session.scalar(
        select(func.count()).where(AuditEvent.action == "committee.member_added")
    )
    assert added == 2


def test_the_database_keeps_one_chair_per_call(db, call):
    first, second = make_user("staff"), make_user("staff")
    db.session.add(CommitteeMember(call_id=call.id, user_id=first.id, role=CommitteeRole.chair))
    db.session.flush()
    db.session.add(CommitteeMember(call_id=call.id, user_id=second.id, role=CommitteeRole.chair))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_a_member_signs_then_approves_and_a_new_ranking_voids_it(client, db, login_as, post, call):
    members = compose_committee(call, signed=False)
    voter = next(m for m in members if m.role is CommitteeRole.voting)
    db.session.commit()
    login_as(user=voter.user)
    seat = f"/committee/calls/{call.id}"
    assert client.get(seat).headers["Location"].endswith(f"{seat}/declaration")
    assert "Declaration of impartiality and confidentiality" in text(
        client.get(f"{seat}/declaration")
    )
    refused = post(f"{seat}/declaration", {})
    assert refused.status_code == 400 and "Tick the box to sign the declaration." in text(refused)
    assert post(f"{seat}/declaration", {"accept": "y"}).status_code == 302
    html = text(client.get(seat))
    assert "You have not approved the evaluation report yet." in html
    assert "COMM-1-0003" in html  # the ranking they approve
    assert post(f"{seat}/approve", page=seat).status_code == 302
    assert "You approved the evaluation report as the ranking now stands" in text(client.get(seat))

    add_application(call, [5, 4])  # a new application, then the call ranked again
    rank_call(call.id)
    db.session.commit()
    html = text(client.get(seat))
    assert "is void: the ranking changed since" in html
    login_as("staff")
    assert "Void: the ranking changed since; must approve again" in text(
        client.get(committee_url(call))
    )
    login_as(user=voter.user)
    assert post(f"{seat}/approve", page=seat).status_code == 302
    assert "You approved the evaluation report" in text(client.get(seat))
    approvals = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "committee.report_approved")
    ).all()
    assert (
        len(approvals) == 2
        and approvals[1].before["fingerprint"] != approvals[1].after["fingerprint"]
    )


def test_observers_and_the_secretary_do_not_approve(client, db, login_as, post, call):
    members = compose_committee(call)
    db.session.commit()
    for role in (CommitteeRole.observer, CommitteeRole.secretary):
        member = next(m for m in members if m.role is role)
        login_as(user=member.user)
        seat = f"/committee/calls/{call.id}"
        assert "Only the chair and the voting members approve the report." in text(client.get(seat))
        page = post(f"{seat}/approve", page=seat, follow_redirects=True)
        assert "Only the chair and the voting members approve the report." in text(page)
    db.session.expire_all()
    assert all(m.approval is None for m in members)


def test_someone_off_the_committee_sees_nothing(client, db, login_as, call):
    compose_committee(call)
    db.session.commit()
    login_as("evaluator")
    assert client.get(f"/committee/calls/{call.id}").status_code == 404
    assert client.get(f"/committee/calls/{call.id}/declaration").status_code == 404
    assert "You are not on any evaluation committee." in text(client.get("/committee"))


def test_minutes_record_date_attendees_and_decisions(client, db, login_as, post, call):
    members = compose_committee(call)
    db.session.commit()
    staff = login_as("staff")
    url = committee_url(call)
    missing = post(f"{url}/minutes", {"meeting_date": "2027-05-20", "decisions": ""}, page=url)
    assert missing.status_code == 400
    assert "Write the decisions of the meeting." in text(missing)
    nobody = post(
        f"{url}/minutes", {"meeting_date": "2027-05-20", "decisions": "Ranking agreed."}, page=url
    )
    assert nobody.status_code == 400
    assert "Tick the members of the committee who attended the meeting." in text(nobody)
    assert "Ranking agreed." in text(nobody)  # what was typed is kept
    bad_day = post(f"{url}/minutes", {"meeting_date": "20 May", "decisions": "x"}, page=url)
    assert bad_day.status_code == 400 and "Enter a day such as 2027-05-20." in text(bad_day)
    data = {
        "meeting_date": "2027-05-20",
        "attendees": [members[0].id, members[2].id],
        "decisions": "The committee agreed the ranking and the reserve list.",
    }
    assert post(f"{url}/minutes", data, page=url).status_code == 302
    (entry,) = db.session.scalars(select(CommitteeMinutes)).all()
    assert entry.recorded_by_id == staff.id and str(entry.meeting_date) == "2027-05-20"
    assert [a.id for a in entry.attendees] == [members[0].id, members[2].id]
    html = text(client.get(url))
    assert "Meeting of May 20, 2027" in html and "The committee agreed the ranking" in html
    # a member who attended stays on the committee
    page = post(f"{url}/members/{members[2].id}/remove", page=url, follow_redirects=True)
    assert "attended a meeting recorded in the minutes" in text(page)
    assert db.session.get(CommitteeMember, members[2].id) is not None


def test_finalisation_is_refused_until_the_committee_approved_the_ranking(
    client, db, login_as, post, call
):
    login_as("staff")
    url = f"/staff/calls/{call.id}/finalise"
    page = post(url)
    assert page.status_code == 400
    assert "The committee needs exactly one chair; it has 0." in text(page)

    members = compose_committee(call)
    db.session.commit()
    page = post(url)
    assert page.status_code == 400
    waiting = [m.user.name for m in members if m.role.value in ("chair", "voting")]
    assert (
        "These committee members have not approved the evaluation report as the ranking now "
        f"stands: {', '.join(waiting)}." in text(page)
    )
    assert "Finalise and send the decision letters" not in text(client.get(url))

    approve_committee(call)
    db.session.commit()
    ranking = f"/staff/calls/{call.id}/ranking"
    changed = post(  # staff change a decision after the approvals: the ranking changed
        override_url(call, "COMM-1-0003", db),
        {"outcome": "not_selected", "justification": WHY},
        page=ranking,
    )
    assert changed.status_code == 302
    page = post(url)
    assert page.status_code == 400 and "have not approved the evaluation report" in text(page)
    db.session.expire_all()
    assert call.finalised_at is None

    approve_committee(call)
    db.session.commit()
    assert post(url).status_code == 302
    db.session.expire_all()
    assert call.finalised_at is not None
    # final: the committee no longer changes, nothing is approved
    newcomer = make_user("staff")
    db.session.commit()
    cpage = committee_url(call)
    refused = post(f"{cpage}/members", {"user_id": newcomer.id, "role": "observer"}, page=cpage)
    assert refused.status_code == 400 and "are final: the committee no longer changes" in text(
        refused
    )


def test_an_unsigned_member_blocks_finalisation_by_name(client, db, login_as, post, call):
    members = approve_committee(call)
    observer = next(m for m in members if m.role is CommitteeRole.observer)
    observer.impartiality_signed_at = None
    db.session.commit()
    login_as("staff")
    page = post(f"/staff/calls/{call.id}/finalise")
    assert page.status_code == 400
    assert (
        "These committee members have not signed the declaration of impartiality: "
        f"{observer.user.name}." in text(page)
    )


def test_the_committee_pages_take_as_many_queries_for_a_larger_committee(
    client, db, login_as, post, call
):
    members = compose_committee(call)
    staff = login_as("staff")
    url = committee_url(call)
    data = {"meeting_date": "2027-05-20", "attendees": [m.id for m in members], "decisions": "x"}
    assert post(f"{url}/minutes", data, page=url).status_code == 302
    counts, call_id, staff_id = [], call.id, staff.id
    for extra in (0, 4):
        for _ in range(extra):
            again = db.session.get(Call, call_id)
            sign(add_member(again, make_user("evaluator").id, "observer", staff_id))
        db.session.commit()
        db.session.expunge_all()
        with count_queries(db.engine) as statements:
            assert client.get(url).status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1]
