"""grant: paid may exceed a final amount set below the pre-financing paid (a recovery is due)

A final amount (or a termination) may leave the pre-financing paid above what the beneficiary
keeps: the difference is recovered. The sum paid still never exceeds the maximum grant, nor the
final amount once a balance was paid.

Revision ID: a3c9e1f07b42
Revises: df70d4e5d084
Create Date: 2026-12-07 16:40:00
"""

from alembic import op

revision = "a3c9e1f07b42"
down_revision = "df70d4e5d084"
branch_labels = None
depends_on = None

OLD = "paid_total >= prefinancing_paid AND paid_total <= COALESCE(final_amount, max_grant)"
NEW = (
    "paid_total >= prefinancing_paid AND paid_total <= max_grant AND "
    "(final_amount IS NULL OR paid_total <= final_amount OR paid_total = prefinancing_paid)"
)


def upgrade():
    with op.batch_alter_table("grant", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_grant_paid_within_final"), type_="check")
        batch_op.create_check_constraint(op.f("ck_grant_paid_within_final"), NEW)


def downgrade():
    with op.batch_alter_table("grant", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_grant_paid_within_final"), type_="check")
        batch_op.create_check_constraint(op.f("ck_grant_paid_within_final"), OLD)
