"""grant: a final amount below the pre-financing paid may be stored (a recovery is due)

Revision ID: a41c7e2b9d10
Revises: df70d4e5d084
Create Date: 2026-12-07 17:00:00

The CHECK paid_within_final said paid_total <= COALESCE(final_amount, max_grant): a grant whose
final amount is below the pre-financing paid (the recovery case of domain.md 7) could not store
its final amount. Now the sum paid may exceed the final amount only when it is the pre-financing
alone (no balance paid on top of it).
"""

from alembic import op

revision = "a41c7e2b9d10"
down_revision = "df70d4e5d084"
branch_labels = None
depends_on = None

NEW = (
    "paid_total >= prefinancing_paid AND paid_total <= max_grant AND (final_amount IS NULL"
    " OR paid_total <= final_amount OR paid_total = prefinancing_paid)"
)
OLD = "paid_total >= prefinancing_paid AND paid_total <= COALESCE(final_amount, max_grant)"


def _replace(condition: str) -> None:
    with op.batch_alter_table("grant", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_grant_paid_within_final"), type_="check")
        batch_op.create_check_constraint(op.f("ck_grant_paid_within_final"), condition)


def upgrade():
    _replace(NEW)


def downgrade():
    _replace(OLD)
