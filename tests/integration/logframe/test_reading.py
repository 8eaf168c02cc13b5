"""The logical framework where it is read and kept: submission refused without one when the call
requires it (and not otherwise), the version kept at submission, the staff's application page, the
evaluator's page, the application summary PDF and the bundle (version 2; version 1 unchanged)."""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal

import pytest
from pypdf import PdfReader

from grants.bundle import export_bundle, import_bundle
from grants.exports.application_pdfs import build as build_zip
from grants.models import Assignment, CallEvaluator, ConflictStatus, StageStatus
from grants.models.base import now_utc
from tests.factories import make_application, make_call
from tests.factories.logframe import add_logframe
from tests.factories.submission import check_url, ready_application, submit, text


@pytest.fixture
def lead(login_as):
    return login_as("applicant")


def test_a_call_that_requires_it_refuses_submission_without_a_logical_framework(
    client, lead, post, db
):
    application = ready_application(lead, make_call(logframe_required=True))
    page = text(client.get(check_url(application)))
    assert "Add at least one expected result, with an indicator, to the logical framework." in page
    assert f"/applications/{application.id}/logframe#results-0-text" in page
    assert "No logical framework was given." in page  # the answers to check, with a Change link
    assert submit(post, application).status_code != 302
    db.session.refresh(application.stages[0])
    assert application.stages[0].status is StageStatus.draft


def test_an_incomplete_indicator_blocks_and_names_its_field(client, lead, post, db):
    application = ready_application(lead, make_call(logframe_required=True))
    add_logframe(application, target=None)
    db.session.commit()
    page = text(client.get(check_url(application)))
    assert "Indicator 1 of result 1 has no target." in page
    assert "logframe#results-0-indicators-0-target" in page
    assert submit(post, application).status_code != 302


def test_a_complete_logical_framework_lets_it_be_submitted_and_is_kept(client, lead, post, db):
    application = ready_application(lead, make_call(logframe_required=True))
    add_logframe(application)
    db.session.commit()
    assert submit(post, application).status_code == 302
    db.session.expire_all()
    kept = application.stages[0].submitted_version
    assert kept["overall_objective"] == "Closer ties between the two towns."
    assert kept["results"][0]["indicators"][0] == {
        "description": "Joint events held",
        "unit": "events",
        "baseline": "0.00",
        "target": "4.00",
        "source": "Event reports",
    }


def test_a_call_that_does_not_require_it_submits_without_one(client, lead, post, db):
    application = ready_application(lead, make_call())
    page = text(client.get(check_url(application)))
    assert "You cannot submit yet" not in page and "No logical framework was given." in page
    assert submit(post, application).status_code == 302


def test_staff_see_the_logical_framework_on_the_application_page(client, login_as, db):
    application = make_application(make_call(), submitted=True)
    add_logframe(application, baseline=Decimal("2500.50"))
    db.session.commit()
    login_as("staff")
    page = text(client.get(f"/applications/{application.id}"))
    for shown in (
        "Logical framework",
        "Closer ties between the two towns.",
        "Result 1",
        "Result text 1",
        "Joint events held",
        "2,500.5",
        "Event reports",
    ):
        assert shown in page, shown


def test_the_evaluator_sees_it_where_they_score_from(client, login_as, db):
    evaluator = login_as("evaluator")
    call = make_call(status="evaluation", evaluators_per_application=1)
    application = make_application(call, status="admissible")
    add_logframe(application, results=2)
    db.session.add(
        CallEvaluator(call_id=call.id, user_id=evaluator.id, impartiality_signed_at=now_utc())
    )
    assignment = Assignment(stage_id=application.stages[0].id, evaluator_id=evaluator.id)
    db.session.add(assignment)
    db.session.commit()
    url = f"/evaluation/assignments/{assignment.id}"
    assert "Joint events held" not in text(client.get(url))  # not before the declaration
    assignment.conflict = ConflictStatus.no_conflict
    db.session.commit()
    page = text(client.get(url))
    assert "Logical framework" in page and "Result 2: Result text 2" in page
    assert "Joint events held" in page and "Event reports" in page


def test_the_application_summary_pdf_includes_it(db, tmp_path):
    call = make_call("LF-2026", status="evaluation")
    application = make_application(call, status="admissible")
    add_logframe(application)
    db.session.commit()
    build_zip(call.id, "en", lambda _p: None, tmp_path / "pdfs.zip")
    with zipfile.ZipFile(tmp_path / "pdfs.zip") as zipped:
        reader = PdfReader(io.BytesIO(zipped.read(f"{application.reference}/summary.pdf")))
    content = re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))
    for shown in (
        "Logicalframework",
        "Closertiesbetweenthetwotowns.",
        "Result1:Resulttext1",
        "Jointeventsheldevents04Eventreports",  # indicator, unit, baseline, target, source
    ):
        assert shown in content, shown


def test_the_bundle_carries_it_and_a_round_trip_gives_the_same_bundle(db):
    call = make_call("LF-2027", status="evaluation", logframe_required=True)
    application = make_application(call, status="admissible")
    add_logframe(application, results=2, indicators=2, target=None)
    db.session.commit()
    first = export_bundle(call)
    assert first["call"]["logframe_required"] is True
    logframe = first["applications"][0]["logframe"]
    assert [r["text"] for r in logframe["results"]] == ["Result text 1", "Result text 2"]
    assert logframe["results"][0]["indicators"][0] | {"target": "x"} == {
        "description": "Joint events held",
        "unit": "events",
        "baseline": "0.00",
        "target": "x",
        "source": "Event reports",
    }
    assert logframe["results"][0]["indicators"][0]["target"] is None
    imported = import_bundle(first, replace=True)
    db.session.flush()
    assert export_bundle(imported) == first
    version_1 = export_bundle(imported, version=1)
    assert "logframe_required" not in version_1["call"]
    assert "logframe" not in version_1["applications"][0]
