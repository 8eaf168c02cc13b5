"""Who may reach a submission page's objects: loaders that answer 404 (or 403) for the rest.

- the submission pages that act (submit, withdraw, reopen) are for the members acting for the lead:
  404 for those who may not see the application, 403 for its partners' members and staff, who may
  see it;
- an attachment is for whoever may see its application, and for its assigned evaluators (who read
  it);
- an attachment is deleted by the lead's members while the application is a draft.
"""

from __future__ import annotations

from flask import abort

from grants.access import load_or_404
from grants.applications.access import (
    get_application_for,
    get_application_to_edit,
    is_lead_member,
    reads_as_evaluator,
)
from grants.extensions import db
from grants.models import Application, Attachment, User


def lead_application(user: User, application_id: int) -> Application:
    """The application if the user acts for its lead: 404 for those who may not see it, 403 for the
    rest."""
    application = get_application_for(user, application_id)
    if not is_lead_member(user, application):
        abort(403)
    return application


def attachment_for(user: User, attachment_id: int) -> Attachment:
    """The attachment if the user may see its application, or reads it as its evaluator; 404
    otherwise."""
    attachment = load_or_404(db.session.get(Attachment, attachment_id))
    if not reads_as_evaluator(user, attachment.application_id):
        get_application_for(user, attachment.application_id)
    return attachment


def attachment_to_delete(user: User, attachment_id: int) -> tuple[Application, Attachment]:
    """The draft application (its lead's members only) and its attachment; 404 (or the locked page)
    otherwise."""
    application = get_application_to_edit(user, attachment_for(user, attachment_id).application_id)
    attachment = load_or_404(
        next((a for a in application.attachments if a.id == attachment_id), None)
    )
    return application, attachment
