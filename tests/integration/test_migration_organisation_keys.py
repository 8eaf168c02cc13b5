"""The migration that adds the folded search keys fills them for the rows already there, and counts
every existing account as confirmed (it was made before confirmation existed)."""

from __future__ import annotations

from flask_migrate import upgrade
from sqlalchemy import text

from grants.extensions import db
from tests.factories.migrations import migration_app

BEFORE = "e66ca91fccea"  # the revision before organisation keys and confirmed addresses


def test_existing_rows_get_their_keys_and_count_as_confirmed(tmp_path):
    app = migration_app(tmp_path)
    with app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO organisation (id, name, type, country, region, legal_id, address, "
                    "created_at, "
                    "seeking_partner, partner_themes, partner_description, partner_languages) "
                    "VALUES (1, 'AYDIN "
                    "Büyükşehir', 'municipality', 'TR', 'Ege', 'TR 09-1', '', '2026-01-01 "
                    "00:00:00', 1, '[]', "
                    "'Göç projeleri', '[]')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO user (id, email, name, role, active, created_at, organisation_id) "
                    "VALUES "
                    "(1, 'a@example.org', 'A', 'applicant', 1, '2026-01-02 00:00:00', 1)"
                )
            )
        upgrade()
        with db.engine.connect() as conn:
            org = conn.execute(
                text("SELECT name_key, legal_id_key, search_key FROM organisation")
            ).one()
            confirmed, name_key = conn.execute(
                text("SELECT email_confirmed_at, name_key FROM user")
            ).one()
        db.session.remove()
        db.engine.dispose()
    assert tuple(org) == ("aydin buyuksehir", "tr091", "aydin buyuksehir\nege\ngoc projeleri")
    assert str(confirmed).startswith("2026-01-02") and name_key == "a"
