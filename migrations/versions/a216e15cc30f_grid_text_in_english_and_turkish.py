"""grid text in English and Turkish: a section's and a criterion's title, and a criterion's guidance

`title` and `description` keep the English text; the new columns hold the Turkish text, empty where
none was given (the pages then show the English one).

Revision ID: a216e15cc30f
Revises: 134fbb6b7679
Create Date: 2026-12-07 06:08:02.540350

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a216e15cc30f'
down_revision = '134fbb6b7679'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('criterion', schema=None) as batch_op:
        batch_op.add_column(sa.Column('title_tr', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('description_tr', sa.Text(), nullable=False, server_default=''))

    with op.batch_alter_table('grid_section', schema=None) as batch_op:
        batch_op.add_column(sa.Column('title_tr', sa.String(length=200), nullable=False, server_default=''))


def downgrade():
    with op.batch_alter_table('grid_section', schema=None) as batch_op:
        batch_op.drop_column('title_tr')

    with op.batch_alter_table('criterion', schema=None) as batch_op:
        batch_op.drop_column('description_tr')
        batch_op.drop_column('title_tr')
