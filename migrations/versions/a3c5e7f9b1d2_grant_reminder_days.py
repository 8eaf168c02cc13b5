"""grant reminder days: the call settings of report and payment reminders

Domain.md 8: beneficiaries are reminded 14 days before a report is due, staff when a payment falls
due (7 days before its due date, the product's choice); both numbers become call settings of the
call's grants (copied into each contract with the others). Existing calls get the defaults.

Revision ID: a3c5e7f9b1d2
Revises: df70d4e5d084
Create Date: 2026-12-07 19:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a3c5e7f9b1d2'
down_revision = 'df70d4e5d084'
branch_labels = None
depends_on = None

CHECK = 'grant_reminder_days_positive'


def upgrade():
    with op.batch_alter_table('call', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('report_reminder_days', sa.Integer(), server_default='14', nullable=False)
        )
        batch_op.add_column(
            sa.Column('payment_reminder_days', sa.Integer(), server_default='7', nullable=False)
        )
        batch_op.create_check_constraint(
            op.f(f'ck_call_{CHECK}'), 'report_reminder_days >= 1 AND payment_reminder_days >= 0'
        )


def downgrade():
    with op.batch_alter_table('call', schema=None) as batch_op:
        batch_op.drop_constraint(op.f(f'ck_call_{CHECK}'), type_='check')
        batch_op.drop_column('payment_reminder_days')
        batch_op.drop_column('report_reminder_days')
