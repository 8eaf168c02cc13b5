"""The evaluation grid in English and Turkish (issue 12.4): the default grids carry guidance per
criterion in both languages; staff may give a call's grid text in both; evaluators, letters and
reports show the text in the reader's language, or the other one where it is missing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask_babel import force_locale

from grants.awards.queries.letters import build_letters
from grants.calls.default_grids import CONCEPT_NOTE_GRID, FULL_APPLICATION_GRID
from grants.exports import call_data
from grants.models import Stage
from reports.letters import render_letter
from tests.factories import make_call, make_user
from tests.factories.calls import grid_data
from tests.factories.evaluation import HIGH, _criterion, _setup, _submit


@pytest.mark.parametrize("grid", [FULL_APPLICATION_GRID, CONCEPT_NOTE_GRID])
def test_default_grids_have_guidance_per_criterion_in_both_languages(grid):
    for section in grid["sections"]:
        assert section["title"] and section["title_tr"] and section["title"] != section["title_tr"]
        for criterion in section["criteria"]:
            texts = [criterion[k] for k in ("title", "title_tr", "description", "description_tr")]
            assert all(len(t) > 3 for t in texts) and len(set(texts)) == 4, criterion["code"]
            assert criterion["description"].endswith("?") and criterion["description_tr"].endswith(
                "?"
            )


def _score_page(client, login_as, evaluator, assignment) -> str:
    login_as(user=evaluator)
    return client.get(f"/evaluation/assignments/{assignment.id}/score").get_data(as_text=True)


def test_evaluators_read_the_grid_in_their_language(db, client, login_as):
    english, turkish = make_user("evaluator", locale="en"), make_user("evaluator", locale="tr")
    call, _, (for_english, for_turkish) = _setup(db, [english, turkish])
    feasibility = FULL_APPLICATION_GRID["sections"][2]["criteria"][1]

    page = _score_page(client, login_as, turkish, for_turkish)
    assert "Faaliyetlerin uygulanabilirliği" in page and feasibility["description_tr"] in page
    assert "Tasarım ve uygulama" in page
    assert feasibility["description"] not in page and "Feasibility of activities" not in page

    page = _score_page(client, login_as, english, for_english)
    assert "Feasibility of activities" in page and feasibility["description"] in page
    assert feasibility["description_tr"] not in page


def test_text_missing_in_one_language_is_shown_in_the_other(db, client, login_as):
    english, turkish = make_user("evaluator", locale="en"), make_user("evaluator", locale="tr")
    call, _, (for_english, for_turkish) = _setup(db, [english, turkish])
    criterion = _criterion(call, "3.2")
    criterion.title_tr, criterion.description = (
        "",
        "",
    )  # a Turkish title and an English guidance not given
    db.session.commit()
    assert "Feasibility of activities" in _score_page(client, login_as, turkish, for_turkish)
    assert criterion.description_tr in _score_page(client, login_as, english, for_english)


def test_staff_give_the_grid_in_both_languages(client, post, db, login_as):
    login_as("staff")
    call = make_call(status="draft")
    db.session.commit()
    url = f"/staff/calls/{call.id}/grids/full_application"
    page = client.get(url).get_data(as_text=True)
    assert 'value="Mali ve operasyonel kapasite"' in page and "Title in Turkish" in page
    assert FULL_APPLICATION_GRID["sections"][0]["criteria"][0]["description_tr"] in page

    data = grid_data(
        **{
            "sections-5-code": "6",
            "sections-5-title_tr": "Görünürlük",
            "sections-5-criteria-0-code": "6.1",
            "sections-5-criteria-0-title_tr": "İletişim planı",
            "sections-5-criteria-0-description_tr": "Sonuçlar kamuoyuna nasıl duyurulacak?",
            "sections-5-criteria-0-weight": "1",
        }
    )
    assert post(url, data).status_code == 302
    db.session.expire_all()
    section = call.grid_for(Stage.full_application).sections[5]
    assert (section.title, section.title_tr) == ("", "Görünürlük")
    assert section.criteria[0].description_tr == "Sonuçlar kamuoyuna nasıl duyurulacak?"

    response = post(url, grid_data(**{"sections-1-title": "", "sections-1-title_tr": ""}))
    assert response.status_code == 400
    assert "Enter a title in English, in Turkish or in both." in response.get_data(as_text=True)


def test_letters_and_workbook_name_the_sections_in_their_language(db, client, login_as, post):
    evaluators = [make_user("evaluator"), make_user("evaluator")]
    call, application, assignments = _setup(db, evaluators)
    for evaluator, assignment in zip(evaluators, assignments, strict=True):
        _submit(client, post, login_as, evaluator, assignment, call, HIGH)
    db.session.expire_all()
    stage = application.stages[0]
    letter = build_letters(call, [stage], datetime(2026, 12, 1, tzinfo=UTC))[stage.id]
    with force_locale("tr"):
        html = render_letter(client.application.jinja_env, letter, "tr")
        criteria = call_data.criteria(call)
    assert "İlgililik" in html and "Sürdürülebilirlik" in html and "Sustainability" not in html
    assert {c.title for c in criteria.values()} >= {"Deneyim", "Bütçenin gerçekçiliği"}
    with force_locale("en"):
        assert "Sustainability" in render_letter(client.application.jinja_env, letter, "en")
