"""The contracting authority's letter settings: read, check the logo, save, audit.

One row (id 1). Every letter issued keeps a copy of what these settings said then (its letterhead),
so changing them later never changes a letter already sent. A logo is stored under a new random
name each time and never deleted, since the letters issued with it still show it.
"""

from __future__ import annotations

from pathlib import Path

from flask import current_app
from sqlalchemy.exc import IntegrityError

from grants import storage
from grants.audit import record, snapshot
from grants.extensions import db
from grants.i18n import lazy_gettext as _l
from grants.models import Authority
from grants.rules.problems import Refused
from reports.letters import Letterhead

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
# what a letter cannot go without, named as the settings page names it
REQUIRED = {
    "name_en": _l("Name of the contracting authority, in English"),
    "name_tr": _l("Name of the contracting authority, in Turkish"),
    "address": _l("Postal address"),
    "signatory_name": _l("Name of the signatory"),
    "signatory_title_en": _l("Title of the signatory, in English"),
    "signatory_title_tr": _l("Title of the signatory, in Turkish"),
}


def authority() -> Authority | None:
    return db.session.get(Authority, 1)


def missing(row: Authority | None = None) -> list[str]:
    """The names of the settings a letter needs that are not given yet (all of them before the first
    save)."""
    row = row if row is not None else authority()
    return [
        str(label)
        for name, label in REQUIRED.items()
        if row is None or not getattr(row, name).strip()
    ]


def letterhead(row: Authority | None = None) -> Letterhead:
    """What the letters issued now say of their sender (empty parts when nothing is set yet)."""
    row = row if row is not None else authority()
    if row is None:
        return Letterhead()
    return Letterhead(
        name={"en": row.name_en, "tr": row.name_tr},
        address=row.address,
        logo_file=row.logo_file,
        logo_type=row.logo_type,
        signatory_name=row.signatory_name,
        signatory_title={"en": row.signatory_title_en, "tr": row.signatory_title_tr},
        complaints_body={"en": row.complaints_body_en, "tr": row.complaints_body_tr},
        complaints_address=row.complaints_address,
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
        row.logo_file, row.logo_type = storage.save(logo, str(logo_dir())), logo_type
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


def logo_dir() -> Path:
    return Path(current_app.config["UPLOAD_DIR"]) / "letterhead"


def logo_bytes(stored: str | None) -> bytes | None:
    """A stored logo's bytes; None when there is none (or its file is gone)."""
    if not stored:
        return None
    try:
        return Path(storage.path_for(str(logo_dir()), stored)).read_bytes()
    except (OSError, ValueError):
        return None


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
