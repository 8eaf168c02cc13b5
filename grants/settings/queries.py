"""The contracting authority's letter settings as read: the row, what a letter still needs, the
letterhead the letters issued now carry, the stored logo."""

from __future__ import annotations

from grants import files
from grants.extensions import db
from grants.i18n import lazy_gettext as _l
from grants.models import Authority
from reports.letters import Letterhead

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


LOGO_FOLDER = "letterhead"  # of the uploads space (grants/files.py)


def logo_bytes(stored: str | None) -> bytes | None:
    """A stored logo's bytes; None when there is none (or its file is gone)."""
    if not stored:
        return None
    try:
        return files.uploads().get(files.upload_key(stored, LOGO_FOLDER))
    except (OSError, ValueError):
        return None
