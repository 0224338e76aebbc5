"""Feedback messages

Revision ID: ff65652307ca
Revises: 4e777bcc7dfe
Create Date: 2026-12-02 09:26:25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import learnset.db

revision: str = "ff65652307ca"
down_revision: str | None = "4e777bcc7dfe"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "feedback_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", learnset.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("reply_to", sa.String(length=254), nullable=False),
        sa.Column("page", sa.String(length=100), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_feedback_messages_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_messages")),
    )
    op.create_index(
        op.f("ix_feedback_messages_created_at"), "feedback_messages", ["created_at"]
    )
    op.create_index(op.f("ix_feedback_messages_user_id"), "feedback_messages", ["user_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_feedback_messages_user_id"), table_name="feedback_messages")
    op.drop_index(op.f("ix_feedback_messages_created_at"), table_name="feedback_messages")
    op.drop_table("feedback_messages")
