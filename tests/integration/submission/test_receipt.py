"""The receipt PDF: submitted applications only, for those who may see them; its text, title and
language."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from tests.factories import make_call, make_org
from tests.factories.submission import ready_application, submit


@pytest.fixture
def submitted(client, login_as, post, db):
    lead = login_as("applicant", organisation=make_org(name="Çankaya Belediyesi"))
    call = make_call(
        reference="TTGS-2018", title="Town Twinning <Turkey & EU>", timezone="Europe/Istanbul"
    )
    application = ready_application(
        lead, call, title="Green <b>twin</b> towns", summary="Plans & <script>x</script>"
    )
    application.partners[0].organisation.name = "Stadt Würzburg"
    db.session.commit()
    assert submit(post, application).status_code == 302
    db.session.expire_all()
    return application


def _pdf(response) -> PdfReader:
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    return PdfReader(io.BytesIO(response.data))


def test_the_receipt_lists_the_submission(client, submitted):
    reader = _pdf(client.get(f"/applications/{submitted.id}/receipt.pdf"))
    content = re.sub(
        r"\s+", "", "".join(page.extract_text() for page in reader.pages)
    )  # kerning splits words
    for expected in [
        "TTGS-2018-0001",
        "Town Twinning <Turkey & EU>",
        "(Europe/Istanbul)",
        "Çankaya Belediyesi",
        "Stadt Würzburg",
        "Green <b>twin</b> towns",
        "Plans & <script>x</script>",
        "Project staff",
        "€107,000.00",
        "€90,000.00",
        "84.11%",
        "declaration.pdf",
        "statement.pdf",
        "Lead applicant",
    ]:
        assert expected.replace(" ", "") in content, expected
    assert reader.metadata.title == "Submission receipt TTGS-2018-0001"
    assert reader.trailer["/Root"]["/Lang"] == "en" and "/StructTreeRoot" in reader.trailer["/Root"]


def test_the_receipt_is_for_viewers_of_submitted_applications_only(client, login_as, submitted, db):
    login_as("applicant", organisation=submitted.partners[0].organisation)
    _pdf(client.get(f"/applications/{submitted.id}/receipt.pdf"))
    login_as("staff")
    _pdf(client.get(f"/applications/{submitted.id}/receipt.pdf"))
    login_as("applicant")
    assert client.get(f"/applications/{submitted.id}/receipt.pdf").status_code == 404


def test_a_draft_has_no_receipt(client, login_as, db):
    application = ready_application(login_as("applicant"))
    assert client.get(f"/applications/{application.id}/receipt.pdf").status_code == 404
    assert (
        client.get(f"/applications/{application.id}/submitted")
        .headers["Location"]
        .endswith(f"/applications/{application.id}/check")
    )
