"""The contracting authority's letter settings: check the logo, save, audit (reads: queries.py).

One row (id 1). Every letter issued keeps a copy of what these settings said then (its letterhead),
so changing them later never changes a letter already sent. A logo is stored under a new random
name each time and never deleted, since the letters issued with it still show it.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from grants import files, storage
from grants.audit import record, snapshot
from grants.extensions import db
from grants.models import Authority
from grants.rules.problems import Refused
from grants.settings.queries import LOGO_FOLDER, authority

LOGO_TYPES = ("image/png", "image/jpeg")
LOGO_MAX_BYTES = 1024 * 1024
FIELDS = (
    "name_en",
    "name_tr",
    "address",
    "signatory_name",
    "signatory_title_en",
    "signatory_title_tr",
    "complaints_body_en",
    "complaints_body_tr",
    "complaints_address",
    "logo_file",
)


def _row() -> Authority:
    row = authority()
    if row is None:
        try:
            with (
                db.session.begin_nested()
            ):  # two first saves at once: the second finds the first's row
                db.session.add(Authority(id=1))
        except IntegrityError:
            pass
        row = authority()
    return row


class LogoRefused(Refused):
    """The logo is too large or not a PNG or JPEG image (by its content)."""

    field = "logo"


def save(values: dict[str, str], logo: bytes | None, remove_logo: bool, user_id: int) -> Authority:
    """Store the settings (and the logo, checked by content); LogoRefused for a bad logo."""
    logo_type = _checked(lambda: storage.check_content(logo, LOGO_TYPES)) if logo else None
    row = _row()
    before = snapshot(row, list(FIELDS))
    for name, value in values.items():
        setattr(row, name, value or "")
    if logo:
        row.logo_file, row.logo_type = files.save(logo, LOGO_FOLDER), logo_type
    elif remove_logo:
        row.logo_file, row.logo_type = None, None
    row.updated_by_id = user_id
    db.session.flush()
    record(
        "settings.letters_changed",
        row,
        before=before,
        after=snapshot(row, list(FIELDS)),
        user_id=user_id,
    )
    return row


def logo_limit() -> str:
    return storage.human_size(LOGO_MAX_BYTES)


def read_logo(stream) -> bytes:
    """The uploaded logo's bytes (LogoRefused beyond LOGO_MAX_BYTES)."""
    return _checked(lambda: storage.read_limited(stream, LOGO_MAX_BYTES))


def _checked(check):
    try:
        return check()
    except storage.UploadRefused as refused:
        raise LogoRefused(refused.message, **refused.params) from None
