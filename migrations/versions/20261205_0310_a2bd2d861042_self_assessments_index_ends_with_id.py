"""Self-assessments: a person's in a set indexed in the order pages read them, date then id

PostgreSQL could not stop at the first of a capability's ratings (ORDER BY submitted_at, id
LIMIT 1) with an index that ended at the date: it read and sorted every assessment, for each
capability. SQLite's indexes end with the row's id already.

Revision ID: a2bd2d861042
Revises: 3f8a6c1d2e57
Create Date: 2026-12-05 03:10:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "a2bd2d861042"
down_revision: str | None = "3f8a6c1d2e57"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD = "ix_self_assessments_participant_id_cohort_id_submitted_at"
NEW = "ix_self_assessments_participant_id_cohort_id_submitted_at_id"


def upgrade() -> None:
    op.create_index(
        NEW, "self_assessments", ["participant_id", "cohort_id", "submitted_at", "id"]
    )
    op.drop_index(OLD, table_name="self_assessments")


def downgrade() -> None:
    op.create_index(OLD, "self_assessments", ["participant_id", "cohort_id", "submitted_at"])
    op.drop_index(NEW, table_name="self_assessments")
