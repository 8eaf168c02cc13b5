"""Flask-Login's user loader (routes declare their access with grants.access.requires)."""

from __future__ import annotations

from grants.auth import sessions
from grants.extensions import login_manager
from grants.models import User


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The user of an open server-side session (grants.auth.sessions); None ends a copied or old
    cookie."""
    return sessions.load(user_id)
