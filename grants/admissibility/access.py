"""Who may reach the admissibility check's objects: staff load a call's submitted stages through the
queries (404 for the rest); a document request is for the members acting for its application's
lead (404 for those who may not see the application, 403 for its partners' members and staff)."""

from __future__ import annotations

from grants.access import load_or_404
from grants.admissibility.queries import load_request
from grants.models import AdmissibilityRequest, User
from grants.submission.access import lead_application


def lead_request(user: User, application_id: int, request_id: int) -> AdmissibilityRequest:
    application = lead_application(user, application_id)
    return load_or_404(load_request(application.id, request_id))
