"""grant due: what falls due on each grant, kept by grants.payments.dues

Revision ID: c4d2e6f8a0b3
Revises: c4d2f6a8b0e1
Create Date: 2026-12-07 22:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4d2e6f8a0b3'
down_revision = 'c4d2f6a8b0e1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'grant_due',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('grant_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('family', sa.String(length=10), nullable=False),
        sa.Column('what', sa.String(length=20), nullable=False),
        sa.Column('period', sa.Integer(), nullable=True),
        sa.Column('due_on', sa.Date(), nullable=True),
        sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column('done', sa.Numeric(precision=14, scale=2), nullable=True),
        sa.ForeignKeyConstraint(['grant_id'], ['grant.id'], name=op.f('fk_grant_due_grant_id_grant'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_due')),
    )
    with op.batch_alter_table('grant_due', schema=None) as batch_op:
        batch_op.create_index('ix_grant_due_family_due_on', ['family', 'due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_grant_due_grant_id'), ['grant_id'], unique=False)
    # The first fill, by the one writer (grants.payments.dues) on this migration's connection: it
    # reads the grants through today's models, so should a later model no longer read this revision's
    # tables, `flask grants refresh-dues` after the upgrade does the same.
    from sqlalchemy.orm import Session

    from grants.payments.dues import refresh_all

    with Session(bind=op.get_bind()) as session:
        refresh_all(session)
        session.commit()  # on the migration's transaction: not committed here (rollback_only)


def downgrade():
    with op.batch_alter_table('grant_due', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grant_due_grant_id'))
        batch_op.drop_index('ix_grant_due_family_due_on')
    op.drop_table('grant_due')
