"""Form submissions: one record for one drawing of a form (learnset/once.py)

Revision ID: a7ab60187cc6
Revises: 9c3e5b7a1d24
Create Date: 2026-12-05 12:20:00.000000

A new table only: no existing table is altered, so no engagement trigger is touched.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import learnset.db

revision: str = "a7ab60187cc6"
down_revision: str | None = "9c3e5b7a1d24"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "form_submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("value_hash", sa.String(length=64), nullable=False),
        sa.Column("made_at", learnset.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("made_url", sa.String(length=2000), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_form_submissions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_form_submissions")),
        sa.UniqueConstraint(
            "user_id", "value_hash", name=op.f("uq_form_submissions_user_id_value_hash")
        ),
    )
    op.create_index(op.f("ix_form_submissions_made_at"), "form_submissions", ["made_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_form_submissions_made_at"), table_name="form_submissions")
    op.drop_table("form_submissions")
