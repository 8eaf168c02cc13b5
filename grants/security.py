"""HTTP security headers for every response, and input no database or document can hold refused at
the door."""

import re
from urllib.parse import urlsplit

from flask import Response, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def set_security_headers(response: Response) -> Response:
    if getattr(
        current_user, "is_authenticated", False
    ):  # a signed-in page is never kept by a browser or proxy
        response.headers["Cache-Control"] = "no-store"
    if current_app.config.get("SESSION_COOKIE_SECURE"):  # production: HTTPS only, for a year
        response.headers.setdefault(
            "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
        )
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    return response


# NUL (PostgreSQL text cannot hold it), lone surrogates and Unicode noncharacters (XML, so the
# workbook and
# the PDFs, cannot): refused in any form or query value, never stored (docs/security.md M2, L2, L3b)
UNSTORABLE = re.compile(
    "[\x00\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]|[\U0001fffe\U0001ffff\U0002fffe"
    "\U0002ffff\U0003fffe\U0003ffff\U000efffe\U000effff\U000ffffe\U000fffff\U0010fffe\U0010ffff]"
)


def refuse_unstorable_input():
    """400 with a page naming the field, before any view reads the input (or a login limit counts
    it)."""
    for source in (request.args, request.form):
        for name, value in source.items(multi=True):
            if found := UNSTORABLE.search(value):
                message = _(
                    "The field “%(field)s” contains a character that cannot be stored "
                    "(U+%(code)04X). "
                    "Remove it and send the form again.",
                    field=name[:80],
                    code=ord(found.group()),
                )
                return render_template("errors/error.html", code=400, message=message), 400
    return None


def safe_next(target: str | None, fallback: str) -> str:
    """`target` if it is a path on this site (no scheme, host, '//' or '/\\', no control character
    such as a CRLF that would break the Location header), else `fallback`: never a redirect off-site
    (L3c)."""
    parts = urlsplit(target or "")
    if (
        not target
        or parts.scheme
        or parts.netloc
        or not target.startswith("/")
        or target.startswith(("//", "/\\"))
        or any(ord(c) < 32 or ord(c) == 127 for c in target)
    ):
        return fallback
    return target


def hide_server_version() -> None:
    """Werkzeug's server (make run) names no version of itself or of Python in its Server header
    (L8)."""
    from werkzeug.serving import WSGIRequestHandler

    WSGIRequestHandler.server_version, WSGIRequestHandler.sys_version = "TWIN-Grants", ""


def per_user() -> str:
    """A rate limit's key: the signed-in user (Flask-Limiter's key_func)."""
    return f"user:{current_user.get_id()}"


def redirected(response) -> bool:
    """A rate limit counts only what succeeded, i.e. redirected (Flask-Limiter's deduct_when)."""
    return response.status_code == 302
