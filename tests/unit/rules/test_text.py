import pytest
from hypothesis import given
from hypothesis import strategies as st

from grants.rules.text import compact, fold


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Aydin", "Aydın"),
        ("AYDIN", "Aydın"),
        ("aydın", "AYDIN"),
        ("Balikesir", "BALIKESİR"),
        ("balıkesir", "Balikesir"),
        ("Cankaya", "Çankaya"),
        ("Sisli", "Şişli"),
        ("SISLI", "ŞİŞLİ"),
        ("Goc", "Göç"),
        ("Uskudar", "Üsküdar"),
        ("istanbul", "İSTANBUL"),
        ("Esslingen", "Eßlingen"),
        ("Koln", "Köln"),
    ],
)
def test_turkish_and_accented_letters_fold_either_way(typed, stored):
    assert fold(typed) == fold(stored)


def test_fold_lowercases_drops_marks_and_evens_out_spacing_and_punctuation():
    assert fold("  Nilüfer   Belediyesi ") == "nilufer belediyesi"
    assert fold("St. Gallen") == "st gallen" == fold("st-gallen")
    assert fold("Gölcük\nBelediyesi") == "golcuk belediyesi"
    assert fold("") == "" and fold(None) == ""


def test_different_names_stay_different():
    assert fold("Aydın") != fold("Ayden")
    assert fold("Bursa") != fold("Burs")


def test_compact_compares_identifiers_whatever_their_spacing_and_punctuation():
    assert compact("DE-DEMO-0001") == compact("de demo 0001") == "dedemo0001"
    assert compact("TR 06.123/45") == compact("tr0612345")
    assert compact("TR-1") != compact("TR-11")


@given(st.text())
def test_fold_is_idempotent(text):
    assert fold(fold(text)) == fold(text)


@given(st.text())
def test_fold_never_keeps_upper_case_marks_or_edge_spaces(text):
    folded = fold(text)
    assert folded == folded.strip() and "  " not in folded
    assert folded == folded.lower()
    assert not any(ch in "ıİIÇŞĞÖÜçşğöü" for ch in folded)


@given(st.text(), st.text(), st.text())
def test_a_folded_part_is_found_in_the_folded_whole(before, part, after):
    folded_part = fold(part)
    if folded_part:
        assert folded_part in fold(f"{before} {part} {after}")


def test_names_sort_with_their_numbers_by_value():
    from grants.rules.text import name_key

    names = ["Assessor 10", "Assessor 2", "assessor 1", "Assessor 12", "Assessor 3"]
    assert sorted(names, key=lambda n: name_key(n, "en")) == [
        "assessor 1",
        "Assessor 2",
        "Assessor 3",
        "Assessor 10",
        "Assessor 12",
    ]


def test_names_sort_in_the_turkish_alphabet_for_a_turkish_reader():
    from grants.rules.text import name_key

    names = [
        "Demir",
        "Çelik",
        "Cem",
        "İnce",
        "Işık",
        "Oğuz",
        "Ölmez",
        "Şahin",
        "Sarı",
        "Émile",
        "Ebru",
    ]
    assert sorted(names, key=lambda n: name_key(n, "tr")) == [
        "Cem",
        "Çelik",
        "Demir",
        "Ebru",
        "Émile",
        "Işık",
        "İnce",
        "Oğuz",
        "Ölmez",
        "Sarı",
        "Şahin",
    ]
    assert sorted(names, key=lambda n: name_key(n, "en"))[:2] == [
        "Çelik",
        "Cem",
    ]  # accents set aside


@given(st.lists(st.text(max_size=12), max_size=8))
def test_name_order_is_total_and_never_fails(names):
    from grants.rules.text import name_key

    for locale in ("en", "tr"):
        ordered = sorted(names, key=lambda n: name_key(n, locale))
        assert sorted(ordered, key=lambda n: name_key(n, locale)) == ordered
