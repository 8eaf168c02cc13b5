"""The schema never changes without a migration: upgrading an empty database gives the models."""

from __future__ import annotations

import os
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, text

from config import TestConfig
from grants import create_app
from grants.extensions import db
from grants.models.base import Base


def _fresh_database_url(tmp_path) -> tuple[str, callable]:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgresql"):
        return f"sqlite:///{tmp_path / 'migrated.sqlite'}", lambda: None
    name = f"migration_check_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url.rsplit("/", 1)[0] + f"/{name}", drop


@pytest.fixture
def migrated_app(tmp_path):
    url, drop = _fresh_database_url(tmp_path)

    class MigrationConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = url
        SQLALCHEMY_ENGINE_OPTIONS: dict = {}

    app = create_app(MigrationConfig)
    with app.app_context():
        upgrade()
        yield app
        db.session.remove()
        db.engine.dispose()
    drop()


def test_upgrade_from_empty_matches_the_models(migrated_app):
    with db.engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata
        )
    assert diff == []


def test_downgrade_to_base_removes_every_table(migrated_app):
    downgrade(revision="base")
    with db.engine.connect() as conn:
        tables = set(db.inspect(conn).get_table_names()) - {"alembic_version"}
    assert tables == set()
