"""Export request forms: CSRF only, plus the document's language for the kinds that offer one."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField
from wtforms.validators import InputRequired

from grants.i18n import LANGUAGE_NAMES
from grants.i18n import lazy_gettext as _l


class RequestForm(FlaskForm):
    class Meta:
        csrf = False  # CSRFProtect checks every POST's token; several of these forms share one page


class LanguageForm(RequestForm):
    language = SelectField(
        _l("Language of the document"),
        choices=[SelectChoice("", _l("Choose…"))]  # a required select starts empty (HTML)
        + [SelectChoice(code, name) for code, name in LANGUAGE_NAMES.items()],
        validators=[InputRequired(_l("Choose the language of the document."))],
    )
