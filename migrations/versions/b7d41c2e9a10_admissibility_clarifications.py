"""admissibility clarifications: document requests to the lead, overrides of automatic checks

Issue 16 item 4 (domain.md 4): the documents staff ask the lead applicant for during the
administrative check (admissibility_request), staff overrides of an automatic check with their
reason (check_override), and the call setting document_request_days (default 7) that gives the
default deadline of a request. Existing calls get the default.

Revision ID: b7d41c2e9a10
Revises: 5b7e3c1a9d20
Create Date: 2026-12-07 13:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7d41c2e9a10'
down_revision = '5b7e3c1a9d20'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('admissibility_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('stage_id', sa.Integer(), nullable=False),
    sa.Column('document', sa.String(length=40), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('other', sa.String(length=200), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.Enum('open', 'answered', 'lapsed', name='requeststatus', native_enum=False, length=40), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('attachment_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("document IN ('declaration', 'partnership_statement', 'other')", name=op.f('ck_admissibility_request_document_known')),
    sa.CheckConstraint("(document = 'partnership_statement') = (organisation_id IS NOT NULL)", name=op.f('ck_admissibility_request_statement_names_partner')),
    sa.CheckConstraint("document <> 'other' OR other <> ''", name=op.f('ck_admissibility_request_other_named')),
    sa.CheckConstraint("message <> ''", name=op.f('ck_admissibility_request_message_given')),
    sa.CheckConstraint('due_at > requested_at', name=op.f('ck_admissibility_request_due_after_request')),
    sa.CheckConstraint("(status = 'answered') = (answered_at IS NOT NULL)", name=op.f('ck_admissibility_request_answered_when_answered')),
    sa.ForeignKeyConstraint(['stage_id'], ['application_stage.id'], name=op.f('fk_admissibility_request_stage_id_application_stage'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_admissibility_request_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user.id'], name=op.f('fk_admissibility_request_requested_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['answered_by_id'], ['user.id'], name=op.f('fk_admissibility_request_answered_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['attachment_id'], ['attachment.id'], name=op.f('fk_admissibility_request_attachment_id_attachment'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_admissibility_request'))
    )
    with op.batch_alter_table('admissibility_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_admissibility_request_stage_id'), ['stage_id'], unique=False)

    op.create_table('check_override',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('stage_id', sa.Integer(), nullable=False),
    sa.Column('check_key', sa.String(length=20), nullable=False),
    sa.Column('met', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("check_key IN ('deadline', 'complete', 'documents', 'eligibility', 'budget', 'confirmed')", name=op.f('ck_check_override_check_known')),
    sa.CheckConstraint("reason <> ''", name=op.f('ck_check_override_reason_given')),
    sa.ForeignKeyConstraint(['stage_id'], ['application_stage.id'], name=op.f('fk_check_override_stage_id_application_stage'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_check_override_user_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_check_override')),
    sa.UniqueConstraint('stage_id', 'check_key', name=op.f('uq_check_override_stage_id'))
    )
    with op.batch_alter_table('check_override', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_check_override_stage_id'), ['stage_id'], unique=False)

    with op.batch_alter_table('call', schema=None) as batch_op:
        batch_op.add_column(sa.Column('document_request_days', sa.Integer(), server_default='7', nullable=False))
        batch_op.create_check_constraint(op.f('ck_call_document_request_days_range'), 'document_request_days >= 1 AND document_request_days <= 90')


def downgrade():
    with op.batch_alter_table('call', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_call_document_request_days_range'), type_='check')
        batch_op.drop_column('document_request_days')

    with op.batch_alter_table('check_override', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_check_override_stage_id'))
    op.drop_table('check_override')

    with op.batch_alter_table('admissibility_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_admissibility_request_stage_id'))
    op.drop_table('admissibility_request')
