"""Input of the letters pages."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField
from wtforms.validators import Length

from grants.i18n import lazy_gettext as _l


class PostedForm(FlaskForm):
    post_reference = StringField(
        _l("Registered-mail or KEP number (optional)"),
        [Length(max=200)],
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
    )
    submit = SubmitField(_l("Record as sent"))
