"""Uploaded files: type checked by content, programs and test viruses refused, before they are kept.

Nothing here trusts the file's name or the browser's content type. An accepted file is kept by
grants/files.py (the file store) under a random name; its original name is kept, cleaned, for
display only.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile

from grants.i18n import file_size
from grants.rules.problems import N_, Refused

EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
PROGRAM_HEADERS = (
    b"MZ",  # Windows PE
    b"\x7fELF",  # Linux ELF
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",  # Mach-O
    b"\xca\xfe\xba\xbe",  # Mach-O universal binary
    b"#!",  # script
)
OOXML_TYPES = {
    b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "DOCX",
    ),
    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "XLSX",
    ),
}
ODT = b"application/vnd.oasis.opendocument.text"
MANIFEST_LIMIT = 256 * 1024  # never inflate more than this of an office file's manifest
NAME_LIMIT = 120
PDF = "application/pdf"
ALL_TYPES = (PDF, "image/png", "image/jpeg", *(t for t, _ in OOXML_TYPES.values()), ODT.decode())
TYPE_NAMES = {
    PDF: "PDF",
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    ODT.decode(): "ODT",
    **{t: name for t, name in OOXML_TYPES.values()},
}
EXTENSIONS = {
    PDF: "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    ODT.decode(): "odt",
    **{t: name.lower() for t, name in OOXML_TYPES.values()},
}
# an office file is a ZIP: what it may hold before it is taken for a zip bomb (L1)
ZIP_MEMBERS = 2000
ZIP_TOTAL = 100 * 1024 * 1024  # inflated bytes, all members together
ZIP_RATIO = 200  # inflated / compressed, per member larger than 1 MB inflated
PDF_ACTIONS = ("/JavaScript", "/JS", "/Launch", "/OpenAction", "/AA", "/EmbeddedFile", "/RichMedia")
PDF_ACTION_NAME = re.compile(
    rb"/(JavaScript|JS|Launch|OpenAction|AA|EmbeddedFile|RichMedia)(?=[\s()<>\[\]{}/%])"
)


class UploadRefused(Refused):
    """A refused upload: an English message marked for translation, and its parameters; on the file
    field."""

    field = "file"


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
                return next(
                    (t for marker, (t, _) in OOXML_TYPES.items() if marker in manifest), None
                )
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError):
        return None
    return None


def _read(archive: zipfile.ZipFile, name: str) -> bytes:
    if archive.getinfo(name).file_size > MANIFEST_LIMIT:
        raise ValueError("manifest too large")
    with archive.open(name) as member:
        return member.read(MANIFEST_LIMIT)


def check_content(data: bytes, allowed: tuple[str, ...]) -> str:
    """The file's real content type if it is allowed; else UploadRefused with a message for the
    user."""
    if not data:
        raise UploadRefused(N_("The selected file is empty."))
    if EICAR in data:
        raise UploadRefused(
            N_("The file contains a virus signature (the EICAR test file) and was refused.")
        )
    if data.startswith(PROGRAM_HEADERS):
        raise UploadRefused(
            N_("The file is a program or a script, not a document, and was refused.")
        )
    found = detect_type(data)
    if found not in allowed:
        types = ", ".join(TYPE_NAMES[t] for t in allowed)
        raise UploadRefused(
            N_("The file's content is not an accepted type (%(types)s), whatever its name says."),
            types=types,
        )
    if data.startswith(b"PK\x03\x04"):
        _check_container(data)
    elif found == PDF:
        _check_pdf(data)
    return found


def _check_container(data: bytes) -> None:
    """Every member of an office file, inflated within limits: no program, no test virus, no zip
    bomb."""
    bomb = UploadRefused(
        N_("The file is compressed far beyond what a document needs (a zip bomb?) and was refused.")
    )
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = archive.infolist()
        if len(members) > ZIP_MEMBERS or sum(m.file_size for m in members) > ZIP_TOTAL:
            raise bomb
        for member in members:
            if member.file_size > 1024 * 1024 and member.file_size > ZIP_RATIO * max(
                member.compress_size, 1
            ):
                raise bomb
            with archive.open(member) as stream:
                content = stream.read(ZIP_TOTAL + 1)
            if len(content) > member.file_size:  # a header that lies about the size
                raise bomb
            if content.startswith(PROGRAM_HEADERS) or member.filename.lower().endswith(
                (".exe", ".dll", ".scr")
            ):
                raise UploadRefused(
                    N_("The file holds a program or macros, not only a document, and was refused.")
                )
            if EICAR in content:
                raise UploadRefused(
                    N_("The file contains a virus signature (the EICAR test file) and was refused.")
                )


def _check_pdf(data: bytes) -> None:
    """No script, launch or open action and no embedded file in a PDF, compressed object streams
    included."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError
    from pypdf.generic import IndirectObject

    refused = UploadRefused(
        N_(
            "The PDF contains a script, an action that opens or launches something, or an "
            "embedded file, and was refused. Save it again as a plain PDF (print to PDF)."
        )
    )
    unescaped = re.sub(
        rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), data
    )  # /Open#41ction
    if PDF_ACTION_NAME.search(unescaped):  # plain objects, even in a file too broken to parse
        raise refused
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        numbers = {n for table in reader.xref.values() for n in table} | set(reader.xref_objStm)
        for number in numbers:  # objects inside compressed object streams too
            found = reader.get_object(IndirectObject(number, 0, reader))
            if hasattr(found, "keys") and (
                set(found.keys()) & set(PDF_ACTIONS)
                or found.get("/S") in {"/JavaScript", "/Launch"}
            ):
                raise refused
    except (PdfReadError, ValueError, KeyError, TypeError, RecursionError):
        return  # a PDF pypdf cannot walk is judged on its plain bytes above; readers show it or not


def download_name(original: str, content_type: str) -> str:
    """The name a stored file is served under: the uploader's name with the extension of its real
    type ('annex.docx' that is a PDF is served as 'annex.pdf')."""
    stem, dot, extension = original.rpartition(".")
    if not dot or not stem or len(extension) > 5:
        stem = original
    return f"{stem}.{EXTENSIONS.get(content_type, 'bin')}"


def read_limited(stream, limit: int) -> bytes:
    """At most `limit` bytes of an upload; UploadRefused if there are more."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise UploadRefused(
            N_("The file is larger than the limit of %(size)s."), size=human_size(limit)
        )
    return data


human_size = file_size


def display_name(name: str | None) -> str:
    """The original name for display: path parts, control and odd characters removed, length
    limited."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    name = re.sub(r"\s+", " ", name).strip(" .")
    if len(name) > NAME_LIMIT:
        stem, dot, ext = name.rpartition(".")
        keep = ext if dot and len(ext) <= 10 else ""
        name = name[: NAME_LIMIT - len(keep) - 1].rstrip() + ("." + keep if keep else "")
    return name or "attachment"
