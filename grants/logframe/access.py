"""Who may edit an application's logical framework: the lead's members while it is a draft (the
application's own loader: 404 for anyone else, 403 once submitted)."""

from __future__ import annotations

from grants.applications.access import get_application_to_edit
from grants.models import Application, User


def get_logframe_to_edit(user: User, application_id: int) -> Application:
    """The application with its results and indicators loaded (grants.applications.access)."""
    return get_application_to_edit(user, application_id)
