"""The words of the account pages: the warnings a registration or a profile save gives."""

from __future__ import annotations

from flask import flash
from flask_babel import gettext as _

from grants.auth.choices import country_name
from grants.auth.queries import duplicates_of


def flag_duplicates(name: str, legal_id: str, exclude: int | None = None) -> None:
    """Warn that another organisation already has this name or legal identifier (staff see it
    too)."""
    found = duplicates_of(name, legal_id, exclude=exclude)
    if found:
        flash(
            _(
                "Another organisation is already registered with the same name or legal "
                "identifier: %(names)s. "
                "If it is yours, programme staff will merge your registration into it, and you "
                "will then be a "
                "member of it.",
                names="; ".join(f"{o.name} ({country_name(o.country)})" for o in found),
            ),
            "warning",
        )


def tell_profile_saved(form, changes: dict) -> None:
    """The profile is saved; a change of what staff verified sends the organisation back to them."""
    if changes:
        flash(
            _(
                "The profile is saved. You changed what programme staff verified "
                "(%(fields)s), so they "
                "must verify the organisation again. Until they do, its members cannot "
                "start, edit or "
                "submit applications; staff have been told.",
                fields=", ".join(str(form[field].label.text) for field in changes),
            ),
            "warning",
        )
    else:
        flash(_("The organisation's profile is saved."), "success")
