"""The logical-framework page: saving objectives, results and indicators; rows added and removed
without JavaScript; errors that name the field and keep what was typed; Turkish decimals; the
lead's members only; a constant number of queries as rows grow."""

from __future__ import annotations

from decimal import Decimal

import pytest

from grants.extensions import db as _db
from grants.models import Application, AuditEvent
from tests.conftest import count_queries
from tests.factories import make_application, make_call, make_org, make_user
from tests.factories.logframe import add_logframe, logframe_form, logframe_url
from tests.factories.submission import text


@pytest.fixture
def lead(login_as):
    return login_as("applicant")


@pytest.fixture
def application(db, lead):
    application = make_application(make_call(), lead=lead.organisation)
    db.session.commit()
    return application


def _reload(application) -> Application:
    _db.session.expire_all()
    return _db.session.get(Application, application.id)


def _new(**fields) -> dict:
    row = {
        "results-0-text": "Twinning ties set up",
        "results-0-indicators-0-description": "Joint events held",
        "results-0-indicators-0-unit": "events",
        "results-0-indicators-0-baseline": "0",
        "results-0-indicators-0-target": "4",
        "results-0-indicators-0-source": "Event reports",
    }
    return {"overall_objective": "Closer ties", "specific_objective": "Plans adopted"} | {
        **row,
        **fields,
    }


def test_an_empty_page_offers_a_result_with_an_indicator(client, application):
    page = client.get(logframe_url(application)).get_data(as_text=True)
    assert "Logical framework" in page and 'name="results-0-text"' in page
    assert 'name="results-0-indicators-0-description"' in page
    assert 'name="results-1-text"' not in page


def test_save_objectives_results_and_indicators(client, post, application, db):
    version = application.version
    data = {"version": str(version), **_new(), "save_continue": "1"}
    response = post(logframe_url(application), data)
    assert response.status_code == 302 and response.location.endswith(
        f"/applications/{application.id}"
    )
    saved = _reload(application)
    assert (saved.overall_objective, saved.specific_objective) == ("Closer ties", "Plans adopted")
    (result,) = saved.results
    (indicator,) = result.indicators
    assert (result.text, indicator.description, indicator.unit, indicator.source) == (
        "Twinning ties set up",
        "Joint events held",
        "events",
        "Event reports",
    )
    assert (indicator.baseline, indicator.target) == (Decimal("0.00"), Decimal("4.00"))
    assert saved.version == version + 1
    event = db.session.query(AuditEvent).filter_by(action="application.logframe_saved").one()
    assert event.after["results"][0]["indicators"][0]["target"] in ("4.00", 4, "4")


def test_turkish_decimals_are_read_as_typed(client, post, application, lead, db):
    lead.locale = "tr"
    db.session.commit()
    data = _new(**{"results-0-indicators-0-baseline": "2.500,50"})
    data["results-0-indicators-0-target"] = "12.000"
    post(logframe_url(application), {"version": str(application.version), **data})
    (indicator,) = _reload(application).results[0].indicators
    assert (indicator.baseline, indicator.target) == (Decimal("2500.50"), Decimal("12000.00"))


@pytest.mark.parametrize(
    "field, typed, message",
    [
        ("baseline", "many", "Enter a number such as 2,500.50, in digits."),
        ("target", "-3", "Enter a number of 0 or more."),
        ("target", "1.234", "1.234 can be read more than one way"),
        ("description", "", "Describe the indicator."),
        ("unit", "u" * 41, "Use at most 40 characters."),
    ],
)
def test_an_invalid_indicator_is_named_and_kept_on_screen(
    client, post, application, field, typed, message
):
    data = _new(**{f"results-0-indicators-0-{field}": typed})
    data["results-0-indicators-0-unit"] = "u" * 41 if field == "unit" else "events"
    response = post(logframe_url(application), {"version": str(application.version), **data})
    page = text(response)
    assert response.status_code == 400 and message in page
    assert "Result 1 – Indicator 1 –" in page  # the error summary names the row and field
    if typed:
        assert f'value="{typed}"' in page
    saved = _reload(application)
    # the result and the objectives were valid: saved; the new indicator was not
    assert [r.text for r in saved.results] == ["Twinning ties set up"]
    assert saved.results[0].indicators == [] and saved.overall_objective == "Closer ties"


def test_a_result_without_text_is_refused_and_its_indicator_kept_on_screen(
    client, post, application
):
    data = _new(**{"results-0-text": ""})
    response = post(logframe_url(application), {"version": str(application.version), **data})
    page = text(response)
    assert response.status_code == 400 and "Describe the expected result." in page
    assert 'value="Joint events held"' in page
    assert _reload(application).results == []


def test_an_invalid_edit_keeps_the_saved_values(client, post, application, db):
    add_logframe(application)
    db.session.commit()
    data = logframe_form(application) | {"results-0-indicators-0-target": "lots"}
    page = post(logframe_url(application), data).get_data(as_text=True)
    assert 'value="lots"' in page
    assert _reload(application).results[0].indicators[0].target == Decimal("4.00")


def test_add_a_result_and_an_indicator_without_javascript(client, post, application, db):
    add_logframe(application)
    db.session.commit()
    response = post(logframe_url(application), {**logframe_form(application), "add_result": "1"})
    assert response.status_code == 302 and "blank=1" in response.location
    page = client.get(response.location).get_data(as_text=True)
    assert 'name="results-1-text"' in page and 'name="results-1-indicators-0-unit"' in page
    response = post(logframe_url(application), {**logframe_form(application), "add_indicator": "0"})
    assert "more=0" in response.location
    page = client.get(response.location).get_data(as_text=True)
    assert 'name="results-0-indicators-1-description"' in page


def test_remove_an_indicator_and_a_result(client, post, application, db):
    add_logframe(application, results=2, indicators=2)
    db.session.commit()
    data = logframe_form(application)
    data |= {"results-0-indicators-0-remove": "y", "results-1-remove": "y", "save_draft": "1"}
    post(logframe_url(application), data)
    saved = _reload(application)
    assert len(saved.results) == 1 and len(saved.results[0].indicators) == 1


def test_blank_rows_are_ignored_and_nothing_new_is_said(client, post, application, db):
    add_logframe(application)
    db.session.commit()
    data = logframe_form(application) | {"results-1-text": "", "results-1-indicators-0-unit": ""}
    response = post(logframe_url(application), data, follow_redirects=True)
    assert "There was nothing new to save" in text(response)
    assert len(_reload(application).results) == 1


def test_a_save_over_someone_elses_is_refused_and_keeps_the_input(client, post, application, db):
    add_logframe(application)
    application.version += 1  # saved by someone else since the page was loaded
    db.session.commit()
    data = logframe_form(application) | {"version": str(application.version - 1)}
    data["results-0-text"] = "Mine"
    response = post(logframe_url(application), data)
    assert response.status_code == 409 and "saved by someone else" in text(response)
    assert "Mine" in text(response)
    assert _reload(application).results[0].text == "Result text 1"


def test_the_task_list_shows_the_logical_framework(client, application, db):
    page = text(client.get(f"/applications/{application.id}"))
    assert "Logical framework" in page and f"/applications/{application.id}/logframe" in page


@pytest.mark.parametrize("who", ["partner", "other"])
def test_partners_and_other_organisations_get_404(client, login_as, application, who):
    organisation = application.partners[0].organisation if who == "partner" else make_org()
    login_as(user=make_user(organisation=organisation))
    assert client.get(logframe_url(application)).status_code == 404


def test_the_page_runs_as_many_queries_for_many_rows(client, application, db):
    def queries() -> int:
        with count_queries(db.engine) as statements:
            assert client.get(logframe_url(application)).status_code == 200
        return len(statements)

    add_logframe(application, results=1, indicators=1)
    db.session.commit()
    few = queries()
    add_logframe(application, results=6, indicators=4)
    db.session.commit()
    assert queries() == few
