"""step drafts: what a respondent typed on a step and sent without checking, one row per step

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "step_draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("respondent_id", sa.Integer(), nullable=False),
        sa.Column("step_id", sa.String(length=110), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.Column("saved_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["respondent_id"], ["respondent.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("respondent_id", "step_id"),
    )


def downgrade() -> None:
    op.drop_table("step_draft")
