"""respondent handle apart from the export pseudonym; design versions counted at consent

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 16:30:00

Respondents who have not finished keep their place: their cookie held the pseudonym, which
becomes their handle, and they get a new pseudonym that was never in a cookie. Completed
respondents keep their pseudonym (exports already made refer to it) and it stays their handle.
"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("respondent", schema=None) as batch_op:
        batch_op.add_column(sa.Column("handle", sa.String(length=64), nullable=True))

    connection = op.get_bind()
    connection.execute(sa.text("UPDATE respondent SET handle = pseudonym"))
    unfinished = (
        connection.execute(
            sa.text("SELECT id FROM respondent WHERE id NOT IN (SELECT respondent_id FROM response)")
        )
        .scalars()
        .all()
    )
    for respondent_id in unfinished:
        connection.execute(
            sa.text("UPDATE respondent SET pseudonym = :pseudonym WHERE id = :id"),
            {"pseudonym": secrets.token_hex(16), "id": respondent_id},
        )

    with op.batch_alter_table("respondent", schema=None) as batch_op:
        batch_op.alter_column("handle", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint("uq_respondent_handle", ["handle"])

    op.create_table(
        "version_start",
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=100), nullable=False),
        sa.Column("starts", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultation.id"],
        ),
        sa.PrimaryKeyConstraint("consultation_id", "version"),
    )
    # the balance and the count of starts continue from the respondents already there ('' is the
    # key of a consultation without versions, as pwe.services.responses.NO_VERSION)
    connection.execute(
        sa.text(
            "INSERT INTO version_start (consultation_id, version, starts) "
            "SELECT consultation_id, COALESCE(version, ''), COUNT(*) FROM respondent "
            "GROUP BY consultation_id, COALESCE(version, '')"
        )
    )


def downgrade() -> None:
    op.drop_table("version_start")
    with op.batch_alter_table("respondent", schema=None) as batch_op:
        batch_op.drop_constraint("uq_respondent_handle", type_="unique")
        batch_op.drop_column("handle")
