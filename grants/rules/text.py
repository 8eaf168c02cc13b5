"""Folding text for search and for comparing names: Aydin = Aydın = AYDIN = aydın.

`fold` gives the key the database stores next to a name (and the key a query is turned into), so a
substring test on two folded strings matches whatever the case, the Turkish dotted and dotless i,
and the diacritics (Çankaya = Cankaya, Şişli = Sisli, Üsküdar = Uskudar, Göç = Goc). `compact`
compares identities (a legal identifier, a name) whatever their spacing and punctuation.
"""

from __future__ import annotations

import re
import unicodedata

# letters Unicode does not decompose into a base letter and a mark, written as people type them in
# ASCII
_LETTERS = str.maketrans(
    {
        "ı": "i",
        "İ": "i",
        "I": "i",  # Turkish: dotless and dotted i are one letter for search
        "ø": "o",
        "Ø": "o",
        "ł": "l",
        "Ł": "l",
        "đ": "d",
        "Đ": "d",
        "ð": "d",
        "Ð": "d",
        "þ": "th",
        "Þ": "th",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "ß": "ss",
        "ẞ": "ss",
    }
)
_SEPARATORS = re.compile(r"[\W_]+")


def fold(text: str | None) -> str:
    """Lowercase (Turkish-aware), without diacritics, every run of non-letters-or-digits one space,
    trimmed."""
    if not text:
        return ""
    for _ in range(
        2
    ):  # lowercasing a few letters gives marks again (U+0130 'İ' -> 'i̇'): a second pass drops them
        decomposed = unicodedata.normalize("NFKD", text.translate(_LETTERS))
        text = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return _SEPARATORS.sub(" ", text.translate(_LETTERS)).strip()


def compact(text: str | None) -> str:
    """The folded text without any space: 'TR 06-123.45' and 'tr0612345' are the same identifier."""
    return fold(text).replace(" ", "")


def in_language(english: str | None, turkish: str | None, locale: object) -> str:
    """A text given in English and Turkish, in the reader's language, else in the other one."""
    first, other = (turkish, english) if str(locale).startswith("tr") else (english, turkish)
    return first or other or ""


# The Turkish alphabet's order (with q, w, x where the Latin alphabet has them): ç after c, ğ after
# g,
# dotless ı before i, ö after o, ş after s, ü after u.
_TURKISH_ORDER = {letter: n for n, letter in enumerate("abcçdefgğhıijklmnoöpqrsştuüvwxyz", start=1)}
_RUNS = re.compile(r"(\d+)")


def _turkish_letters(text: str) -> tuple[int, ...]:
    """Weights of the letters in Turkish order; other letters by their base letter (é as e), marks
    and punctuation as a space."""
    text = text.replace("I", "ı").replace("İ", "i").lower()
    weights = []
    for ch in text:
        if ch in _TURKISH_ORDER:
            weights.append(_TURKISH_ORDER[ch])
            continue
        for base in fold(ch) or " ":
            weights.append(_TURKISH_ORDER.get(base, 0))
    return tuple(weights)


def name_key(text: str | None, locale: object = "en") -> tuple:
    """A sort key for names as people expect them: numbers by their value ('Evaluator 2' before
    'Evaluator 10'); letters without case, in the Turkish alphabet's order for a Turkish reader
    (Cem, Çelik, Demir; Işık before İnce), else without accents (Çelik with the C's)."""
    text = " ".join((text or "").split())
    turkish = str(locale).startswith("tr")
    parts: list[tuple] = []
    for n, run in enumerate(_RUNS.split(text)):
        if n % 2:
            parts.append((0, int(run)))
        elif run:
            parts.append((1, _turkish_letters(run) if turkish else tuple(fold(run))))
    return (tuple(parts), text)
