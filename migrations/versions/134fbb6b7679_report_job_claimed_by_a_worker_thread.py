"""report job claimed by a worker thread

Without Redis, exports run in a worker thread of the application: a job records which worker claimed
it (host:pid:token) and when that worker last said it was alive, so that a job left running by a
worker that died is marked failed. Existing jobs were never claimed: both columns stay empty.

Revision ID: 134fbb6b7679
Revises: 042bfd1f1300
Create Date: 2026-12-07 06:09:37.625596

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '134fbb6b7679'
down_revision = '042bfd1f1300'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('report_job', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_by', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('report_job', schema=None) as batch_op:
        batch_op.drop_column('heartbeat_at')
        batch_op.drop_column('claimed_by')
