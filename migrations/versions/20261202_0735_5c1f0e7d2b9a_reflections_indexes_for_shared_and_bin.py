"""Reflections: an index for what was shared in a set, newest first; the bin's index holds only
what is in the bin

Revision ID: 5c1f0e7d2b9a
Revises: a808c4aba42e
Create Date: 2026-12-02 07:35:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5c1f0e7d2b9a"
down_revision: str | None = "a808c4aba42e"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

IN_THE_BIN = sa.text("deleted_at IS NOT NULL")


def upgrade() -> None:
    op.create_index("ix_reflections_cohort_id_shared_at", "reflections", ["cohort_id", "shared_at"])
    op.drop_index("ix_reflections_deleted_at", table_name="reflections")
    op.create_index(
        "ix_reflections_deleted_at",
        "reflections",
        ["deleted_at"],
        sqlite_where=IN_THE_BIN,
        postgresql_where=IN_THE_BIN,
    )


def downgrade() -> None:
    op.drop_index("ix_reflections_deleted_at", table_name="reflections")
    op.create_index("ix_reflections_deleted_at", "reflections", ["deleted_at"])
    op.drop_index("ix_reflections_cohort_id_shared_at", table_name="reflections")
