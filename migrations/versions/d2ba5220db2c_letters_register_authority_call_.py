"""letters: register, authority, call complaint days, award turn

The register of official letters (numbered per call), the contracting authority's letterhead and
signatory, the days a call gives to complain after a letter, the letter counter, and why the award
walk decided each stage (for the decision letter).

Revision ID: d2ba5220db2c
Revises: a216e15cc30f
Create Date: 2026-12-07 06:11:20.430042

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd2ba5220db2c'
down_revision = 'a216e15cc30f'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('authority',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name_en', sa.String(length=300), nullable=False),
    sa.Column('name_tr', sa.String(length=300), nullable=False),
    sa.Column('address', sa.Text(), nullable=False),
    sa.Column('logo_file', sa.String(length=64), nullable=True),
    sa.Column('logo_type', sa.String(length=32), nullable=True),
    sa.Column('signatory_name', sa.String(length=200), nullable=False),
    sa.Column('signatory_title_en', sa.String(length=300), nullable=False),
    sa.Column('signatory_title_tr', sa.String(length=300), nullable=False),
    sa.Column('complaints_body_en', sa.String(length=300), nullable=False),
    sa.Column('complaints_body_tr', sa.String(length=300), nullable=False),
    sa.Column('complaints_address', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_authority_updated_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_authority'))
    )
    op.create_table('issued_letter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('stage_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('decision', 'admissibility', name='letterkind', native_enum=False, length=40), nullable=False),
    sa.Column('outcome', sa.String(length=40), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('emailed', sa.Integer(), nullable=False),
    sa.Column('posted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('posted_by_id', sa.Integer(), nullable=True),
    sa.Column('post_reference', sa.String(length=200), nullable=False),
    sa.CheckConstraint('emailed >= 0', name=op.f('ck_issued_letter_emailed_positive')),
    sa.CheckConstraint('number >= 1', name=op.f('ck_issued_letter_number_positive')),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_issued_letter_application_id_application'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['call_id'], ['call.id'], name=op.f('fk_issued_letter_call_id_call'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['issued_by_id'], ['user.id'], name=op.f('fk_issued_letter_issued_by_id_user')),
    sa.ForeignKeyConstraint(['posted_by_id'], ['user.id'], name=op.f('fk_issued_letter_posted_by_id_user')),
    sa.ForeignKeyConstraint(['stage_id'], ['application_stage.id'], name=op.f('fk_issued_letter_stage_id_application_stage'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_issued_letter')),
    sa.UniqueConstraint('call_id', 'number', name=op.f('uq_issued_letter_call_id'))
    )
    with op.batch_alter_table('issued_letter', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_issued_letter_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_issued_letter_call_id'), ['call_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_issued_letter_stage_id'), ['stage_id'], unique=False)

    with op.batch_alter_table('application_stage', schema=None) as batch_op:
        batch_op.add_column(sa.Column('award_turn', sa.JSON(), nullable=True))

    with op.batch_alter_table('call', schema=None) as batch_op:
        batch_op.add_column(sa.Column('complaint_days', sa.Integer(), server_default='30', nullable=False))
        batch_op.add_column(sa.Column('next_letter_number', sa.Integer(), server_default='1', nullable=False))
        batch_op.create_check_constraint(op.f('ck_call_next_letter_number_positive'), 'next_letter_number >= 1')
        batch_op.create_check_constraint(op.f('ck_call_complaint_days_positive'), 'complaint_days >= 1')



def downgrade():
    with op.batch_alter_table('call', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_call_complaint_days_positive'), type_='check')
        batch_op.drop_constraint(op.f('ck_call_next_letter_number_positive'), type_='check')
        batch_op.drop_column('next_letter_number')
        batch_op.drop_column('complaint_days')

    with op.batch_alter_table('application_stage', schema=None) as batch_op:
        batch_op.drop_column('award_turn')

    with op.batch_alter_table('issued_letter', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_issued_letter_stage_id'))
        batch_op.drop_index(batch_op.f('ix_issued_letter_call_id'))
        batch_op.drop_index(batch_op.f('ix_issued_letter_application_id'))

    op.drop_table('issued_letter')
    op.drop_table('authority')
