"""Staff list of a call's submitted applications: filters, sorting, paging with constant query
counts."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

import pytest
from sqlalchemy import insert, select

from grants.models import Application, ApplicationStage, Stage, StageStatus
from grants.models.base import now_utc
from tests.conftest import count_queries, selects
from tests.factories import make_application, make_call, make_org


@pytest.fixture
def call(db):
    return make_call(
        reference="TTGS-2026",
        lots=[("Environment", Decimal("1300000")), ("Culture", Decimal("1300000"))],
    )


def _url(call, **args) -> str:
    return f"/staff/calls/{call.id}/applications" + (f"?{urlencode(args)}" if args else "")


def test_only_staff(client, login_as, call, db):
    login_as("applicant")
    db.session.commit()
    assert client.get(_url(call)).status_code == 403


def test_unknown_call_is_not_found(client, login_as, db):
    login_as("staff")
    assert client.get("/staff/calls/999999/applications").status_code == 404


def test_lists_submitted_applications_only(client, login_as, call, db):
    login_as("staff")
    submitted = make_application(call, title="Clean rivers", status="submitted")
    make_application(call, title="Still a draft")
    db.session.commit()
    page = client.get(_url(call)).get_data(as_text=True)
    assert "Clean rivers" in page and "TTGS-2026-0001" in page and "Still a draft" not in page
    assert f'href="/applications/{submitted.id}"' in page
    assert client.get(f"/applications/{submitted.id}").status_code == 200


def test_staff_call_page_links_to_the_list(client, login_as, call, db):
    login_as("staff")
    db.session.commit()
    assert f'href="{_url(call)}"' in client.get(f"/staff/calls/{call.id}").get_data(as_text=True)


@pytest.fixture
def three(call, db):
    make_application(
        call,
        lead=make_org("TR", name="Cankaya"),
        title="Clean rivers",
        status="submitted",
        requested_grant=Decimal("90000.00"),
    )
    make_application(
        call,
        lead=make_org("TR", name="Bornova"),
        title="Green squares",
        status="admissible",
        requested_grant=Decimal("70000.00"),
    )
    second_lot = make_application(
        call,
        lead=make_org("DE", "local_authority", name="Kehl"),
        title="Twin parks",
        partners=[make_org("TR")],
        status="submitted",
        requested_grant=Decimal("80000.00"),
    )
    second_lot.lot = call.lots[1]
    db.session.commit()


def _titles(page: str) -> list[str]:
    return [t for t in ("Clean rivers", "Green squares", "Twin parks") if t in page]


@pytest.mark.parametrize(
    "args, expected",
    [
        ({"status": "admissible"}, ["Green squares"]),
        ({"country": "DE"}, ["Twin parks"]),
        ({"q": "squares"}, ["Green squares"]),
        ({"q": "cankaya"}, ["Clean rivers"]),
        ({"q": "TTGS-2026-0003"}, ["Twin parks"]),
        ({"q": "%"}, []),
    ],
)
def test_filters(client, login_as, three, call, args, expected):
    login_as("staff")
    page = client.get(_url(call, **args)).get_data(as_text=True)
    assert _titles(page) == expected


def test_filter_by_lot(client, login_as, three, call):
    login_as("staff")
    assert _titles(client.get(_url(call, lot=call.lots[1].id)).get_data(as_text=True)) == [
        "Twin parks"
    ]


@pytest.mark.parametrize(
    "sort, order, expected",
    [
        ("grant", "desc", ["Clean rivers", "Twin parks", "Green squares"]),
        ("grant", "asc", ["Green squares", "Twin parks", "Clean rivers"]),
        ("lead", "asc", ["Green squares", "Clean rivers", "Twin parks"]),  # Bornova, Cankaya, Kehl
        ("reference", "desc", ["Twin parks", "Green squares", "Clean rivers"]),
    ],
)
def test_sorting(client, login_as, three, call, sort, order, expected):
    login_as("staff")
    page = client.get(_url(call, sort=sort, order=order)).get_data(as_text=True)
    assert sorted(expected, key=page.index) == expected


def _bulk(db, call, n: int, start: int) -> None:
    """n submitted applications in two INSERTs."""
    lead = make_org()
    rows = [
        dict(
            call_id=call.id,
            lead_id=lead.id,
            number=start + i,
            reference=f"{call.reference}-{start + i:04d}",
            title=f"Project {start + i}",
            version=1,
        )
        for i in range(n)
    ]
    db.session.execute(insert(Application), rows)
    ids = db.session.scalars(
        select(Application.id).where(Application.call_id == call.id, Application.number >= start)
    ).all()
    now = now_utc()
    db.session.execute(
        insert(ApplicationStage),
        [
            dict(
                application_id=i,
                stage=Stage.full_application,
                status=StageStatus.submitted,
                submitted_at=now,
                requested_grant=Decimal("90000.00"),
            )
            for i in ids
        ],
    )
    db.session.commit()


def _queries(client, call, **args) -> tuple[int, str]:
    with count_queries(client.application.extensions["sqlalchemy"].engine) as statements:
        response = client.get(_url(call, **args))
    assert response.status_code == 200
    return selects(statements), response.get_data(as_text=True)


def test_paging_keeps_query_counts_constant(client, login_as, call, db):
    login_as("staff")
    _bulk(db, call, 10, 1)
    few, page = _queries(client, call)
    assert "10 submitted applications" in page and 'class="pagination"' not in page
    _bulk(db, call, 990, 11)
    many, page = _queries(client, call, sort="reference", order="desc")
    assert few == many
    assert "1000 submitted applications" in page and 'aria-current="page">1</a>' in page
    assert "page=20" in page and "page=21" not in page  # the pager links the last page, 20
    assert "TTGS-2026-1000" in page and "TTGS-2026-0950" not in page
    _count, last = _queries(client, call, page=20)
    assert "TTGS-2026-0951" in last and "TTGS-2026-0950" not in last
    assert 'aria-current="page">20</a>' in last
