"""The file store's interface (grants/files.py) on both backends: put, get, open a stream, delete,
exists, keep a local file, a streaming download; keys that would leave the space refused; the app's
three spaces on the backend its configuration names, and a rendered document kept there once."""

from __future__ import annotations

import os
import secrets
import stat

import pytest
from werkzeug.exceptions import NotFound

from grants import documents, files

BIG = 12 * 1024 * 1024  # above boto3's multipart threshold (8 MB): uploaded in parts


def test_a_file_goes_in_comes_back_and_goes(store):
    assert not store.exists("a/b.txt")
    store.put("a/b.txt", b"first")
    store.put("a/b.txt", b"second")  # replaces
    assert store.exists("a/b.txt") and store.get("a/b.txt") == b"second"
    store.delete("a/b.txt")
    assert not store.exists("a/b.txt")
    store.delete("a/b.txt")  # gone already: nothing happens
    with pytest.raises(FileNotFoundError):
        store.get("a/b.txt")
    with pytest.raises(FileNotFoundError):
        store.open("a/b.txt")


def test_a_stream_reads_the_file_piece_by_piece(store):
    data = os.urandom(300_000)
    store.put("stream.bin", data)
    with store.open("stream.bin") as stream:
        first = stream.read(1000)
        rest = stream.read()
    assert (first, rest) == (data[:1000], data[1000:])


def test_a_local_file_is_kept_and_its_copy_left_behind_is_gone(store, tmp_path):
    data = os.urandom(BIG)
    path = tmp_path / "built.zip"
    path.write_bytes(data)
    store.put_file("exports/1-built.zip", path)
    assert not path.exists()
    assert store.get("exports/1-built.zip") == data


@pytest.mark.parametrize(
    "key", ["../secret", "/etc/passwd", "a/../../b", "a//b", "", "a/", ".hidden/x", "a\\b", "ü"]
)
def test_no_key_leaves_its_space(store, key):
    for action in (store.exists, store.get, store.delete, lambda k: store.put(k, b"x")):
        with pytest.raises(ValueError):
            action(key)


def test_stored_upload_names_are_64_hex_digits():
    name = "ab" * 32
    assert files.upload_key(name) == name
    assert files.upload_key(name, "letterhead") == f"letterhead/{name}"
    for wrong in ("../" + "a" * 61, "A" * 64, "a" * 63, ""):
        with pytest.raises(ValueError):
            files.upload_key(wrong)


def test_a_download_streams_with_its_name_and_length(store, app):
    data = os.urandom(BIG)
    store.put("report.xlsx", data)
    with app.test_request_context():
        response = store.download(
            "report.xlsx", download_name="Değerlendirme raporu.xlsx", mimetype="text/plain"
        )
        assert response.status_code == 200 and response.content_length == BIG
        assert response.mimetype == "text/plain"
        disposition = response.headers["Content-Disposition"]
        assert disposition.startswith("attachment;") and "filename*=UTF-8''De%C4%9F" in disposition
        assert "no-cache" in response.headers["Cache-Control"]
        chunks = iter(response.response)  # read by the server piece by piece, never whole
        first = next(chunks)
        assert 0 < len(first) < BIG
        assert first + b"".join(chunks) == data
        response.close()


def test_a_missing_file_downloads_as_not_found(store, app):
    with app.test_request_context(), pytest.raises(NotFound):
        store.download("gone.pdf", download_name="gone.pdf")


def test_a_local_store_keeps_its_files_private(tmp_path):
    store = files.LocalStore(tmp_path / "store")
    store.put("outbox/letter", b"%PDF-")
    assert stat.S_IMODE((tmp_path / "store" / "outbox" / "letter").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "store" / "outbox").stat().st_mode) == 0o700
    assert sorted(p.name for p in (tmp_path / "store" / "outbox").iterdir()) == ["letter"]


def test_an_s3_store_keeps_its_files_under_its_prefix_in_the_bucket(s3, s3_settings):
    prefix = f"tests/{secrets.token_hex(8)}/"
    files.S3Store(s3, s3_settings["S3_BUCKET"], prefix).put("a/b", b"data")
    listed = s3.list_objects_v2(Bucket=s3_settings["S3_BUCKET"], Prefix=prefix)
    assert [item["Key"] for item in listed["Contents"]] == [prefix + "a/b"]


def test_a_missing_bucket_is_made(s3_settings):
    bucket = f"twin-made-{secrets.token_hex(6)}"
    settings = {**s3_settings, "S3_BUCKET": bucket}
    client = files.s3_client(*settings.values())
    client.head_bucket(Bucket=bucket)  # raises if it does not exist
    files.s3_client(*settings.values())  # and a second process finds it made
    client.delete_bucket(Bucket=bucket)


def test_the_apps_spaces_are_on_the_configured_backend(app_on, app, tmp_path):
    with app.app_context():
        uploads, exports, kept = files.uploads(), files.exports(), files.documents()
        uploads.put("letterhead/logo", b"logo")
        exports.put("1-report.pdf", b"report")
        kept.put("summary/1.pdf", b"summary")
        assert (uploads.get("letterhead/logo"), exports.get("1-report.pdf")) == (b"logo", b"report")
        assert not uploads.exists("1-report.pdf") and not exports.exists("letterhead/logo")
        assert kept.get("summary/1.pdf") == b"summary" and not exports.exists("summary/1.pdf")
        on_disk = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
        if app_on == "local":
            assert on_disk == [
                "documents/summary/1.pdf",
                "exports/1-report.pdf",
                "uploads/letterhead/logo",
            ]
        else:
            assert on_disk == [] and (uploads.prefix, exports.prefix) == ("uploads/", "exports/")
            assert kept.prefix == "documents/"
            assert uploads.client is exports.client is kept.client  # one client per settings


def test_a_rendered_document_is_kept_once_on_the_configured_backend(app_on, app):
    made: list[bytes] = []

    def render() -> bytes:
        made.append(b"%PDF-1.7 " + secrets.token_bytes(8))
        return made[-1]

    with app.app_context():
        data = {"reference": f"S3-{secrets.token_hex(4)}"}
        first = documents.stored_pdf("summary", data, "tr", render)
        assert documents.stored_pdf("summary", data, "tr", render) == first == made[0]
        assert not documents.prerender("summary", data, "tr", render) and len(made) == 1
        assert documents.prerender("summary", data, "en", render) and len(made) == 2
        key = documents.document_key("summary", data, "tr")
        assert files.documents().get(key) == first


def test_an_unknown_backend_is_refused(app, monkeypatch):
    monkeypatch.setitem(app.config, "STORAGE_BACKEND", "ftp")
    with app.app_context(), pytest.raises(RuntimeError, match="STORAGE_BACKEND"):
        files.uploads()
