"""A rebalance tells each evaluator concerned, in their language, through a real SMTP server: those
who received applications how many, those who handed some over which ones (issue 12.8; issue 16
leftover (b))."""

from __future__ import annotations

import re
from collections import Counter

from sqlalchemy import select

from grants.models import Assignment
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
