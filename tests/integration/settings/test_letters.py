"""The letter settings page: the contracting authority's name, address and logo, the signatory and
where to complain; staff only; a logo checked by its content; every change audited."""

from __future__ import annotations

import io

import pytest
from flask import g
from sqlalchemy import select

from grants.models import AuditEvent, Authority
from tests.conftest import _CSRF as CSRF
from tests.factories import png_bytes
from tests.factories.submission import PDF

URL = "/staff/settings/letters"
FORM = {
    "name_en": "Directorate for EU Affairs",
    "name_tr": "Avrupa Birliği Başkanlığı",
    "address": "Mustafa Kemal Mahallesi 2082. Cadde No: 4\r\n06510 Çankaya / Ankara",
    "signatory_name": "Deniz Yılmaz",
    "signatory_title_en": "Head of Department",
    "signatory_title_tr": "Daire Başkanı",
    "complaints_body_en": "",
    "complaints_body_tr": "",
    "complaints_address": "",
}


@pytest.fixture(autouse=True)
def uploads(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path))


def text(response) -> str:
    return response.get_data(as_text=True)


def with_logo(data: bytes, name: str = "logo.png") -> dict:
    return {**FORM, "logo": (io.BytesIO(data), name)}


def send(client, form: dict):
    """POST the form with its file, as a browser does (multipart), with the page's CSRF token."""
    g.pop("csrf_token", None)
    token = CSRF.search(text(client.get(URL))).group(1)
    return client.post(URL, data={**form, "csrf_token": token}, content_type="multipart/form-data")


def test_staff_give_the_settings_with_a_logo_and_the_change_is_audited(client, db, login_as):
    staff = login_as("staff")
    page = text(client.get(URL))
    assert "Letters cannot be issued until these settings are given" in page
    response = send(client, with_logo(png_bytes()))
    assert response.status_code == 302
    row = db.session.get(Authority, 1)
    assert (row.name_en, row.signatory_title_tr, row.logo_type) == (
        "Directorate for EU Affairs",
        "Daire Başkanı",
        "image/png",
    )
    logo = client.get(f"{URL}/logo")
    assert logo.status_code == 200 and logo.mimetype == "image/png" and logo.data == png_bytes()
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "settings.letters_changed")
    )
    assert event.user_id == staff.id and event.after["name_en"] == "Directorate for EU Affairs"
    page = text(client.get(URL))
    assert (
        "Letters cannot be issued until" not in page
        and 'value="Directorate for EU Affairs"' in page
    )
    assert "Current logo" in page

    kept = row.logo_file
    assert (
        send(client, {**FORM, "signatory_name": "Ece Kaya"}).status_code == 302
    )  # no new file: kept
    db.session.expire_all()
    assert row.logo_file == kept and row.signatory_name == "Ece Kaya"
    assert send(client, {**FORM, "remove_logo": "y"}).status_code == 302
    db.session.expire_all()
    assert row.logo_file is None and client.get(f"{URL}/logo").status_code == 404


def test_a_logo_that_is_not_an_image_is_refused_naming_the_field_and_keeping_the_input(
    client, db, login_as
):
    login_as("staff")
    response = send(client, with_logo(PDF, "logo.png"))
    assert response.status_code == 400
    page = text(response)
    assert (
        "Logo (PNG or JPEG): The file&#39;s content is not an accepted type (PNG, JPEG), whatever "
        "its name says." in page
    )
    assert 'value="Directorate for EU Affairs"' in page
    assert db.session.get(Authority, 1) is None


def test_the_required_settings_are_named_when_missing(client, db, login_as):
    login_as("staff")
    response = send(client, {**FORM, "name_tr": "", "signatory_name": "  "})
    assert response.status_code == 400
    page = text(response)
    assert "Name of the contracting authority, in Turkish: Enter a value." in page
    assert "Name of the signatory: Enter a value." in page
    assert db.session.get(Authority, 1) is None


@pytest.mark.parametrize("role", ["applicant", "evaluator"])
def test_only_staff_see_and_change_the_settings(client, db, login_as, role):
    login_as(role)
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}/logo").status_code == 403
