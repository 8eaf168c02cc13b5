"""A rebalance tells each evaluator concerned, in their language, through a real SMTP server: those
who received applications how many, those who handed some over which ones (issue 12.8; issue 16
leftover (b))."""

from __future__ import annotations

import re
from collections import Counter

from sqlalchemy import select

from grants.models import Assignment, CallEvaluator
from grants.models.base import now_utc
from tests.factories import make_application, make_call, make_user
from tests.factories.rebalance import lopsided

FINGERPRINT = re.compile(r'name="fingerprint" type="hidden" value="([0-9a-f]+)"')


def test_evaluators_who_gain_or_lose_applications_are_told_in_their_language(
    db, login_as, client, post, smtp
):
    call, apps, users, made = lopsided(db, locales=("tr", "en", "en", "tr", "en"))
    login_as("staff")
    url = f"/staff/calls/{call.id}/evaluators/rebalance"
    fingerprint = FINGERPRINT.search(client.get(url).get_data(as_text=True)).group(1)
    assert post(url, {"fingerprint": fingerprint}, page=url).status_code == 302
    db.session.expire_all()
    moved_from = {
        user.email: sorted(
            app.reference
            for app in apps
            if (app.id, user.id) in made and made[(app.id, user.id)].evaluator_id != user.id
        )
        for user in users[:2]
    }
    assert all(len(titles) == 4 for titles in moved_from.values())  # 8/8/1/1/0 -> 4/4/4/3/3
    mails = {message["To"]: message for message in smtp.messages}
    assert sorted(mails) == sorted(user.email for user in users)
    turkish, english = mails[users[0].email], mails[users[1].email]
    assert turkish["Subject"] == f"{call.reference} başvuruları başka bir değerlendiriciye verildi"
    assert english["Subject"] == f"Applications of {call.reference} reassigned to another evaluator"
    body_tr, body_en = turkish.get_content(), english.get_content()
    assert "size atanmış ve henüz başlamadığınız 4 başvuruyu" in body_tr
    assert "staff gave 4 applications assigned to you, which you had not started" in body_en
    for address, body in ((users[0].email, body_tr), (users[1].email, body_en)):
        listed = re.findall(r"^- (\S+)\s*$", body, flags=re.MULTILINE)
        assert listed == moved_from[address]
        assert f"http://localhost/evaluation/calls/{call.id}" in body
    # those who received applications: how many, in their language
    now = Counter(
        db.session.scalars(select(Assignment.evaluator_id).where(Assignment.ended_at.is_(None)))
    )
    gained = {user.email: now[user.id] - before for user, before in zip(users[2:], (1, 1, 0))}
    assert sum(gained.values()) == 8
    for user in (users[2], users[4]):
        assert f"{gained[user.email]} new applications of the call {call.reference} are" in (
            mails[user.email].get_content()
        )
    assert (
        f"{call.reference} çağrısının {gained[users[3].email]} yeni başvurusu değerlendirmeniz"
        in mails[users[3].email].get_content()
    )


def test_an_evaluator_a_chain_of_moves_passes_through_gets_one_email_of_both(
    db, login_as, client, post, smtp
):
    """Loads 3/2/1, one evaluator each: A's applications cannot go to C (C's assignments to them
    ended), so the balance comes by a chain, A -> B and B -> C: B both receives and hands over."""
    call = make_call(status="evaluation", evaluators_per_application=1)
    apps = [make_application(call, status="admissible", title=f"Chain {n}") for n in range(6)]
    a, b, c = (make_user("evaluator", name=f"Chain {n}", locale="en") for n in "ABC")
    for user in (a, b, c):
        db.session.add(CallEvaluator(call_id=call.id, user_id=user.id))
    for app, user in zip(apps, (a, a, a, b, b, c)):
        db.session.add(Assignment(stage=app.stages[0], evaluator=user))
    for app in apps[:3]:
        db.session.add(Assignment(stage=app.stages[0], evaluator=c, ended_at=now_utc()))
    db.session.commit()
    login_as("staff")
    url = f"/staff/calls/{call.id}/evaluators/rebalance"
    fingerprint = FINGERPRINT.search(client.get(url).get_data(as_text=True)).group(1)
    assert post(url, {"fingerprint": fingerprint}, page=url).status_code == 302
    loads = Counter(
        db.session.scalars(select(Assignment.evaluator_id).where(Assignment.ended_at.is_(None)))
    )
    assert [loads[u.id] for u in (a, b, c)] == [2, 2, 2]
    sent = Counter(message["To"] for message in smtp.messages)
    assert sent == {a.email: 1, b.email: 1, c.email: 1}
    both = next(m for m in smtp.messages if m["To"] == b.email)
    assert both["Subject"] == f"Your assignments in {call.reference} changed"
    body = both.get_content()
    assert "staff gave 1 application assigned to you" in body
    assert f"1 new application of the call {call.reference} is assigned to you" in body
    assert re.findall(r"^- (\S+)\s*$", body, flags=re.MULTILINE) in (
        [apps[3].reference],
        [apps[4].reference],
    )
