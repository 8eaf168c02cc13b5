"""The application's one clock: the services that compare the time with a deadline read it here.

`now()` is the real time in UTC, unless the setting FIXED_NOW holds a time (a datetime) or a clock
(a function giving one, for a time that moves): the tests fix the time of a request through it (the
`fixed_now` fixture), never by replacing a module's function. A service that a test calls directly
takes the clock as a keyword, `now=clock.now` by default. Models' column defaults keep `now_utc`.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app, has_app_context


def now() -> datetime:
    """The time now, or the fixed one (FIXED_NOW) under a test."""
    fixed = current_app.config.get("FIXED_NOW") if has_app_context() else None
    if fixed is None:
        return datetime.now(UTC)
    return fixed() if callable(fixed) else fixed
