"""Notifications and how often each person is emailed about them

Revision ID: 105ff9e8d418
Revises: fd0078230c39
Create Date: 2026-12-02 15:26:14.639960
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import learnset.db

revision: str = "105ff9e8d418"
down_revision: str | None = "fd0078230c39"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "notification_preferences",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("frequency", sa.String(length=20), nullable=False),
        sa.CheckConstraint(
            "frequency IN ('at-once', 'daily', 'weekly', 'off')",
            name=op.f("ck_notification_preferences_frequency"),
        ),
        sa.CheckConstraint(
            "kind IN ('shared', 'reply', 'comment', 'session', 'check-in', 'topic')",
            name=op.f("ck_notification_preferences_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_notification_preferences_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "kind", name=op.f("pk_notification_preferences")),
    )
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("link", sa.String(length=300), nullable=False),
        sa.Column("description", sa.String(length=300), nullable=False),
        sa.Column("created_at", learnset.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("read_at", learnset.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("digest_due", sa.Boolean(), nullable=False),
        sa.Column("emailed_at", learnset.db.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "kind IN ('shared', 'reply', 'comment', 'session', 'check-in', 'topic')",
            name=op.f("ck_notifications_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["users.id"],
            name=op.f("fk_notifications_actor_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["recipient_id"],
            ["users.id"],
            name=op.f("fk_notifications_recipient_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_notifications_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(
            "ix_notifications_recipient_id_read_at", ["recipient_id", "read_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index("ix_notifications_recipient_id_read_at")
        batch_op.drop_index(batch_op.f("ix_notifications_created_at"))

    op.drop_table("notifications")
    op.drop_table("notification_preferences")
