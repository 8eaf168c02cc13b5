"""committee approval voided at: an approval voided by a change of the voting composition is kept,
marked, instead of deleted

Revision ID: d5e7f9a1b3c4
Revises: c4d2e6f8a0b3
Create Date: 2026-12-08 02:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd5e7f9a1b3c4'
down_revision = 'c4d2e6f8a0b3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('committee_approval', schema=None) as batch_op:
        batch_op.add_column(sa.Column('voided_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    # the voided approvals go, as before this revision a change of the composition deleted them
    op.execute("DELETE FROM committee_approval WHERE voided_at IS NOT NULL")
    with op.batch_alter_table('committee_approval', schema=None) as batch_op:
        batch_op.drop_column('voided_at')
