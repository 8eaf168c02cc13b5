"""grant payments: pre-financing above a lower final amount is recovered, never more

Revision ID: a7c3e91b5d20
Revises: df70d4e5d084
Create Date: 2026-12-07 16:30:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "a7c3e91b5d20"
down_revision = "df70d4e5d084"
branch_labels = None
depends_on = None

PAID = (
    "paid_total >= prefinancing_paid AND (paid_total <= COALESCE(final_amount, max_grant)"
    " OR paid_total = prefinancing_paid)"
)
RECOVERED = (
    "recovered_total = 0 OR "
    "(final_amount IS NOT NULL AND paid_total - recovered_total >= final_amount)"
)
OLD_PAID = "paid_total >= prefinancing_paid AND paid_total <= COALESCE(final_amount, max_grant)"


def upgrade():
    with op.batch_alter_table("grant", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_grant_paid_within_final"), type_="check")
        batch_op.create_check_constraint(op.f("ck_grant_paid_within_final"), PAID)
        batch_op.create_check_constraint(op.f("ck_grant_recovered_within_excess"), RECOVERED)


def downgrade():
    with op.batch_alter_table("grant", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_grant_recovered_within_excess"), type_="check")
        batch_op.drop_constraint(op.f("ck_grant_paid_within_final"), type_="check")
        batch_op.create_check_constraint(op.f("ck_grant_paid_within_final"), OLD_PAID)
