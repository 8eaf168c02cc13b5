"""The staff ranking page one table at a time (a tab per ranking and per list of the applications
set apart, each chosen by `?table=`), a page at a time: 50 rows per table, each paged by its own
query parameter; running totals and section scores of the rows shown; a fixed number of queries
whatever the number of applications."""

from __future__ import annotations

import re
from decimal import Decimal as D
from html import unescape
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import func, select

from grants.awards import rank_call
from grants.evaluation.queries.scores import grid_rules
from grants.models import Application, ApplicationStage, Call, Stage, StageStatus
from grants.rules import scoring
from tests.conftest import count_queries
from tests.factories import make_call
from tests.factories.awards import add_application

S = StageStatus


def scores_of(i: int) -> list[int]:
    """Two evaluators' scores (each given to every criterion) that pass and stay within the
    discrepancy."""
    base = 3 + i % 2
    return [base, base + (i % 3 == 0)]


def ranked_call(
    reference: str, size: int, budget: str = "6100000.00", lots: int = 0, apart: bool = False
) -> Call:
    """`size` passing applications requesting 60,000.00 + 10.00 x their index, ranked; with `apart`,
    as many again below threshold, inadmissible, withdrawn and waiting for an evaluation."""
    call = make_call(
        reference,
        status="evaluation",
        total_budget=D(budget),
        lots=[(f"Lot {n}", D(budget) / lots) for n in range(lots)] if lots else None,
    )
    for i in range(size):
        lot = call.lots[i % lots] if lots else None
        add_application(call, scores_of(i), str(D("60000.00") + 10 * i), lot)
        if apart:
            add_application(call, [2, 2], lot=lot)  # 40 of at least 50: below threshold
            add_application(call, [4, 4], lot=lot).stages[0].status = S.inadmissible
            add_application(call, [4, 4], lot=lot).stages[0].status = S.withdrawn
            add_application(
                call, [4, 4], lot=lot, submitted=[True, False]
            )  # waits for an evaluation
    rank_call(call.id)
    return call


def page(client, call: Call, query: str = "") -> str:
    response = client.get(f"/staff/calls/{call.id}/ranking{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def tab(client, call: Call, key: str, query: str = "") -> str:
    """The page showing the table or list `key` (its tab), with the query string `query`
    (`&...`)."""
    return page(client, call, f"?table={key}{query}")


def section(html: str, key: str) -> str:
    """The HTML of the table or list whose section has this id."""
    start = html.index(f'id="{key}"')
    return html[start : html.index("</section>", start)]


def rows(html: str) -> list[list[str]]:
    """The cells' text of each body row."""
    body = html[html.index("<tbody>") : html.index("</tbody>")]
    return [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def test_the_page_takes_the_same_queries_for_10_and_120_applications(client, db, login_as):
    login_as("staff")
    counts = []
    for size in (10, 120):
        call = ranked_call(f"QC-{size}", size, lots=2, apart=True)
        db.session.commit()
        db.session.expire_all()
        with count_queries(db.engine) as statements:
            html = page(client, call)
        assert len(rows(section(html, "full_application-LOT1"))) == min(size // 2, 50)
        with count_queries(db.engine) as withdrawn:
            html = tab(client, call, "withdrawn")
        assert len(rows(section(html, "withdrawn"))) == min(size, 50)
        counts.append((len(statements), len(withdrawn)))
    assert counts[0] == counts[1], counts


def test_page_two_shows_ranks_51_to_100_and_the_running_total_goes_on(client, db, login_as):
    call = ranked_call("PAGES-1", 120)
    db.session.commit()
    login_as("staff")
    table = section(page(client, call, "?full_application=2"), "full_application")
    shown = rows(table)
    assert [int(row[0]) for row in shown] == list(range(51, 101))
    assert "120 applications ranked." in table and "Rows 51 to 100 of 120." in table
    first_page = db.session.scalar(
        select(func.sum(ApplicationStage.awarded_amount)).where(ApplicationStage.rank <= 50)
    )
    first = db.session.scalar(select(ApplicationStage).where(ApplicationStage.rank == 51))
    cumulative = first_page + first.awarded_amount
    assert shown[0][10:12] == [f"€{cumulative:,.2f}", f"€{D('6100000.00') - cumulative:,.2f}"]
    # every award of the first 100 fits the budget; the rest are on the reserve list, from page 3 on
    assert {row[12].partition("€")[0] for row in shown} == {"Awarded"}
    assert "Promote the first reserve application that fits" in table
    assert (
        f'href="/staff/calls/{call.id}/ranking?table=full_application&amp;full_application=3#full_application"'
        in table
    )


def test_the_section_scores_shown_on_page_two_are_the_rules(client, db, login_as):
    call = ranked_call("PAGES-2", 110)
    db.session.commit()
    login_as("staff")
    shown = rows(section(page(client, call, "?full_application=2"), "full_application"))
    grid, codes = grid_rules(call, Stage.full_application)
    numbers = {a.reference: a.number for a in db.session.scalars(select(Application))}
    assert len(shown) == 50
    for row in shown:
        evaluations = [
            {code: given for code in codes.values()} for given in scores_of(numbers[row[1]] - 1)
        ]
        final = scoring.final_scores(grid, evaluations, call.discrepancy_threshold)
        assert row[3:9] == [
            f"{scoring.display(v):.2f}" for v in (final.total, *final.sections.values())
        ]


def test_each_table_and_list_keeps_its_page_while_another_turns(client, db, login_as):
    call = ranked_call("PAGES-3", 120, lots=2, apart=True)
    db.session.commit()
    login_as("staff")
    query = "&full_application-LOT1=2&below_threshold=3"
    html = tab(client, call, "full_application-LOT1", query)
    assert [row[0] for row in rows(section(html, "full_application-LOT1"))] == [
        str(r) for r in range(51, 61)
    ]
    html = tab(client, call, "full_application-LOT2", query)
    assert [row[0] for row in rows(section(html, "full_application-LOT2"))][:2] == ["1", "2"]
    below = section(tab(client, call, "below_threshold", query), "below_threshold")
    assert (
        "120 applications." in below
        and "Rows 101 to 120 of 120." in below
        and len(rows(below)) == 20
    )
    assert all(
        "Total: 40.00 of at least 50.00" in row[4] for row in rows(below)
    )  # the thresholds missed
    link = re.search(r'href="([^"]*)"[^>]*>2</a>', section(html, "full_application-LOT2")).group(1)
    url = urlsplit(unescape(link))
    assert (url.path, url.fragment) == (f"/staff/calls/{call.id}/ranking", "full_application-LOT2")
    assert parse_qs(url.query) == {
        "table": ["full_application-LOT2"],
        "full_application-LOT1": ["2"],
        "full_application-LOT2": ["2"],
        "below_threshold": ["3"],
    }
    waiting = section(tab(client, call, "waiting", query), "waiting")
    assert "Evaluations missing" in waiting and len(rows(waiting)) == 50


def test_a_page_beyond_the_last_or_not_a_number_shows_the_nearest(client, db, login_as):
    call = ranked_call("PAGES-4", 60)
    db.session.commit()
    login_as("staff")
    assert (
        rows(section(page(client, call, "?full_application=99"), "full_application"))[0][0] == "51"
    )
    assert rows(section(page(client, call, "?full_application=x"), "full_application"))[0][0] == "1"
    assert (
        rows(section(page(client, call, "?full_application=-3"), "full_application"))[0][0] == "1"
    )


def test_final_scores_are_computed_for_the_rows_shown_only(client, db, login_as, monkeypatch):
    from grants.awards.queries import ranking_page
    from grants.evaluation.queries import scores

    call = ranked_call("PAGES-5", 70, apart=True)
    db.session.commit()
    login_as("staff")
    loaded = []
    monkeypatch.setattr(
        ranking_page,
        "stage_scores",
        lambda call, stages, by_id: (
            loaded.append(({s.id for s in stages}, by_id))
            or scores.stage_scores(call, stages, by_id=by_id)
        ),
    )
    query = "&full_application=2&below_threshold=2"
    references = [
        row[1]
        for row in rows(section(tab(client, call, "full_application", query), "full_application"))
    ]
    references += [
        row[0]
        for key in ("below_threshold", "waiting")
        for row in rows(section(tab(client, call, key, query), key))
    ]
    stage_ids = set(
        db.session.scalars(
            select(ApplicationStage.id)
            .join(ApplicationStage.application)
            .where(Application.reference.in_(references))
        )
    )
    # by id, and for the rows shown only (not the whole call's): each tab's rows
    assert len(references) == 20 + 20 + 50 and {by_id for _ids, by_id in loaded} == {True}
    assert set().union(*(ids for ids, _by_id in loaded)) == stage_ids
