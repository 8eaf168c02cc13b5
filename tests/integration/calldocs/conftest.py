"""Fixtures of the call documents, clarifications and corrigenda tests."""

from __future__ import annotations

import pytest

from tests.factories.calldocs import NOW


@pytest.fixture
def clock(fixed_now):
    """The application's clock (grants/clock.py) fixed at NOW, movable: clock.now = ..."""

    class Clock:
        now = NOW

    fixed = Clock()
    fixed_now(lambda: fixed.now)
    return fixed


@pytest.fixture
def uploads(app, tmp_path, monkeypatch):
    """The call documents' folder, on the local backend (the tests look at the files)."""
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path / "files"))
    monkeypatch.setitem(app.config, "STORAGE_BACKEND", "local")
    return tmp_path / "files" / "call_documents"
