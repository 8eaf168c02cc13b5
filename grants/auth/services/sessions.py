"""Signed-in sessions kept on the server (docs/security.md M1, L6).

Flask-Login keeps `<user id>:<session key>` in the signed session cookie and in the remember-me
cookie; a request is signed in only while that key's row is open and not expired. Logging out ends
the session; a password change ends every other one; a reset, or 'log out everywhere', ends them
all.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import session
from flask_login import login_user
from sqlalchemy import select, update

from grants.extensions import db
from grants.models import User, UserSession
from grants.models.base import now_utc

LIFETIME = timedelta(
    days=1
)  # a session without "remember me" (the browser also forgets it when closed)
REMEMBERED = timedelta(days=30)  # with "remember me", at most


def start(user: User, remember: bool = False) -> None:
    """Sign the user in on a fresh session: nothing of the anonymous one is kept but its language,
    so the CSRF secret is new (L6)."""
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    user.session_key = secrets.token_urlsafe(32)
    db.session.add(
        UserSession(
            user_id=user.id,
            key=user.session_key,
            expires_at=now_utc() + (REMEMBERED if remember else LIFETIME),
        )
    )
    db.session.flush()
    login_user(user, remember=remember, duration=REMEMBERED)


def load(token: str) -> User | None:
    """The user of an open session named by `<user id>:<key>`; None for anything else."""
    user_id, _sep, key = token.partition(":")
    if not user_id.isdigit() or not key:
        return None
    user = db.session.scalar(
        select(User)
        .join(UserSession, UserSession.user_id == User.id)
        .where(
            User.id == int(user_id),
            UserSession.key == key,
            UserSession.ended_at.is_(None),
            UserSession.expires_at > now_utc(),
        )
    )
    if user is None or not user.active:
        return None
    user.session_key = key
    return user


def _end(*conditions) -> int:
    return db.session.execute(
        update(UserSession)
        .where(UserSession.ended_at.is_(None), *conditions)
        .values(ended_at=now_utc())
        .execution_options(synchronize_session=False)
    ).rowcount


def end_this(user: User) -> None:
    _end(UserSession.key == user.session_key)


def end_others(user: User) -> int:
    return _end(UserSession.user_id == user.id, UserSession.key != (user.session_key or ""))


def end_all(user: User) -> int:
    return _end(UserSession.user_id == user.id)
