"""Each session's feedback counted once its window has closed for good, for the programme report

Revision ID: 9d2b7e4c1a60
Revises: a2bd2d861042
Create Date: 2026-12-05 03:15:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import learnset.db

revision: str = "9d2b7e4c1a60"
down_revision: str | None = "a2bd2d861042"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Empty at first: the report counts untallied sessions from their answers, as before, until
    # `flask figures release` (daily) tallies them.
    op.create_table(
        "session_feedback_tallies",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("level_1", sa.Integer(), nullable=False),
        sa.Column("level_2", sa.Integer(), nullable=False),
        sa.Column("level_3", sa.Integer(), nullable=False),
        sa.Column("level_4", sa.Integer(), nullable=False),
        sa.Column("level_5", sa.Integer(), nullable=False),
        sa.Column("did_differently", sa.Integer(), nullable=False),
        sa.Column("suggested_change", sa.Integer(), nullable=False),
        sa.Column("tallied_at", learnset.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_session_feedback_tallies_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("meeting_id", name=op.f("pk_session_feedback_tallies")),
    )


def downgrade() -> None:
    op.drop_table("session_feedback_tallies")
