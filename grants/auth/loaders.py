"""Flask-Login user loader, role decorators and object loaders."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user, login_required

from grants.auth import sessions
from grants.extensions import login_manager
from grants.models import User


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The user of an open server-side session (grants.auth.sessions); None ends a copied or old cookie."""
    return sessions.load(user_id)


def role_required(*roles: str) -> Callable:
    """Refuse (403) a signed-in user without one of the roles; send anonymous users to log in."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any):
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
