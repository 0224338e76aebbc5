"""Feedback from colleagues

Revision ID: aa2fdf50e917
Revises: f7e3a94640e6
Create Date: 2026-12-02 12:12:07.772067
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import learnset.db

revision: str = "aa2fdf50e917"
down_revision: str | None = "f7e3a94640e6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "feedback_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("capability_ids", sa.JSON(), nullable=False),
        sa.Column("created_at", learnset.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closes_at", learnset.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_early_at", learnset.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("released_at", learnset.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("report", sa.JSON(), nullable=True),
        sa.Column("reminded_at", learnset.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("shared_with_tutors", sa.Boolean(), nullable=False),
        sa.Column("in_appraisal", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["cohorts.id"],
            name=op.f("fk_feedback_rounds_cohort_id_cohorts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["users.id"],
            name=op.f("fk_feedback_rounds_participant_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_rounds")),
    )
    with op.batch_alter_table("feedback_rounds", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_feedback_rounds_closes_at"), ["closes_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_feedback_rounds_cohort_id"), ["cohort_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_feedback_rounds_participant_id"), ["participant_id"], unique=False
        )

    op.create_table(
        "feedback_raters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("relationship", sa.String(length=20), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=True),
        sa.Column("invited_at", learnset.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("responded_at", learnset.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("declined_at", learnset.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("draft", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["feedback_rounds.id"],
            name=op.f("fk_feedback_raters_round_id_feedback_rounds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_raters")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_feedback_raters_token_hash")),
    )
    with op.batch_alter_table("feedback_raters", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_feedback_raters_round_id"), ["round_id"], unique=False)

    op.create_table(
        "feedback_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("relationship", sa.String(length=20), nullable=False),
        sa.Column("ratings", sa.JSON(), nullable=False),
        sa.Column("keep_doing", sa.Text(), nullable=False),
        sa.Column("start_doing", sa.Text(), nullable=False),
        sa.Column("change", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["feedback_rounds.id"],
            name=op.f("fk_feedback_responses_round_id_feedback_rounds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_responses")),
    )
    with op.batch_alter_table("feedback_responses", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_feedback_responses_round_id"), ["round_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("feedback_responses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedback_responses_round_id"))

    op.drop_table("feedback_responses")
    with op.batch_alter_table("feedback_raters", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedback_raters_round_id"))

    op.drop_table("feedback_raters")
    with op.batch_alter_table("feedback_rounds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedback_rounds_participant_id"))
        batch_op.drop_index(batch_op.f("ix_feedback_rounds_cohort_id"))
        batch_op.drop_index(batch_op.f("ix_feedback_rounds_closes_at"))

    op.drop_table("feedback_rounds")
