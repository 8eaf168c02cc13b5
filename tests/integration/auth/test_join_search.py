"""/auth/join offers verified organisations by search (3 letters or more, a few at a time), never a
full list."""

from tests.factories import make_org


def _search(post, q: str) -> str:
    return post("/auth/join", {"q": q, "search": "1", "full_name": "Mehmet Demir"}).get_data(
        as_text=True
    )


def test_the_join_page_lists_no_organisation_before_a_search(client, db):
    make_org(name="Aydın Büyükşehir Belediyesi")
    db.session.commit()
    page = client.get("/auth/join").get_data(as_text=True)
    assert "Aydın" not in page and 'name="organisation_id"' not in page


def test_a_search_offers_verified_organisations_whatever_the_turkish_letters(client, db, post):
    aydin = make_org(name="Aydın Büyükşehir Belediyesi")
    make_org(name="Aydın Köyü", verified=False)
    db.session.commit()
    for typed in ("aydin", "AYDIN", "Aydın", "buyuksehir"):
        page = _search(post, typed)
        assert f'value="{aydin.id}"' in page and "Aydın Büyükşehir Belediyesi" in page, typed
        assert "Aydın Köyü" not in page
    assert 'value="Mehmet Demir"' in _search(post, "aydin")  # what was typed stays


def test_fewer_than_three_letters_offer_nothing(client, db, post):
    make_org(name="Ay Belediyesi")
    db.session.commit()
    page = _search(post, "ay")
    assert "Type at least 3 letters." in page and "Ay Belediyesi" not in page


def test_results_are_limited(client, db, post):
    for n in range(15):
        make_org(name=f"Belediye {n:02d}")
    db.session.commit()
    assert _search(post, "belediye").count('name="organisation_id"') == 10


def test_searching_is_rate_limited(app, client, db, post, monkeypatch):
    monkeypatch.setitem(app.config, "REGISTRATION_RATE_LIMIT", "3 per minute")
    answers = [
        post("/auth/join", {"q": f"abc{n}", "search": "1"}, page="/auth/join").status_code
        for n in range(4)
    ]
    assert answers == [200, 200, 200, 429]
