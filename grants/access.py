"""Who may do what, declared once: every route names its access class with `@requires(...)`.

A class is a name the security test's access table (tests/security/access_table.py) knows, with the
answer each role gets. Role classes are enforced here (anonymous users are sent to log in, a
signed-in user without the role gets 403); object classes ("application", "lead",
"assigned_evaluator"...) are enforced by the package's loaders (`<package>/access.py`), which the
route calls with the signed-in user: an object the user may not see answers 404, as if it did not
exist (flaskr's `get_post`), and 403 only where its existence is no secret.

Services receive objects that were already checked and never call `abort`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user, login_required

T = TypeVar("T")

# access class -> the roles it needs before any object check (None: no sign-in needed; (): any
# signed-in user)
ROLES: dict[str, tuple[str, ...] | None] = {
    "public": None,
    "anonymous_only": None,
    # report files: 404 to anyone but staff, checked by the route (no login redirect)
    "staff_files": None,
    "signed_in": (),
    "organisation_page": (),
    "organisation_profile": (),
    "organisation_manager": (),
    "contact_partner_org": (
        "applicant",
        "staff",
    ),  # staff pass the role check and get 404 (no organisation)
    "starts_application": (),
    "application": (),
    "application_or_reader": (),
    "lead": (),
    "lead_draft": (),
    "lead_draft_submit": (),
    "applicant_role": ("applicant",),
    "applicant_or_staff": ("applicant", "staff"),
    "application_page": ("applicant", "staff"),
    "lead_decision": ("applicant",),
    "lead_draft_page": ("applicant",),
    "partner_invitation": ("applicant",),
    "evaluator": ("evaluator",),
    "assigned_evaluator": ("evaluator",),
    # the evaluation committee: staff users and evaluators; a committee's pages for its members only
    "committee_role": ("evaluator", "staff"),
    "committee_member": ("evaluator", "staff"),
    # a grant: staff and the members of its beneficiaries (lead and partners); its lead's members
    "grant": ("applicant", "staff"),
    "grant_lead": ("applicant",),
    "staff": ("staff",),
    "admin": ("admin",),
}


def requires(get: str, post: str | None = None) -> Callable[[Callable], Callable]:
    """Declare a route's access class (for GET, and for POST if it differs) and enforce its
    roles."""
    for name in (get, post):
        if name is not None and name not in ROLES:
            raise ValueError(f"unknown access class {name!r}")

    def decorator(view: Callable) -> Callable:
        roles = ROLES[get]
        wrapped = view
        if roles is not None:
            wrapped = _signed_in(view, roles)
        if post is not None and ROLES[post] != roles:
            raise ValueError(f"{view.__name__}: GET and POST classes must need the same roles")
        wrapped.access = (get, post or get)  # type: ignore[attr-defined]
        return wrapped

    return decorator


def _signed_in(view: Callable, roles: tuple[str, ...]) -> Callable:
    @wraps(view)
    @login_required
    def wrapped(*args: Any, **kwargs: Any):
        if roles and not current_user.has_role(*roles):
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def load_or_404(obj: T | None, allowed: Callable[[T], bool] = lambda _obj: True) -> T:
    """The object if it exists and `allowed(obj)`; otherwise 404, as if it did not exist."""
    if obj is None or not allowed(obj):
        abort(404)
    return obj


def declared(view: Callable) -> tuple[str, str] | None:
    """The (GET, POST) access classes a view declared, or None."""
    return getattr(view, "access", None)
