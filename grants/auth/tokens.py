"""Signed links for setting a password (reset and invitation) and for confirming an e-mail address.

A token names the user and a fingerprint of their current password hash: once the password
changes, every earlier link stops working, so each link is single-use.
"""

from __future__ import annotations

import hashlib

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from grants.extensions import db
from grants.models import User

_SALT = "grants.set-password"
_EMAIL_SALT = "grants.confirm-email"


def _serializer(salt: str = _SALT) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _fingerprint(user: User) -> str:
    return hashlib.sha256((user.password_hash or "").encode()).hexdigest()[:32]


def password_token(user: User) -> str:
    return _serializer().dumps({"id": user.id, "pw": _fingerprint(user)})


def user_for_token(token: str) -> User | None:
    """The active user the token was made for, if it is genuine, recent and still unused."""
    try:
        data = _serializer().loads(token, max_age=current_app.config["TOKEN_MAX_AGE"])
    except BadSignature:  # also SignatureExpired
        return None
    if not isinstance(data, dict) or not isinstance(data.get("id"), int):
        return None
    user = db.session.get(User, data["id"])
    if user is None or not user.active or data.get("pw") != _fingerprint(user):
        return None
    return user


def email_token(user: User) -> str:
    """A link's token confirming that the owner of the user's current address received it."""
    return _serializer(_EMAIL_SALT).dumps({"id": user.id, "email": user.email})


def user_for_email_token(token: str) -> User | None:
    """The active user whose address the token was sent to, if genuine and recent (and the address
    unchanged)."""
    try:
        data = _serializer(_EMAIL_SALT).loads(token, max_age=current_app.config["TOKEN_MAX_AGE"])
    except BadSignature:  # also SignatureExpired
        return None
    if not isinstance(data, dict) or not isinstance(data.get("id"), int):
        return None
    user = db.session.get(User, data["id"])
    if user is None or not user.active or data.get("email") != user.email:
        return None
    return user
