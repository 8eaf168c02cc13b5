"""a stage's final score read from stage_final: application_stage.final_score dropped

The stage kept a copy of its final score, written by evaluation when it decided the stage and again
by the ranking; stage_final (922dc2f4ba05) holds the same total, written by
grants.evaluation.services.settle. The copy goes: ApplicationStage.final_score is now read from
stage_final (models.evaluation), None while the stage is admissible. Before the column is dropped,
each decided stage's copy is moved into stage_final where it differs or is missing there (a bundle's
stage that recorded its final score without evaluations, or with a total other than its
evaluations'), so that no page shows another score than before.

Revision ID: c4d2f6a8b0e1
Revises: 5b1c0e7a9d21
Create Date: 2026-12-07 22:30:00.000000

"""
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4d2f6a8b0e1'
down_revision = '5b1c0e7a9d21'
branch_labels = None
depends_on = None


def upgrade():
    bind = op.get_bind()
    copies = list(bind.execute(sa.text(
        "SELECT s.id, s.final_score, f.total FROM application_stage s "
        "LEFT JOIN stage_final f ON f.stage_id = s.id "
        "WHERE s.final_score IS NOT NULL AND s.status != 'admissible'")))
    at = datetime.now(UTC)
    for stage_id, copy, total in copies:
        if total is None:
            bind.execute(sa.text(
                "INSERT INTO stage_final (stage_id, total, settled_at) VALUES (:s, :t, :at)"),
                {"s": stage_id, "t": copy, "at": at})
        elif total != copy:
            bind.execute(sa.text("UPDATE stage_final SET total = :t WHERE stage_id = :s"),
                         {"s": stage_id, "t": copy})
    with op.batch_alter_table('application_stage', schema=None) as batch_op:
        batch_op.drop_column('final_score')


def downgrade():
    with op.batch_alter_table('application_stage', schema=None) as batch_op:
        batch_op.add_column(sa.Column('final_score', sa.Numeric(precision=10, scale=4), nullable=True))
    op.execute(
        "UPDATE application_stage SET final_score = (SELECT total FROM stage_final "
        "WHERE stage_final.stage_id = application_stage.id) WHERE status != 'admissible'")
