"""Programmes of sessions

Revision ID: 7a5569a771cd
Revises: ff65652307ca
Create Date: 2026-12-02 12:15:45
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import learnset.db

revision: str = "7a5569a771cd"
down_revision: str | None = "ff65652307ca"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "programmes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.String(length=500), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("session_minutes", sa.Integer(), nullable=False),
        sa.Column("aims", sa.JSON(), nullable=False),
        sa.Column("source_path", sa.String(length=300), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", learnset.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", learnset.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("archived_at", learnset.db.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint("session_minutes > 0", name=op.f("ck_programmes_session_minutes")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programmes")),
        sa.UniqueConstraint("slug", name=op.f("uq_programmes_slug")),
    )
    op.create_table(
        "programme_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("aims", sa.JSON(), nullable=False),
        sa.Column("preparation", sa.Text(), nullable=False),
        sa.Column("facilitator_notes", sa.Text(), nullable=False),
        sa.Column("source_path", sa.String(length=300), nullable=False),
        sa.CheckConstraint("minutes > 0", name=op.f("ck_programme_sessions_minutes")),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_programme_sessions_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_sessions")),
        sa.UniqueConstraint(
            "programme_id", "number", name=op.f("uq_programme_sessions_programme_id_number")
        ),
    )
    op.create_table(
        "programme_uses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("applied_at", learnset.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("applied_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["applied_by_id"],
            ["users.id"],
            name=op.f("fk_programme_uses_applied_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["cohorts.id"],
            name=op.f("fk_programme_uses_cohort_id_cohorts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_programme_uses_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_uses")),
        sa.UniqueConstraint(
            "cohort_id", "programme_id", name=op.f("uq_programme_uses_cohort_id_programme_id")
        ),
    )
    with op.batch_alter_table("programme_uses", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_programme_uses_programme_id"), ["programme_id"], unique=False
        )

    op.create_table(
        "programme_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("activity", sa.String(length=300), nullable=False),
        sa.Column("content_item_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("minutes > 0", name=op.f("ck_programme_steps_minutes")),
        sa.ForeignKeyConstraint(
            ["content_item_id"],
            ["content_items.id"],
            name=op.f("fk_programme_steps_content_item_id_content_items"),
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["programme_sessions.id"],
            name=op.f("fk_programme_steps_session_id_programme_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_steps")),
    )
    with op.batch_alter_table("programme_steps", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_programme_steps_content_item_id"), ["content_item_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_programme_steps_session_id"), ["session_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("programme_steps", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_programme_steps_session_id"))
        batch_op.drop_index(batch_op.f("ix_programme_steps_content_item_id"))

    op.drop_table("programme_steps")
    with op.batch_alter_table("programme_uses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_programme_uses_programme_id"))

    op.drop_table("programme_uses")
    op.drop_table("programme_sessions")
    op.drop_table("programmes")
