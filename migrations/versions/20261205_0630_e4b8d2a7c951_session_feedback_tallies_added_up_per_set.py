"""Each set's session feedback tallies added up by the daily run, for the programme report

Revision ID: e4b8d2a7c951
Revises: c7a3e5d91b28
Create Date: 2026-12-05 06:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e4b8d2a7c951"
down_revision: str | None = "c7a3e5d91b28"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Empty at first: until `flask figures release` (daily) or `flask init` has run, the report
    # adds up every set's tallies itself, as before.
    op.create_table(
        "session_feedback_set_tallies",
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("sessions", sa.Integer(), nullable=False),
        sa.Column("level_1", sa.Integer(), nullable=False),
        sa.Column("level_2", sa.Integer(), nullable=False),
        sa.Column("level_3", sa.Integer(), nullable=False),
        sa.Column("level_4", sa.Integer(), nullable=False),
        sa.Column("level_5", sa.Integer(), nullable=False),
        sa.Column("did_differently", sa.Integer(), nullable=False),
        sa.Column("suggested_change", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["cohorts.id"],
            name=op.f("fk_session_feedback_set_tallies_cohort_id_cohorts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("cohort_id", name=op.f("pk_session_feedback_set_tallies")),
    )


def downgrade() -> None:
    op.drop_table("session_feedback_set_tallies")
