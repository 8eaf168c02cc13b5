"""Clarifications (issue 16 item 2, domain.md 2): registered users ask until the question window
closes, staff publish each answer on the call's public FAQ with the question made anonymous until
the answer window closes, everyone with a draft in the call is told in their language; nobody is
answered individually."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from grants.calldocs import services
from grants.calldocs.queries import windows
from grants.models import CallQuestion, MessageLog
from grants.rules.clarifications import ClarificationRefused
from tests.factories import make_application, make_org, make_user
from tests.factories.calldocs import NOW, audit_actions, call_on_clock, mails, page

SECOND = timedelta(seconds=1)


def questions(db, call) -> list[CallQuestion]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(CallQuestion).where(CallQuestion.call_id == call.id).order_by(CallQuestion.id)
        )
    )


def test_a_signed_in_user_asks_until_the_window_closes_then_the_form_says_it_is_closed(
    client, db, login_as, post, clock
):
    call = call_on_clock(
        deadline_in=timedelta(days=30)
    )  # questions close 21 days before: 9 days after NOW
    db.session.commit()
    asker = login_as("applicant")
    ask = f"/calls/{call.reference}/questions/ask"
    assert "Questions can be asked until" in page(client.get(ask))
    response = post(ask, {"text": "May a university lead the application?"})
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/calls/{call.reference}/questions"
    )
    (question,) = questions(db, call)
    assert (question.asked_by_id, question.text, question.published_at) == (
        asker.id,
        "May a university lead the application?",
        None,
    )

    clock.now = windows(call).questions_close  # the window's end is exclusive
    closed = page(client.get(ask))
    assert "The period for questions closed on" in closed and 'name="text"' not in closed
    refused = post(ask, {"text": "And a foundation?"}, page=f"/calls/{call.reference}/questions")
    assert refused.status_code == 400 and "closed" in page(refused)
    assert len(questions(db, call)) == 1


def test_the_service_refuses_a_question_at_the_windows_end_and_about_a_call_not_published(db):
    call = call_on_clock(deadline_in=timedelta(days=30))
    user = make_user()
    closes = windows(call).questions_close
    assert services.ask(call, user, "Before the end?", closes - SECOND).text == "Before the end?"
    with pytest.raises(ClarificationRefused):
        services.ask(call, user, "At the end?", closes)
    draft = call_on_clock(status="draft")
    with pytest.raises(ClarificationRefused):
        services.ask(draft, user, "Before publication?", NOW)


def test_the_question_window_follows_the_calls_settings_and_its_first_deadline(db):
    call = call_on_clock(
        procedure="restricted", deadline_in=timedelta(days=60)
    )  # concept notes due in 30 days
    call.question_window_days, call.answer_window_days = 25, 15
    assert windows(call).questions_close == call.concept_note_deadline - timedelta(days=25)
    assert windows(call).answers_due == call.concept_note_deadline - timedelta(days=15)


def test_staff_publish_an_anonymous_answer_that_every_draft_holder_is_told_in_their_language(
    client, db, login_as, post, clock
):
    call = call_on_clock()
    lead = make_org("TR")
    make_user(organisation=lead, email="en@lead.example")
    make_user(organisation=lead, email="tr@lead.example", locale="tr")
    draft = make_application(call, lead=lead)
    make_application(
        call, lead=make_org("TR"), submitted=True, status="submitted"
    )  # no draft: not told
    asker = make_user(name="Zeynep Asker", organisation=make_org("TR", name="Konya Metropolitan"))
    question = services.ask(call, asker, "We are Konya Metropolitan: may we lead?", NOW)
    db.session.commit()
    login_as("staff")
    staff_list = page(client.get(f"/staff/calls/{call.id}/questions"))
    assert "We are Konya Metropolitan: may we lead?" in staff_list
    response = post(
        f"/staff/questions/{question.id}",
        {
            "public_text": "May a metropolitan municipality lead?",
            "answer": "Yes: see section 2.1.1 of the guidelines.",
        },
    )
    assert response.status_code == 302

    faq = page(client.get(f"/calls/{call.reference}/questions"))
    assert "May a metropolitan municipality lead?" in faq and "section 2.1.1" in faq
    assert "Konya" not in faq and "Zeynep" not in faq  # the question as published, anonymous
    assert "The last answers are published by" in faq
    told = {m.to: m for m in mails(db)}
    assert set(told) == {
        "en@lead.example",
        "tr@lead.example",
    }  # not the asker, not the submitted lead
    assert "A clarification was published" in told["en@lead.example"].subject
    assert "section 2.1.1" in told["en@lead.example"].body
    assert told["tr@lead.example"].subject != told["en@lead.example"].subject  # in Turkish
    assert "Konya" not in told["en@lead.example"].body
    logged = db.session.execute(  # in the draft's message log, each in their language
        select(
            MessageLog.application_id, MessageLog.kind, MessageLog.recipient, MessageLog.locale
        ).order_by(MessageLog.recipient)
    ).all()
    assert logged == [
        (draft.id, "calldocs_clarification", "en@lead.example", "en"),
        (draft.id, "calldocs_clarification", "tr@lead.example", "tr"),
    ]
    assert audit_actions(db, call.id) == ["call_question.asked", "call_question.published"]


def test_an_answer_is_published_until_the_answer_window_closes_and_once(
    client, db, login_as, post, clock
):
    call = call_on_clock()
    question = services.ask(call, make_user(), "Is VAT eligible?", NOW)
    db.session.commit()
    login_as("staff")
    url = f"/staff/questions/{question.id}"
    clock.now = windows(call).answers_due
    late = post(url, {"public_text": "Is VAT eligible?", "answer": "Only if not recoverable."})
    assert late.status_code == 400 and "that time has passed" in page(late)
    assert questions(db, call)[0].published_at is None
    clock.now = windows(call).answers_due - SECOND
    assert (
        post(
            url, {"public_text": "Is VAT eligible?", "answer": "Only if not recoverable."}
        ).status_code
        == 302
    )
    (published,) = questions(db, call)
    assert published.published_at == clock.now
    with pytest.raises(ClarificationRefused):
        services.publish_answer(published, "Again?", "Again.", make_user("staff"), clock.now)


def test_an_unanswered_question_is_never_shown_publicly(client, db):
    call = call_on_clock()
    services.ask(call, make_user(), "A question nobody answered yet", NOW)
    db.session.commit()
    assert "A question nobody answered yet" not in page(
        client.get(f"/calls/{call.reference}/questions")
    )


def test_the_windows_are_set_on_a_draft_call_only_and_answers_come_after_questions(
    client, db, login_as, post
):
    draft = call_on_clock(status="draft")
    published = call_on_clock()
    db.session.commit()
    login_as("staff")
    url = f"/staff/calls/{draft.id}/clarification-windows"
    page_url = f"/staff/calls/{draft.id}/questions"
    wrong = post(url, {"question_window_days": "10", "answer_window_days": "10"}, page=page_url)
    assert wrong.status_code == 400 and "Answers must be due after questions close" in page(wrong)
    assert (
        post(
            url, {"question_window_days": "30", "answer_window_days": "15"}, page=page_url
        ).status_code
        == 302
    )
    db.session.expire_all()
    assert (draft.question_window_days, draft.answer_window_days) == (30, 15)
    assert audit_actions(db, draft.id) == ["call.updated"]
    refused = post(
        f"/staff/calls/{published.id}/clarification-windows",
        {"question_window_days": "30", "answer_window_days": "15"},
        page=f"/staff/calls/{published.id}/questions",
    )
    assert refused.status_code == 400 and "no longer change" in page(refused)
    db.session.expire_all()
    assert (published.question_window_days, published.answer_window_days) == (21, 11)
