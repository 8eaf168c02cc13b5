"""The words of the account pages: the warnings a registration or a profile save gives."""

from __future__ import annotations

from flask import flash
from flask_babel import gettext as _

from grants.auth.choices import country_name
from grants.auth.forms import ReminderChoicesForm
from grants.auth.queries import duplicates_of, kinds_for, turned_off


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


def reminder_form(user, formdata) -> ReminderChoicesForm:
    """The user's reminder kinds (docs/domain.md 8), ticked unless turned off."""
    kinds = kinds_for(user)
    off = turned_off(user)
    wanted = [k.code for k in kinds if k.code not in off]
    form = ReminderChoicesForm(formdata=formdata, data={"send": wanted})
    form.send.choices = [(k.code, _(k.label)) for k in kinds]
    return form
