"""Partner invitations, what a confirmation covers, the reason of a decline

Revision ID: 73bf0f10ce53
Revises: 9c6141c12b81
Create Date: 2026-12-07 03:05:06.318537

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '73bf0f10ce53'
down_revision = '9c6141c12b81'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'partner_invitation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('application_id', sa.Integer(), nullable=False),
        sa.Column('partner_id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('locale', sa.String(length=8), nullable=False),
        sa.Column('message', sa.Text(), nullable=False),
        sa.Column('invited_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=True),
        sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('accepted_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['accepted_by_id'], ['user.id'], name=op.f('fk_partner_invitation_accepted_by_id_user')),
        sa.ForeignKeyConstraint(['application_id'], ['application.id'],
                                name=op.f('fk_partner_invitation_application_id_application'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['invited_by_id'], ['user.id'], name=op.f('fk_partner_invitation_invited_by_id_user')),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'],
                                name=op.f('fk_partner_invitation_organisation_id_organisation')),
        sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], name=op.f('fk_partner_invitation_partner_id_partner'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_partner_invitation')),
        sa.UniqueConstraint('application_id', 'email', name=op.f('uq_partner_invitation_application_id')),
        sa.UniqueConstraint('partner_id', name=op.f('uq_partner_invitation_partner_id')),
    )
    with op.batch_alter_table('partner_invitation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partner_invitation_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_partner_invitation_email'), ['email'], unique=False)
        batch_op.create_index(batch_op.f('ix_partner_invitation_organisation_id'), ['organisation_id'], unique=False)

    with op.batch_alter_table('partner', schema=None) as batch_op:
        batch_op.add_column(sa.Column('confirmed_terms', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('decline_reason', sa.Text(), nullable=False, server_default=''))


def downgrade():
    with op.batch_alter_table('partner', schema=None) as batch_op:
        batch_op.drop_column('decline_reason')
        batch_op.drop_column('confirmed_terms')

    with op.batch_alter_table('partner_invitation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partner_invitation_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_partner_invitation_email'))
        batch_op.drop_index(batch_op.f('ix_partner_invitation_application_id'))

    op.drop_table('partner_invitation')
