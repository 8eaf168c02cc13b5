"""grant terms: the call settings of grants after award

Issue 17 (domain.md 7): the numbers of a call's grants, each with PRAG's default: the single scheme's
thresholds (12 months, 100,000), single pre-financing 80 % due 30 days after the contract is in
force, reporting periods of 12 months, next instalment due 60 days after the interim report's
approval and released at 70 %, pre-financing ceiling 90 %, interim reports due 60 days after their
period and the final report 90 days after the end date, expenditure verification above 100,000,
heading flexibility 25 %. Existing calls get the defaults.

Revision ID: 5b7e3c1a9d20
Revises: ea7725ae55bc
Create Date: 2026-12-07 13:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b7e3c1a9d20'
down_revision = 'ea7725ae55bc'
branch_labels = None
depends_on = None

COLUMNS = [
    ('single_max_months', sa.Integer(), '12'),
    ('single_max_grant', sa.Numeric(14, 2), '100000.00'),
    ('single_prefinancing_rate', sa.Numeric(5, 4), '0.80'),
    ('prefinancing_due_days', sa.Integer(), '30'),
    ('period_months', sa.Integer(), '12'),
    ('instalment_due_days', sa.Integer(), '60'),
    ('instalment_condition_rate', sa.Numeric(5, 4), '0.70'),
    ('prefinancing_ceiling_rate', sa.Numeric(5, 4), '0.90'),
    ('interim_report_days', sa.Integer(), '60'),
    ('final_report_days', sa.Integer(), '90'),
    ('verification_threshold', sa.Numeric(14, 2), '100000.00'),
    ('heading_flexibility_rate', sa.Numeric(5, 4), '0.25'),
]
CHECKS = [
    ('grant_months_positive', 'single_max_months >= 1 AND period_months >= 1'),
    ('grant_amounts_positive', 'single_max_grant >= 0 AND verification_threshold >= 0'),
    (
        'prefinancing_rates',
        'single_prefinancing_rate >= 0 AND single_prefinancing_rate <= prefinancing_ceiling_rate'
        ' AND prefinancing_ceiling_rate <= 1',
    ),
    (
        'instalment_condition_range',
        'instalment_condition_rate >= 0 AND instalment_condition_rate <= 1',
    ),
    (
        'heading_flexibility_range',
        'heading_flexibility_rate >= 0 AND heading_flexibility_rate <= 1',
    ),
    (
        'grant_days_positive',
        'prefinancing_due_days >= 0 AND instalment_due_days >= 0 AND interim_report_days >= 1'
        ' AND final_report_days >= 1',
    ),
]


def upgrade():
    with op.batch_alter_table('call', schema=None) as batch_op:
        for name, type_, default in COLUMNS:
            batch_op.add_column(sa.Column(name, type_, server_default=default, nullable=False))
        for name, condition in CHECKS:
            batch_op.create_check_constraint(op.f(f'ck_call_{name}'), condition)


def downgrade():
    with op.batch_alter_table('call', schema=None) as batch_op:
        for name, _condition in reversed(CHECKS):
            batch_op.drop_constraint(op.f(f'ck_call_{name}'), type_='check')
        for name, _type, _default in reversed(COLUMNS):
            batch_op.drop_column(name)
