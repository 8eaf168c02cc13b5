"""submission history: first and last submission, reopening, submitted version

A submitted application may be reopened for correction until the deadline (docs/domain.md 3): the stage
keeps when it was first and last submitted, how many times, whether it is reopened now, and what
was submitted last (the receipt's data, as JSON). Stages submitted before this migration were never
reopened: submitted once, at submitted_at; their submitted version is read from the application.

Revision ID: 042bfd1f1300
Revises: 83dfc711a90d
Create Date: 2026-12-07 03:04:37.019955

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '042bfd1f1300'
down_revision = '83dfc711a90d'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('application_stage', schema=None) as batch_op:
        batch_op.add_column(sa.Column('first_submitted_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('submissions', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('reopened_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('submitted_version', sa.JSON(), nullable=True))
        batch_op.create_check_constraint('submissions_positive', 'submissions >= 0')
    op.execute("UPDATE application_stage SET first_submitted_at = submitted_at, submissions = 1 "
               "WHERE submitted_at IS NOT NULL")


def downgrade():
    with op.batch_alter_table('application_stage', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_application_stage_submissions_positive'), type_='check')
        batch_op.drop_column('submitted_version')
        batch_op.drop_column('reopened_at')
        batch_op.drop_column('submissions')
        batch_op.drop_column('first_submitted_at')
