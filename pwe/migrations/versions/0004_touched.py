"""touched: whether a respondent changed anything on each portfolio page

Revision ID: 0004
Revises: 0003

Answers saved before this revision have no record of it: their touched stays empty (NULL), and
the export leaves the column blank for them rather than guess.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("page_answer", schema=None) as batch_op:
        batch_op.add_column(sa.Column("touched", sa.Boolean(), nullable=True))
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.add_column(sa.Column("touched", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.drop_column("touched")
    with op.batch_alter_table("page_answer", schema=None) as batch_op:
        batch_op.drop_column("touched")
