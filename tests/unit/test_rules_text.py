import pytest
from hypothesis import given
from hypothesis import strategies as st

from grants.rules.text import compact, fold


@pytest.mark.parametrize(("typed", "stored"), [
    ("Aydin", "Aydın"), ("AYDIN", "Aydın"), ("aydın", "AYDIN"), ("Balikesir", "BALIKESİR"),
    ("balıkesir", "Balikesir"), ("Cankaya", "Çankaya"), ("Sisli", "Şişli"), ("SISLI", "ŞİŞLİ"), ("Goc", "Göç"),
    ("Uskudar", "Üsküdar"), ("istanbul", "İSTANBUL"), ("Esslingen", "Eßlingen"), ("Koln", "Köln"),
])
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
