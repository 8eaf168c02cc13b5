"""The file store: every uploaded, exported and generated file is kept through this one interface.

Three spaces, `uploads()` (applicants' attachments, call documents, the letterhead logo, e-mail
attachments), `exports()` (the files of report jobs) and `documents()` (rendered PDFs kept once
under a key made from what they show: grants/documents.py), each a `Store` of the backend that
STORAGE_BACKEND names:
- "local" (the embedded default; `make run` and the tests): files under UPLOAD_DIR, EXPORT_DIR and
  DOCUMENT_DIR, where they have always been, so an existing installation keeps its files;
- "s3": an S3-compatible object store through boto3 (S3_ENDPOINT_URL, S3_BUCKET, S3_ACCESS_KEY,
  S3_SECRET_KEY, S3_REGION), the spaces as the prefixes `uploads/`, `exports/` and `documents/` of
  one bucket, which is created if missing. Every app server and worker then sees the same files.

A key is a relative path of plain names (`call_documents/<64 hex digits>`); anything else is
refused (ValueError), so no key reaches outside its space. Downloads stream: a file is never read
into memory to be served. What may be uploaded is checked before, by grants/storage.py.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import tempfile
from abc import ABC, abstractmethod
from pathlib import Path
from typing import BinaryIO

from flask import abort, current_app, send_file
from flask.wrappers import Response

BACKENDS = ("local", "s3")
_KEY = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]*(/[A-Za-z0-9_][A-Za-z0-9._-]*)*")
_STORED_NAME = re.compile(r"[0-9a-f]{64}")
CHUNK = 256 * 1024  # bytes read at a time when a download streams


def check_key(key: str) -> str:
    """The key, if it is a relative path of plain names (no '..', no leading '/'); else
    ValueError."""
    if not isinstance(key, str) or len(key) > 500 or not _KEY.fullmatch(key) or ".." in key:
        raise ValueError(f"not a storage key: {key!r}")
    return key


class Store(ABC):
    """One space of files: put, get, open a stream, delete, exists, and a download response."""

    @abstractmethod
    def put(self, key: str, data: bytes) -> None:
        """Keep `data` under `key` (replacing what was there)."""

    @abstractmethod
    def put_file(self, key: str, path: Path) -> None:
        """Keep the local file at `path` under `key`, streamed; the file at `path` is gone after."""

    @abstractmethod
    def open(self, key: str) -> BinaryIO:
        """A readable binary stream of the file (close it); FileNotFoundError if there is none."""

    @abstractmethod
    def delete(self, key: str) -> None:
        """Remove the file; nothing happens if there is none."""

    @abstractmethod
    def exists(self, key: str) -> bool: ...

    @abstractmethod
    def download(
        self,
        key: str,
        *,
        download_name: str,
        mimetype: str | None = None,
        as_attachment: bool = True,
    ) -> Response:
        """The file as a response that streams it; 404 if there is none. Not cached (max-age 0)."""

    def get(self, key: str) -> bytes:
        """The whole file (for small ones: a logo, an e-mail attachment); FileNotFoundError."""
        with self.open(key) as stream:
            return stream.read()


class LocalStore(Store):
    """Files in a folder of the local file system (private: 0700 folders, 0600 files)."""

    def __init__(self, root: str | Path):
        self.root = Path(os.path.abspath(root))  # a relative UPLOAD_DIR: from the working folder

    def path(self, key: str) -> Path:
        return self.root / check_key(key)

    def _target(self, key: str) -> Path:
        target = self.path(key)
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        return target

    def put(self, key: str, data: bytes) -> None:
        target = self._target(key)
        fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".put-")
        try:
            with os.fdopen(fd, "wb") as out:  # mkstemp: mode 0600
                out.write(data)
            os.replace(temporary, target)  # whole or not at all
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def put_file(self, key: str, path: Path) -> None:
        target = self._target(key)
        os.chmod(path, 0o600)
        shutil.move(path, target)  # a rename on the same file system

    def open(self, key: str) -> BinaryIO:
        return open(self.path(key), "rb")

    def delete(self, key: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path(key).unlink()

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def download(self, key, *, download_name, mimetype=None, as_attachment=True) -> Response:
        path = self.path(key)
        if not path.is_file():
            abort(404)
        return send_file(
            path,
            mimetype=mimetype,
            as_attachment=as_attachment,
            download_name=download_name,
            max_age=0,
            conditional=False,
            etag=False,
        )


class S3Store(Store):
    """Objects under `prefix` in an S3 bucket (any S3-compatible server)."""

    def __init__(self, client, bucket: str, prefix: str):
        self.client, self.bucket, self.prefix = client, bucket, prefix

    def name(self, key: str) -> str:
        return self.prefix + check_key(key)

    def put(self, key: str, data: bytes) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self.name(key), Body=data)

    def put_file(self, key: str, path: Path) -> None:
        self.client.upload_file(str(path), self.bucket, self.name(key))  # multipart when large
        Path(path).unlink(missing_ok=True)

    def _get(self, key: str) -> dict:
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self.name(key))
        except self.client.exceptions.NoSuchKey as missing:
            raise FileNotFoundError(key) from missing

    def open(self, key: str) -> BinaryIO:
        return self._get(key)["Body"]

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self.name(key))  # none: no error

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self.name(key))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
                return False
            raise
        return True

    def download(self, key, *, download_name, mimetype=None, as_attachment=True) -> Response:
        try:
            found = self._get(key)
        except FileNotFoundError:
            abort(404)
        response = send_file(  # streams the body as it arrives, CHUNK bytes at a time
            _Chunked(found["Body"]),
            mimetype=mimetype,  # unset: guessed from the name, as for a local file
            as_attachment=as_attachment,
            download_name=download_name,
            max_age=0,
            conditional=False,
            etag=False,
        )
        response.content_length = found["ContentLength"]
        return response


class _Chunked:
    """An S3 body that the WSGI server reads in large chunks (werkzeug's FileWrapper asks for 8 KiB
    at a time)."""

    def __init__(self, body):
        self.body = body

    def read(self, size: int = -1) -> bytes:
        return self.body.read(max(size, CHUNK) if size and size > 0 else None)

    def close(self) -> None:
        self.body.close()


# The spaces of the app ----------------------------------------------------------------------------


def uploads() -> Store:
    """The space of uploaded and kept files (UPLOAD_DIR, or `uploads/` in the bucket)."""
    return _store("UPLOAD_DIR", "uploads/")


def exports() -> Store:
    """The space of the report jobs' files (EXPORT_DIR, or `exports/` in the bucket)."""
    return _store("EXPORT_DIR", "exports/")


def documents() -> Store:
    """The space of the rendered documents (DOCUMENT_DIR, or `documents/` in the bucket)."""
    return _store("DOCUMENT_DIR", "documents/")


def _store(folder_setting: str, prefix: str) -> Store:
    config = current_app.config
    backend = config.get("STORAGE_BACKEND") or "local"
    if backend == "local":
        return LocalStore(config[folder_setting])
    if backend == "s3":
        client, bucket = _s3(current_app)
        return S3Store(client, bucket, prefix)
    raise RuntimeError(f"STORAGE_BACKEND must be one of {', '.join(BACKENDS)}, not {backend!r}")


def _s3(app) -> tuple[object, str]:
    """The app's S3 client and bucket, made once per settings (the bucket created if missing)."""
    settings = tuple(
        app.config.get(name) or None
        for name in ("S3_ENDPOINT_URL", "S3_BUCKET", "S3_ACCESS_KEY", "S3_SECRET_KEY", "S3_REGION")
    )
    made = app.extensions.get("files_s3")
    if made is None or made[0] != settings:
        made = app.extensions["files_s3"] = (settings, s3_client(*settings))
    return made[1], settings[1]


def s3_client(endpoint_url, bucket, access_key, secret_key, region):
    """A boto3 S3 client for the settings, and the bucket made if it does not exist."""
    import boto3
    from botocore.config import Config
    from botocore.exceptions import ClientError

    if not bucket:
        raise RuntimeError("STORAGE_BACKEND=s3 needs S3_BUCKET")
    client = boto3.client(
        "s3",
        endpoint_url=endpoint_url,
        region_name=region or "us-east-1",
        aws_access_key_id=access_key,
        aws_secret_access_key=secret_key,
        config=Config(
            # S3-compatible servers answer on one host name, the bucket in the path
            s3={"addressing_style": "path" if endpoint_url else "auto"},
            # checksums only where S3 requires them: not every S3-compatible server takes AWS's
            # newer default ones
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
            connect_timeout=5,
            read_timeout=60,
            retries={"max_attempts": 3, "mode": "standard"},
        ),
    )
    try:
        client.head_bucket(Bucket=bucket)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") not in {"404", "NoSuchBucket", "NotFound"}:
            raise
        options = {}
        if region and region != "us-east-1":
            options["CreateBucketConfiguration"] = {"LocationConstraint": region}
        with contextlib.suppress(
            client.exceptions.BucketAlreadyOwnedByYou
        ):  # another process made it meanwhile
            client.create_bucket(Bucket=bucket, **options)
    return client


# Uploads: random names, in folders of the space ---------------------------------------------------


def upload_key(stored: str, folder: str = "") -> str:
    """The key of a stored upload: `folder/` and the 64 hex digits `save` gave it; else
    ValueError."""
    if not _STORED_NAME.fullmatch(stored or ""):
        raise ValueError("not a stored file name")
    return f"{folder}/{stored}" if folder else stored


def save(data: bytes, folder: str = "") -> str:
    """Keep the bytes in the uploads space under a new random name in `folder`; that name."""
    stored = secrets.token_hex(32)
    uploads().put(upload_key(stored, folder), data)
    return stored


def remove(stored: str, folder: str = "") -> None:
    """Remove a stored upload (missing: nothing). A job: deferred until the commit that forgets it,
    so a rolled-back request never loses a file."""
    uploads().delete(upload_key(stored, folder))


def remove_export(key: str) -> None:
    """Remove a report job's file (missing: nothing)."""
    exports().delete(key)
