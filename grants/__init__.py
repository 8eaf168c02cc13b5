"""TWIN-style grant-scheme management: the application factory."""

from __future__ import annotations

import logging
import os
import secrets
from urllib.parse import urlsplit

from flask import Flask, Request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import IntegerConverter

ID_LIMIT = 2**31 - 1  # the largest id the database holds (INTEGER on PostgreSQL)


class DatabaseId(IntegerConverter):
    """The `int` of every route: a longer number (a 25-digit id) is no page (404), not a database
    overflow."""

    def __init__(self, url_map, *args, **kw) -> None:
        kw.setdefault("max", ID_LIMIT)
        super().__init__(url_map, *args, **kw)


class Args(ImmutableMultiDict):
    """Query and form values: an integer asked for with type=int that no column could hold
    (page=10**24) reads as absent, so the caller's default applies."""

    def get(self, key, default=None, type=None):  # noqa: A002  (werkzeug's signature)
        value = super().get(key, default, type)
        if type is int and isinstance(value, int) and not -ID_LIMIT <= value <= ID_LIMIT:
            return default
        return value


class AppRequest(Request):
    parameter_storage_class = Args


class App(Flask):
    """Flask, with external URLs (the links of e-mails) on the configured BASE_URL's scheme and host
    whatever the request's Host header or scheme says (docs/security.md H1), bounded ids (L3)."""

    request_class = AppRequest

    def url_for(
        self, endpoint: str, *, _external: bool = False, _scheme: str | None = None, **values
    ) -> str:
        if _external and _scheme is None:
            _scheme = self.config["PREFERRED_URL_SCHEME"]
        return super().url_for(endpoint, _external=_external, _scheme=_scheme, **values)


def canonical_address(app: Flask) -> None:
    """SERVER_NAME, the scheme and the root path from BASE_URL: Flask then builds every external URL
    on it, in a request as in a job (Flask 3.1 no longer routes requests by SERVER_NAME;
    TRUSTED_HOSTS does)."""
    base = urlsplit(app.config["BASE_URL"])
    if base.scheme not in {"http", "https"} or not base.netloc:
        raise RuntimeError(
            f"BASE_URL must be an http(s) address such as https://grants.example.org, "
            f"not {app.config['BASE_URL']!r}"
        )
    app.config.update(
        SERVER_NAME=base.netloc,
        PREFERRED_URL_SCHEME=base.scheme,
        APPLICATION_ROOT=base.path.rstrip("/") or "/",
    )


def instance_secret(folder: str) -> str:
    """A random signing key made on first start and kept in the instance folder, readable by its
    owner only, so that no installation signs its sessions with a key published in the source
    (docs/security.md M3)."""
    path = os.path.join(folder, "secret_key")
    os.makedirs(folder, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        with open(path, encoding="ascii") as kept:
            return kept.read().strip()
    with os.fdopen(descriptor, "w", encoding="ascii") as new:
        new.write(secrets.token_urlsafe(48))
    return instance_secret(folder)


def create_app(config: object | str | None = None) -> Flask:
    app = App(
        __name__,
        template_folder="../templates",
        static_folder="../static",
        instance_path=os.environ.get("INSTANCE_DIR") or None,
    )
    app.config.from_object(config or _default_config())
    canonical_address(app)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret(app.instance_path)
    app.url_map.converters["int"] = DatabaseId
    if app.config.get("TRUSTED_PROXIES"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    os.makedirs(app.instance_path, exist_ok=True)
    from grants.observability import configure_logging

    configure_logging(app)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)  # start-up noise
    logging.getLogger("weasyprint").setLevel(logging.WARNING)  # a line per step of every PDF
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    register_hooks(app)
    return app


def _default_config() -> object:
    import config

    if os.environ.get("APP_ENV") == "production":
        return config.ProductionConfig()
    return config.Config


def register_extensions(app: Flask) -> None:
    from flask_babel import gettext

    from grants.extensions import babel, csrf, db, limiter, login_manager, migrate
    from grants.i18n import select_locale
    from grants.models.base import render_migration_item
    from grants.rules.problems import N_

    db.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=os.path.join(os.path.dirname(app.root_path), "migrations"),
        render_as_batch=True,
        compare_type=True,
        render_item=render_migration_item,
    )
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=os.path.join(app.root_path, "translations"),
    )
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = N_("Please log in to access this page.")
    login_manager.localize_callback = gettext  # in the visitor's language, like every other message
    login_manager.login_message_category = "info"

    from grants.auth.access import load_user  # noqa: F401  (registers the user loader)


def register_blueprints(app: Flask) -> None:
    from grants.admin.routes import bp as admin_bp
    from grants.admissibility.routes import bp as admissibility_bp
    from grants.amendments.routes import bp as amendments_bp
    from grants.applications.routes import bp as applications_bp
    from grants.auditlog.routes import bp as auditlog_bp
    from grants.auth.routes import bp as auth_bp
    from grants.awards.routes import bp as awards_bp
    from grants.calldocs.routes import bp as calldocs_bp
    from grants.calls.routes import bp as calls_bp
    from grants.committee.routes import bp as committee_bp
    from grants.contracts.routes import bp as contracts_bp
    from grants.evaluation.routes import bp as evaluation_bp
    from grants.exports.routes import bp as exports_bp
    from grants.letters.routes import bp as letters_bp
    from grants.logframe.routes import bp as logframe_bp
    from grants.ops.routes import bp as ops_bp
    from grants.oversight.routes import bp as oversight_bp
    from grants.partners.routes import bp as partners_bp
    from grants.payments.routes import bp as payments_bp
    from grants.public.routes import bp as public_bp
    from grants.reporting.routes import bp as reporting_bp
    from grants.settings.routes import bp as settings_bp
    from grants.submission import bp as submission_bp
    from grants.submission import routes as _routes  # noqa: F401  (its pages, on submission_bp)

    app.register_blueprint(public_bp)
    app.register_blueprint(auth_bp, url_prefix="/auth")
    app.register_blueprint(calls_bp, url_prefix="/staff/calls")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(applications_bp)
    app.register_blueprint(logframe_bp)
    app.register_blueprint(partners_bp)
    app.register_blueprint(submission_bp)
    app.register_blueprint(awards_bp)
    app.register_blueprint(evaluation_bp)
    app.register_blueprint(admissibility_bp)
    app.register_blueprint(exports_bp)
    app.register_blueprint(settings_bp)
    app.register_blueprint(letters_bp)
    app.register_blueprint(auditlog_bp)
    app.register_blueprint(calldocs_bp)
    app.register_blueprint(committee_bp)
    app.register_blueprint(reporting_bp)
    app.register_blueprint(contracts_bp)
    app.register_blueprint(payments_bp)
    app.register_blueprint(ops_bp)
    app.register_blueprint(amendments_bp)
    app.register_blueprint(oversight_bp)


def register_errorhandlers(app: Flask) -> None:
    from grants.errors import register

    register(app)


def register_commands(app: Flask) -> None:
    from grants.cli import register

    register(app)


def register_hooks(app: Flask) -> None:
    from grants.exports.worker import start_on_request
    from grants.observability import init_app as observability
    from grants.payments.dues_hook import install as keep_dues
    from grants.reminders.runner import start_on_request as start_reminders
    from grants.security import hide_server_version, refuse_unstorable_input, set_security_headers
    from grants.templating import register as register_templating
    from grants.unit_of_work import init_app as unit_of_work

    hide_server_version()
    keep_dues()  # every session's flushes keep what is due on the grants (grants.payments.dues)
    observability(app)  # first: it measures and logs what the other hooks refuse too
    unit_of_work(app)
    register_templating(app)
    app.before_request(refuse_unstorable_input)
    app.after_request(set_security_headers)
    start_on_request(app)
    start_reminders(app)
