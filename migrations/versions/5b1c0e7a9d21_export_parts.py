"""export parts: the chunks of an export made by several workers

Revision ID: 5b1c0e7a9d21
Revises: a3c5e7f9b1d2
Create Date: 2026-12-07 19:15:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b1c0e7a9d21'
down_revision = 'a3c5e7f9b1d2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'export_part',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('job_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('ids', sa.JSON(), nullable=False),
        sa.Column('status', sa.Enum('queued', 'running', 'finished', 'failed', name='jobstatus',
                                    native_enum=False, length=40), nullable=False),
        sa.Column('file_path', sa.String(length=500), nullable=True),
        sa.Column('claimed_by', sa.String(length=120), nullable=True),
        sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['job_id'], ['report_job.id'], name=op.f('fk_export_part_job_id_report_job'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_export_part')),
        sa.UniqueConstraint('job_id', 'number', name='one_part_number_per_job'),
    )
    with op.batch_alter_table('export_part', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_export_part_job_id'), ['job_id'], unique=False)


def downgrade():
    with op.batch_alter_table('export_part', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_export_part_job_id'))
    op.drop_table('export_part')
