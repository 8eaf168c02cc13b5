"""The request boundary: one unit of work per request.

A request that changes something (POST, PUT, PATCH, DELETE) and answers below 400 is committed here,
after the route, and the jobs its services deferred are sent then (`jobs.commit`); any other answer,
and any exception, rolls back. Routes never commit or roll back themselves.

A use case refuses with `Refused` (grants/rules/problems.py). A route that shows the refusal on its
form wraps the call in `refusals(form)`; one that does not lets it escape, and the handler here
rolls back, shows it as a message and sends the user back to the page they came from.

A GET never writes: what a GET changed is rolled back, and under tests it is an error. (A link
e-mailed to confirm something opens a page whose button POSTs.)
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Flask,
    current_app,
    flash,
    g,
    has_request_context,
    redirect,
    render_template,
    request,
)
from flask_babel import gettext as _
from sqlalchemy import event
from sqlalchemy.orm import Session

from grants import jobs
from grants.extensions import db
from grants.i18n import issue_text
from grants.rules.problems import Refused
from grants.security import safe_next

log = logging.getLogger(__name__)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_WROTE = "wrote"
_GET_COMMITTED = "get_committed"


class GetWrote(RuntimeError):
    """A GET request changed the database (only raised under tests; in production it is rolled
    back)."""


@event.listens_for(Session, "after_flush")
def _mark_written(session: Session, _context: Any) -> None:
    session.info[_WROTE] = True


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    if session.info.pop(_WROTE, None) and has_request_context() and request.method in SAFE_METHODS:
        session.info[_GET_COMMITTED] = request.path


@event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session: Session, _previous: Any) -> None:
    session.info.pop(_WROTE, None)


def _start() -> None:
    """Start counting this request's writes (a test's own pending rows, flushed first, are not the
    request's)."""
    session = db.session()
    if session.new or session.dirty or session.deleted:
        session.flush()
    session.info.pop(_WROTE, None)
    session.info.pop(_GET_COMMITTED, None)


def wrote() -> bool:
    """Whether this request changed the database (flushed, or pending in the session)."""
    session = db.session()
    return bool(session.info.get(_WROTE) or session.new or session.dirty or session.deleted)


@dataclass
class Outcome:
    """What `refusals` saw: the refusal, or None when the use case went through."""

    refused: Refused | None = None

    @property
    def ok(self) -> bool:
        return self.refused is None


def _field(form: Any, name: str) -> Any:
    """The input of `form` named `name`: a field, or a row's field in a list of subforms
    ('lots-1-budget'); not a list itself (its issue goes among the form's errors, as its rows show
    only their own)."""
    if form is None or not name:
        return None
    if not hasattr(form, "_fields"):
        return getattr(form, name, None)
    return next((field for field in _inputs(form) if field.name == name), None)


def _inputs(form: Any) -> Iterator[Any]:
    for field in form if hasattr(form, "_fields") else ():
        for entry in getattr(field, "entries", [field]):
            if hasattr(entry, "form") and hasattr(entry.form, "_fields"):
                yield from _inputs(entry.form)
            else:
                yield entry


def show(refused: Refused, form: Any = None) -> None:
    """Each issue of a refusal on the form field it names, else among the form's errors, else as a
    message."""
    for issue in refused.issues:
        field = _field(form, issue.field)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, issue_text(issue)]
        elif form is not None:
            form.form_errors.append(issue_text(issue))
        else:
            flash(issue_text(issue), "error")


@contextmanager
def refusals(form: Any = None, *, shown: bool = True) -> Iterator[Outcome]:
    """Run a use case; a refusal rolls back what it wrote and is shown on `form` (or as a
    message); with `shown=False` the caller shows `outcome.refused` itself (an htmx fragment,
    which must leave no message behind for the next page)."""
    outcome = Outcome()
    try:
        yield outcome
    except Refused as refused:
        db.session.rollback()
        if shown:
            show(refused, form)
        outcome.refused = refused


def keep_writes() -> None:
    """This request saved part of what was sent (the valid fields) and answers 4xx for the rest:
    commit what it saved anyway. Never for a 5xx."""
    g.keep_writes = True


def when_queue_unreachable(message: str) -> None:
    """The warning to show if the jobs of this request cannot be queued (Redis down); the work is
    kept."""
    g.queue_unreachable_message = message


def _finish(response):
    if request.method in SAFE_METHODS:
        committed = db.session().info.pop(_GET_COMMITTED, None)
        if wrote() or committed:
            db.session.rollback()
            log.error(
                "%s %s wrote to the database%s",
                request.method,
                request.path,
                " (and committed)" if committed else "; rolled back",
            )
            if current_app.testing:
                raise GetWrote(f"{request.method} {request.path} wrote to the database")
        return response
    if response.status_code >= 500 or (response.status_code >= 400 and not g.get("keep_writes")):
        if wrote():
            db.session.rollback()
        return response
    if not jobs.commit():
        flash(
            g.get("queue_unreachable_message")
            or _(
                "Saved, but the job queue cannot be reached right now: what was to be sent is kept "
                "and goes as "
                "soon as the queue is back."
            ),
            "warning",
        )
    return response


def _refused(refused: Refused):
    db.session.rollback()
    show(refused)
    back = _same_site(request.referrer)
    if back and request.method not in SAFE_METHODS:
        return redirect(back)
    return render_template(
        "errors/error.html", code=409, message="; ".join(map(issue_text, refused.issues))
    ), 409


def _same_site(referrer: str | None) -> str | None:
    """The page the user came from, if it is on this site (its path and query), else None."""
    parts = urlsplit(referrer or "")
    if parts.netloc != request.host:
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return safe_next(path, "") or None


def init_app(app: Flask) -> None:
    app.before_request(_start)
    app.after_request(_finish)
    app.register_error_handler(Refused, _refused)
