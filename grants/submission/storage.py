"""Uploaded files: type checked by content, programs and test viruses refused, stored under random names.

Nothing here trusts the file's name or the browser's content type. A file is stored as
`<UPLOAD_DIR>/<64 random hex digits>`; its original name is kept, cleaned, for display only.
"""
from __future__ import annotations

import contextlib
import io
import os
import re
import secrets
import unicodedata
import zipfile

from grants.calls.validation import N_
from grants.i18n import file_size

EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
PROGRAM_HEADERS = (
    b"MZ",  # Windows PE
    b"\x7fELF",  # Linux ELF
    b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe",  # Mach-O
    b"\xca\xfe\xba\xbe",  # Mach-O universal binary
    b"#!",  # script
)
OOXML_TYPES = {
    b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml":
        ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "DOCX"),
    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml":
        ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX"),
}
ODT = b"application/vnd.oasis.opendocument.text"
MANIFEST_LIMIT = 256 * 1024  # never inflate more than this of an office file's manifest
NAME_LIMIT = 120
PDF = "application/pdf"
ALL_TYPES = (PDF, "image/png", "image/jpeg", *(t for t, _ in OOXML_TYPES.values()), ODT.decode())
TYPE_NAMES = {PDF: "PDF", "image/png": "PNG", "image/jpeg": "JPEG", ODT.decode(): "ODT",
              **{t: name for t, name in OOXML_TYPES.values()}}


class UploadRefused(Exception):
    """A refused upload: an English message marked for translation, and its parameters."""

    def __init__(self, message: str, params: dict | None = None) -> None:
        super().__init__(message)
        self.message, self.params = message, params or {}


def detect_type(data: bytes) -> str | None:
    """The content type the bytes really are, among the accepted ones; None for anything else."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"PK\x03\x04"):
        return _office_type(data)
    return None


def _office_type(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                return ODT.decode() if _read(archive, "mimetype").strip() == ODT else None
            if "[Content_Types].xml" in names:
                manifest = _read(archive, "[Content_Types].xml")
                return next((t for marker, (t, _) in OOXML_TYPES.items() if marker in manifest), None)
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError):
        return None
    return None


def _read(archive: zipfile.ZipFile, name: str) -> bytes:
    if archive.getinfo(name).file_size > MANIFEST_LIMIT:
        raise ValueError("manifest too large")
    with archive.open(name) as member:
        return member.read(MANIFEST_LIMIT)


def check_content(data: bytes, allowed: tuple[str, ...]) -> str:
    """The file's real content type if it is allowed; else UploadRefused with a message for the user."""
    if not data:
        raise UploadRefused(N_("The selected file is empty."))
    if EICAR in data:
        raise UploadRefused(N_("The file contains a virus signature (the EICAR test file) and was refused."))
    if data.startswith(PROGRAM_HEADERS):
        raise UploadRefused(N_("The file is a program or a script, not a document, and was refused."))
    found = detect_type(data)
    if found not in allowed:
        types = ", ".join(TYPE_NAMES[t] for t in allowed)
        raise UploadRefused(N_("The file's content is not an accepted type (%(types)s), whatever its name says."),
                            {"types": types})
    return found


def read_limited(stream, limit: int) -> bytes:
    """At most `limit` bytes of an upload; UploadRefused if there are more."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise UploadRefused(N_("The file is larger than the limit of %(size)s."), {"size": human_size(limit)})
    return data


human_size = file_size


def display_name(name: str | None) -> str:
    """The original name for display: path parts, control and odd characters removed, length limited."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    name = re.sub(r"\s+", " ", name).strip(" .")
    if len(name) > NAME_LIMIT:
        stem, dot, ext = name.rpartition(".")
        keep = ext if dot and len(ext) <= 10 else ""
        name = name[: NAME_LIMIT - len(keep) - 1].rstrip() + ("." + keep if keep else "")
    return name or "attachment"


def save(data: bytes, upload_dir: str) -> str:
    """Write the bytes under a new random name in `upload_dir`; return that name."""
    os.makedirs(upload_dir, mode=0o700, exist_ok=True)
    stored = secrets.token_hex(32)
    fd = os.open(os.path.join(upload_dir, stored), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    return stored


def path_for(upload_dir: str, stored: str) -> str:
    if not re.fullmatch(r"[0-9a-f]{64}", stored):
        raise ValueError("not a stored file name")
    return os.path.join(upload_dir, stored)


def remove(upload_dir: str, stored: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.remove(path_for(upload_dir, stored))
