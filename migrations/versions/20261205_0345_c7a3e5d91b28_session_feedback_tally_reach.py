"""How far the daily tally of session feedback reached, and answers indexed by their close, so the
programme report reads only the answers that may not be tallied

Revision ID: c7a3e5d91b28
Revises: 9c85413cb958
Create Date: 2026-12-05 03:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import learnset.db

revision: str = "c7a3e5d91b28"
down_revision: str | None = "9c85413cb958"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Empty at first: until `flask figures release` (daily) has run, the report looks at every
    # answered session, as before.
    op.create_table(
        "session_feedback_tally_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("closed_through", learnset.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_feedback_tally_runs")),
    )
    op.create_index(
        op.f("ix_session_feedback_closes_at"), "session_feedback", ["closes_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_session_feedback_closes_at"), table_name="session_feedback")
    op.drop_table("session_feedback_tally_runs")
