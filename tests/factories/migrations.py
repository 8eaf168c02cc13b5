"""An application on a database file of its own, for the tests that migrate it up and down."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from config import TestConfig
from grants import create_app


def migration_app(tmp_path: Path) -> Flask:
    """The application on an empty SQLite file in `tmp_path` (no tables: migrate it first)."""

    class MigrationConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'old.sqlite'}"
        SQLALCHEMY_ENGINE_OPTIONS: dict = {}

    return create_app(MigrationConfig)
