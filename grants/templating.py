"""Every Jinja filter and global of the pages and e-mails, registered once by the app factory
(grants/__init__.py).

The documents (reports/) are rendered with the environment they are given: the app's, with these
filters, or one of their own (reports/receipt.py).
"""

from __future__ import annotations

from flask import Flask
from flask_babel import get_locale

from grants import clock, labels
from grants.admin.forms import role_label
from grants.admissibility.presenters import lead_requests
from grants.applications.budget import saved_line_total
from grants.auth.choices import country_name, organisation_type_label
from grants.awards import presenters as awards
from grants.calldocs import queries as calldocs_queries
from grants.calldocs.presenters import document_label, language_label
from grants.calls.presenters import countries, org_types, rate_percent, time_left
from grants.contracts import presenters as contracts
from grants.exports.presenters import export_status
from grants.i18n import LANGUAGE_NAMES, file_size, issue_text, local_time, localized, money, number
from grants.partners.presenters import describe_change
from grants.payments import presenters as payments
from grants.submission.presenters import submission_view
from grants.submission.queries import submission_state as state_of

FILTERS = {
    # numbers, money and times, for the reader's locale (and a call's zone)
    "money": money,
    "number": number,
    "local_time": local_time,
    "file_size": file_size,
    "localized": localized,
    "points": awards.points,
    "local_date": awards.local_date,
    "long_date": awards.long_date,
    "rate_percent": rate_percent,
    "time_left": time_left,
    # names of statuses and kinds (grants/labels.py and the features' own)
    **labels.FILTERS,
    "call_status": labels.call_status,
    "outcome": labels.application_status,
    "stage_label": labels.stage_name,
    "export_status": export_status,
    "role_label": role_label,
    "country_name": country_name,
    "organisation_type": organisation_type_label,
    "org_types": org_types,
    "countries": countries,
    # budget
    "line_total": saved_line_total,
    # refusals and problems, in the reader's language
    "issue_text": issue_text,
    # grants and their contracts
    **contracts.FILTERS,
    # call documents
    "document_label": document_label,
    "document_language": language_label,
}


def submission_state(application, stage) -> str | None:
    """'reopened', 'lapsed' (reopened and not submitted again before the deadline) or None, for the
    pages."""
    state = state_of(application, stage, clock.now())
    return state.value if state else None


GLOBALS = {
    "describe_change": describe_change,
    "submission_state": submission_state,
    "submission_view": submission_view,  # the application pages' submission part
    "call_documents": calldocs_queries.documents_of,
    "call_corrigenda": calldocs_queries.corrigenda_of,
    "call_document_versions": calldocs_queries.public_versions,
    "clarification_windows": calldocs_queries.windows,
    "attachment_templates": calldocs_queries.attachment_templates,
    "document_requests": lead_requests,  # the lead's page: documents asked at the check
    # a grant's payment schedule and payments
    "item_kinds": payments.ITEM_KINDS,
    "item_tones": payments.ITEM_TONES,
    "item_status": payments.item_status,
    "payment_statuses": payments.PAYMENT_STATUSES,
}


def _locale() -> dict:
    return {"current_locale": str(get_locale()), "language_names": LANGUAGE_NAMES}


def register(app: Flask) -> None:
    app.jinja_env.filters.update(FILTERS)
    app.jinja_env.globals.update(GLOBALS)
    app.context_processor(_locale)
