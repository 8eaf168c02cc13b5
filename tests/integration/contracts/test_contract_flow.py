"""The contract from draft to in force through its pages (docs/domain.md 7, Contract): staff fill
in the bank account and send it, the lead accepts it or uploads it signed, staff countersign; every
step audited, e-mailed where the lead must know, refused when stale or out of turn."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from grants.extensions import db as _db
from grants.models import AuditEvent, Grant, MessageLog, OutboxMessage
from grants.rules.grant_status import GrantStatus
from tests.factories import make_user
from tests.factories.grants import make_grant
from tests.factories.submission import PDF

TR_IBAN = "TR330006100519786457841326"
ACCOUNT = {
    "account_holder": "Municipality of Çankaya",
    "iban": "tr33 0006 1005 1978 6457 8413 26",
    "bic": "",
    "bank_name": "Ziraat Bankası",
    "set_start": "",
}
SENT_AT = datetime(2027, 2, 1, 9, tzinfo=UTC)


def _fresh(grant_id: int) -> Grant:
    _db.session.expire_all()
    return _db.session.get(Grant, grant_id)


def _actions(grant_id: int) -> list[str]:
    return list(
        _db.session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.action.like("grant.%"), AuditEvent.object_id == str(grant_id))
            .order_by(AuditEvent.id)
        )
    )


def test_staff_save_the_bank_account_in_electronic_form_and_see_it_by_fours(
    db, client, login_as, post
):
    staff = login_as("staff")
    grant = make_grant("draft", staff=staff)
    _db.session.commit()
    url = f"/grants/{grant.id}/account"
    response = post(url, {**ACCOUNT, "version": grant.version})
    assert response.status_code == 302
    saved = _fresh(grant.id)
    assert (saved.iban, saved.account_holder, saved.version) == (
        TR_IBAN,
        "Municipality of Çankaya",
        2,
    )
    page = client.get(url).get_data(as_text=True)
    assert "TR33 0006 1005 1978 6457 8413 26" in page
    assert "grant.account_saved" in _actions(grant.id)


def test_a_bad_iban_is_refused_naming_the_field_and_why_keeping_what_was_typed(
    db, client, login_as, post
):
    staff = login_as("staff")
    grant = make_grant("draft", staff=staff)
    _db.session.commit()
    typed = "TR33 0006 1005 1978 6457 8413 27"
    response = post(
        f"/grants/{grant.id}/account",
        {**ACCOUNT, "iban": typed, "bic": "DEUTXXFF", "version": grant.version},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "IBAN: The IBAN&#39;s check digits do not match" in page
    assert "BIC (SWIFT code), optional: The BIC&#39;s fifth and sixth characters" in page
    assert f'value="{typed}"' in page and 'value="Ziraat Bankası"' in page
    assert _fresh(grant.id).iban == "" and _fresh(grant.id).version == 1


def test_a_stale_save_is_refused_and_loses_nothing(db, client, login_as, post):
    staff = login_as("staff")
    grant = make_grant("draft", staff=staff)
    _db.session.commit()
    url = f"/grants/{grant.id}/account"
    assert post(url, {**ACCOUNT, "version": 1}).status_code == 302  # another tab saved first
    response = post(url, {**ACCOUNT, "bank_name": "Halkbank", "version": 1})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone else changed this contract after you opened it" in page
    assert 'value="Halkbank"' in page and 'name="version" value="2"' in page
    assert _fresh(grant.id).bank_name == "Ziraat Bankası"
    # saving again, from the page as it is now shown, works
    assert post(url, {**ACCOUNT, "bank_name": "Halkbank", "version": 2}).status_code == 302
    assert _fresh(grant.id).bank_name == "Halkbank"


def test_sending_needs_the_account_then_tells_the_lead_in_the_message_log(
    db, client, login_as, post, fixed_now
):
    staff = login_as("staff")
    grant = make_grant("draft", staff=staff)
    lead_member = make_user("applicant", organisation=grant.application.lead, locale="tr")
    _db.session.commit()
    page = f"/grants/{grant.id}"
    response = post(f"/grants/{grant.id}/send", {"version": 1}, page=page)
    assert response.status_code == 302 and _fresh(grant.id).status is GrantStatus.draft
    assert "bank account (holder and IBAN) before sending" in client.get(page).get_data(True)

    post(f"/grants/{grant.id}/account", {**ACCOUNT, "version": 1})
    fixed_now(SENT_AT)
    post(f"/grants/{grant.id}/send", {"version": 2}, page=page)
    sent = _fresh(grant.id)
    assert (sent.status, sent.sent_at) == (GrantStatus.sent, SENT_AT)
    (mail,) = db.session.scalars(select(OutboxMessage).where(OutboxMessage.to == lead_member.email))
    assert grant.number in mail.subject and "imzanız" in mail.subject  # in Turkish
    log = db.session.scalar(select(MessageLog).where(MessageLog.outbox_message_id == mail.id))
    assert (log.application_id, log.kind) == (grant.application_id, "contract_sent")
    # a second click finds the contract sent: refused, nothing sent twice
    post(f"/grants/{grant.id}/send", {"version": 3}, page=page)
    assert len(list(db.session.scalars(select(OutboxMessage)))) == 1
    assert _actions(grant.id)[-1] == "grant.sent"


def test_a_sent_contract_can_be_taken_back_to_draft(db, client, login_as, post):
    staff = login_as("staff")
    grant = make_grant("sent", staff=staff)
    _db.session.commit()
    post(f"/grants/{grant.id}/draft", {"version": grant.version}, page=f"/grants/{grant.id}")
    assert _fresh(grant.id).status is GrantStatus.draft
    assert _actions(grant.id)[-1] == "grant.back_to_draft"


def test_the_lead_accepts_with_the_box_ticked_and_staff_countersign_in_the_call_zone(
    db, client, login_as, post, fixed_now
):
    grant = make_grant("sent")
    _db.session.commit()
    grant.set_start = None
    lead_member = login_as(user=make_user("applicant", organisation=grant.application.lead))
    page = f"/grants/{grant.id}"
    assert "I accept" in client.get(page).get_data(True)
    refused = post(f"/grants/{grant.id}/accept", {"version": grant.version}, page=page)
    assert refused.status_code == 400
    assert "Tick the box to confirm" in refused.get_data(True)
    fixed_now(datetime(2027, 3, 1, 21, 30, tzinfo=UTC))  # 00:30 on 2 March in Istanbul
    post(f"/grants/{grant.id}/accept", {"version": grant.version, "confirm": "y"}, page=page)
    signed = _fresh(grant.id)
    assert (signed.status, signed.signed_by_id) == (GrantStatus.signed, lead_member.id)

    staff = login_as("staff")
    fixed_now(datetime(2027, 3, 9, 8, tzinfo=UTC))
    post(f"/grants/{grant.id}/countersign", {"version": signed.version}, page=page)
    in_force = _fresh(grant.id)
    assert (in_force.status, in_force.countersigned_by_id) == (GrantStatus.in_force, staff.id)
    assert (in_force.start_date, in_force.end_date) == (date(2027, 3, 10), date(2029, 3, 9))
    assert in_force.versions[-1].end_date == date(2029, 3, 9)
    assert _actions(grant.id)[-2:] == ["grant.signed", "grant.countersigned"]
    assert db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.to == lead_member.email)
    ).subject.endswith("is in force")
    shown = client.get(page).get_data(as_text=True)
    assert "In force" in shown and "March 10, 2027" in shown and "March 9, 2029" in shown


def test_the_later_start_the_contract_sets_wins(db, client, login_as, post, fixed_now):
    grant = make_grant("signed", start=date(2027, 3, 1))
    grant.set_start = date(2027, 6, 1)
    _db.session.commit()
    login_as("staff")
    fixed_now(datetime(2027, 3, 9, 8, tzinfo=UTC))
    post(f"/grants/{grant.id}/countersign", {"version": grant.version}, page=f"/grants/{grant.id}")
    assert (_fresh(grant.id).start_date, _fresh(grant.id).end_date) == (
        date(2027, 6, 1),
        date(2029, 5, 31),
    )


def test_the_lead_uploads_the_signed_pdf_and_staff_and_partners_download_it(
    db, client, login_as, post, uploads
):
    grant = make_grant("sent")
    _db.session.commit()
    login_as(user=make_user("applicant", organisation=grant.application.lead))
    page = f"/grants/{grant.id}"
    bad = post(
        f"/grants/{grant.id}/signed",
        {"version": grant.version, "file": (__import__("io").BytesIO(b"not a pdf"), "x.pdf")},
        page=page,
        content_type="multipart/form-data",
    )
    assert bad.status_code == 400 and _fresh(grant.id).status is GrantStatus.sent
    good = post(
        f"/grants/{grant.id}/signed",
        {"version": grant.version, "file": (__import__("io").BytesIO(PDF), "signed.pdf")},
        page=page,
        content_type="multipart/form-data",
    )
    assert good.status_code == 302
    signed = _fresh(grant.id)
    assert signed.status is GrantStatus.signed and signed.signed_file
    assert client.get(f"/grants/{grant.id}/signed.pdf").data == PDF
    login_as("staff")
    assert client.get(f"/grants/{grant.id}/signed.pdf").data == PDF


def test_only_the_lead_signs_and_only_when_sent(db, client, login_as, post):
    grant = make_grant("sent")
    _db.session.commit()
    (partner,) = grant.application.partners
    login_as(user=make_user("applicant", organisation=partner.organisation))
    page = f"/grants/{grant.id}"
    assert client.get(page).status_code == 200  # a partner's member sees the grant...
    assert "I accept" not in client.get(page).get_data(True)
    refused = post(
        f"/grants/{grant.id}/accept", {"version": grant.version, "confirm": "y"}, page=page
    )
    assert refused.status_code == 404  # ... but does not sign for the lead
    assert _fresh(grant.id).status is GrantStatus.sent
    draft = make_grant("draft")
    _db.session.commit()
    login_as(user=make_user("applicant", organisation=draft.application.lead))
    assert client.get(f"/grants/{draft.id}").status_code == 404  # not sent: not theirs yet
    in_force = make_grant("in_force")
    _db.session.commit()
    login_as(user=make_user("applicant", organisation=in_force.application.lead))
    page = f"/grants/{in_force.id}"
    assert "I accept" not in client.get(page).get_data(True)
    late = post(
        f"/grants/{in_force.id}/accept", {"version": in_force.version, "confirm": "y"}, page=page
    )
    assert late.status_code == 400
    assert "This contract is not waiting for your signature" in late.get_data(True)
    assert _fresh(in_force.id).status is GrantStatus.in_force


def test_a_second_countersignature_from_another_tab_is_refused(db, client, login_as, post):
    staff = login_as("staff")
    grant = make_grant("signed", staff=staff)
    _db.session.commit()
    page, loaded = f"/grants/{grant.id}", grant.version
    post(f"/grants/{grant.id}/countersign", {"version": loaded}, page=page)
    first = _fresh(grant.id)
    assert first.status is GrantStatus.in_force
    post(f"/grants/{grant.id}/countersign", {"version": loaded}, page=page)
    assert "Only a contract signed by the lead can be countersigned" in client.get(page).get_data(
        True
    )
    assert _actions(grant.id).count("grant.countersigned") == 1
    assert _fresh(grant.id).countersigned_at == first.countersigned_at


def test_a_stale_version_refuses_an_action_even_in_the_right_status(db, client, login_as, post):
    login_as("staff")
    grant = make_grant("sent")
    _db.session.commit()
    page = f"/grants/{grant.id}"
    post(f"/grants/{grant.id}/draft", {"version": grant.version - 1}, page=page)
    assert _fresh(grant.id).status is GrantStatus.sent
    assert "Someone else changed this contract" in client.get(page).get_data(True)
