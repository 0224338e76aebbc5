"""Indexes for the engagement dashboard's month-by-month counts

Revision ID: 7c3e9a1d52b4
Revises: 0b76d8cad626
Create Date: 2026-12-03 06:10:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = '7c3e9a1d52b4'
down_revision: str | None = '0b76d8cad626'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Engagement counts a set's sessions, reflections and check-ins per month (issue 14): each
    # is found by the set and a range of time, not by reading all of the set's rows each month.
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.create_index('ix_meetings_cohort_id_starts_at', ['cohort_id', 'starts_at'], unique=False)
    with op.batch_alter_table('reflections', schema=None) as batch_op:
        batch_op.create_index('ix_reflections_cohort_id_created_at', ['cohort_id', 'created_at'], unique=False)
    with op.batch_alter_table('self_assessments', schema=None) as batch_op:
        batch_op.create_index('ix_self_assessments_cohort_id_submitted_at', ['cohort_id', 'submitted_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('self_assessments', schema=None) as batch_op:
        batch_op.drop_index('ix_self_assessments_cohort_id_submitted_at')
    with op.batch_alter_table('reflections', schema=None) as batch_op:
        batch_op.drop_index('ix_reflections_cohort_id_created_at')
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_index('ix_meetings_cohort_id_starts_at')
