"""The account page's reminders (docs/domain.md 8): each kind a user may turn off, by role."""

from __future__ import annotations

from sqlalchemy import select

from grants.models import AuditEvent, ReminderOptOut

ACCOUNT = "/auth/account"
CHOICES = "/auth/account/reminders"


def _off(db, user) -> set[str]:
    return set(
        db.session.scalars(select(ReminderOptOut.kind).where(ReminderOptOut.user_id == user.id))
    )


APPLICANT_KINDS = ["draft-first", "draft-last", "report-due", "report-overdue"]


def test_an_applicant_sees_the_draft_and_report_reminders_ticked(client, login_as):
    """An applicant's organisation drafts applications and, once awarded, reports on its grants."""
    login_as("applicant")
    page = client.get(ACCOUNT).get_data(as_text=True)
    assert all(f'value="{kind}"' in page for kind in APPLICANT_KINDS)
    assert page.count(" checked") == 4
    assert 'value="evaluation-due"' not in page and 'value="payment-due"' not in page


def test_unticking_turns_a_kind_off_and_ticking_turns_it_on_again(client, login_as, post, db):
    user = login_as("applicant")
    response = post(CHOICES, {"send": ["draft-last", "report-due", "report-overdue"]}, page=ACCOUNT)
    assert response.status_code == 302 and response.location.endswith("/auth/account#reminders")
    assert _off(db, user) == {"draft-first"}
    page = client.get(ACCOUNT).get_data(as_text=True)
    assert "Your reminder choices were saved." in page
    assert 'value="draft-first" id="send-draft-first" aria' in page  # not ticked
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "reminder_choices"))
    assert event.after == {"turned_off": ["draft-first"]}
    post(CHOICES, {"send": APPLICANT_KINDS}, page=ACCOUNT)
    assert _off(db, user) == set()


def test_an_evaluator_chooses_the_evaluation_reminders(client, login_as, post, db):
    user = login_as("evaluator")
    page = client.get(ACCOUNT).get_data(as_text=True)
    assert 'value="evaluation-due"' in page and 'value="draft-first"' not in page
    post(CHOICES, {}, page=ACCOUNT)
    assert _off(db, user) == {"evaluation-due", "evaluation-overdue"}


def test_a_kind_not_offered_is_refused(client, login_as, post, db):
    user = login_as("evaluator")
    response = post(CHOICES, {"send": ["draft-first"]}, page=ACCOUNT)
    assert response.status_code == 400
    assert 'id="error-summary"' in response.get_data(as_text=True)
    assert _off(db, user) == set()


def test_the_account_page_in_turkish_names_the_kinds_in_turkish(client, login_as):
    login_as("applicant", locale="tr")
    page = client.get(ACCOUNT).get_data(as_text=True)
    assert "Taslak başvurunuz: son başvuru tarihinden önceki ilk hatırlatma" in page
