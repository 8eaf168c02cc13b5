"""Turkish is complete: every marked string of the code and templates has a translation
with the same placeholders, and the catalogue compiles."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]")


def _extract(tmp_path: Path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "N_",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as handle:
        return read_po(handle)


def _turkish():
    with (ROOT / "grants/translations/tr/LC_MESSAGES/messages.po").open("rb") as handle:
        return read_po(handle, locale="tr")


def test_every_marked_string_is_translated_to_turkish(tmp_path):
    turkish = _turkish()
    missing = []
    for message in _extract(tmp_path):
        if not message.id:
            continue
        translated = turkish.get(message.id)
        strings = translated.string if translated else None
        if not strings or (isinstance(strings, tuple) and not all(strings)):
            missing.append(message.id)
    assert missing == [], f"untranslated (run `make messages`, then translate): {missing[:10]}"


def test_translations_keep_the_placeholders():
    wrong = []
    for message in _turkish():
        if not message.id:
            continue
        source = message.id[0] if isinstance(message.id, tuple) else message.id
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wrong += [
            source
            for s in strings
            if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(s))
        ]
    assert wrong == []
