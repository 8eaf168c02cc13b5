"""The staff form of the evaluation progress page (input only; the rules live in grants.evaluation.progress)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField
from wtforms.validators import Optional

from grants.calls.forms import TIME_FORMATS
from grants.i18n import lazy_gettext as _l


class DueDateForm(FlaskForm):
    due_at = DateTimeLocalField(_l("Evaluations due by"), [Optional()], format=TIME_FORMATS)
