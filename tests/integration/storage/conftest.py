"""Fixtures of the file store tests: each runs on both backends, the local file system and S3.

S3 is the server that S3_ENDPOINT_URL names (CI: SeaweedFS on loopback, started by .ci/run), with
S3_BUCKET (default twin-grants-test), S3_ACCESS_KEY, S3_SECRET_KEY and S3_REGION; without
S3_ENDPOINT_URL the S3 half is skipped, and under REQUIRE_SERVICES=1 it fails instead.
"""

from __future__ import annotations

import os
import secrets

import pytest

from grants import files
from tests.conftest import service_missing

BACKENDS = ["local", "s3"]


@pytest.fixture(scope="session")
def s3_settings() -> dict[str, str | None]:
    """The S3 server's settings, as the app's configuration names them."""
    if not os.environ.get("S3_ENDPOINT_URL"):
        service_missing("S3 (S3_ENDPOINT_URL)")
    return {
        "S3_ENDPOINT_URL": os.environ["S3_ENDPOINT_URL"],
        "S3_BUCKET": os.environ.get("S3_BUCKET") or "twin-grants-test",
        "S3_ACCESS_KEY": os.environ.get("S3_ACCESS_KEY"),
        "S3_SECRET_KEY": os.environ.get("S3_SECRET_KEY"),
        "S3_REGION": os.environ.get("S3_REGION"),
    }


@pytest.fixture(scope="session")
def s3(s3_settings):
    """A boto3 client of the S3 server (its bucket made if missing), to look behind the store."""
    return files.s3_client(*s3_settings.values())


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def store(backend, tmp_path, request) -> files.Store:
    """An empty store of the backend: a fresh folder, or a fresh prefix of the bucket."""
    if backend == "local":
        return files.LocalStore(tmp_path / "store")
    settings = request.getfixturevalue("s3_settings")
    client = request.getfixturevalue("s3")
    return files.S3Store(client, settings["S3_BUCKET"], f"tests/{secrets.token_hex(8)}/")


@pytest.fixture
def app_on(backend, app, tmp_path, monkeypatch, request) -> str:
    """The app's file store on the backend, its local folders fresh for the test."""
    monkeypatch.setitem(app.config, "STORAGE_BACKEND", backend)
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path / "uploads"))
    monkeypatch.setitem(app.config, "EXPORT_DIR", str(tmp_path / "exports"))
    monkeypatch.setitem(app.config, "DOCUMENT_DIR", str(tmp_path / "documents"))
    if backend == "s3":
        for name, value in request.getfixturevalue("s3_settings").items():
            monkeypatch.setitem(app.config, name, value)
    return backend
