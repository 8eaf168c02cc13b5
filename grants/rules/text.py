"""Folding text for search and for comparing names: Aydin = Aydın = AYDIN = aydın.

`fold` gives the key the database stores next to a name (and the key a query is turned into), so a
substring test on two folded strings matches whatever the case, the Turkish dotted and dotless i, and
the diacritics (Çankaya = Cankaya, Şişli = Sisli, Üsküdar = Uskudar, Göç = Goc). `compact` compares
identities (a legal identifier, a name) whatever their spacing and punctuation.
"""
from __future__ import annotations

import re
import unicodedata

# letters Unicode does not decompose into a base letter and a mark, written as people type them in ASCII
_LETTERS = str.maketrans({
    "ı": "i", "İ": "i", "I": "i",  # Turkish: dotless and dotted i are one letter for search
    "ø": "o", "Ø": "o", "ł": "l", "Ł": "l", "đ": "d", "Đ": "d", "ð": "d", "Ð": "d", "þ": "th", "Þ": "th",
    "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ß": "ss", "ẞ": "ss",
})
_SEPARATORS = re.compile(r"[\W_]+")


def fold(text: str | None) -> str:
    """Lowercase (Turkish-aware), without diacritics, every run of non-letters-or-digits one space, trimmed."""
    if not text:
        return ""
    for _ in range(2):  # lowercasing a few letters gives marks again (U+0130 'İ' -> 'i̇'): a second pass drops them
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
