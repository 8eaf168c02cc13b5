from tests.factories import make_call


def test_public_list_shows_open_call(client, db):
    make_call(reference="TTGS-2026", title="Town twinning 2026")
    db.session.commit()
    page = client.get("/")
    assert page.status_code == 200
    assert b"Town twinning 2026" in page.data


def test_draft_call_is_not_public(client, db):
    make_call(reference="DRAFT-1", title="Secret draft", status="draft")
    db.session.commit()
    assert b"Secret draft" not in client.get("/").data
    assert client.get("/calls/DRAFT-1").status_code == 404


def test_transaction_rolled_back_between_tests(client, db):
    from sqlalchemy import func, select

    from grants.models import Call

    assert db.session.scalar(select(func.count()).select_from(Call)) == 0
