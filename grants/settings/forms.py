"""The letter settings form (input only; grants.settings.services checks the logo and saves)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from grants.i18n import lazy_gettext as _l


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def _text(label, required: bool = True, limit: int = 300, area: bool = False):
    checks = [DataRequired(_l("Enter a value."))] if required else []
    kind = TextAreaField if area else StringField
    return kind(label, [*checks, Length(max=limit)], filters=[_strip])


class LetterSettingsForm(FlaskForm):
    name_en = _text(_l("Name of the contracting authority, in English"))
    name_tr = _text(_l("Name of the contracting authority, in Turkish"))
    address = _text(_l("Postal address"), limit=1000, area=True)
    logo = FileField(_l("Logo (PNG or JPEG)"))
    remove_logo = BooleanField(_l("Remove the logo"))
    signatory_name = _text(_l("Name of the signatory"), limit=200)
    signatory_title_en = _text(_l("Title of the signatory, in English"))
    signatory_title_tr = _text(_l("Title of the signatory, in Turkish"))
    complaints_body_en = _text(_l("Body that receives complaints, in English"), required=False)
    complaints_body_tr = _text(_l("Body that receives complaints, in Turkish"), required=False)
    complaints_address = _text(_l("Address for complaints"), required=False, limit=1000, area=True)
    save = SubmitField(_l("Save the letter settings"))

    TEXT_FIELDS = (
        "name_en",
        "name_tr",
        "address",
        "signatory_name",
        "signatory_title_en",
        "signatory_title_tr",
        "complaints_body_en",
        "complaints_body_tr",
        "complaints_address",
    )
