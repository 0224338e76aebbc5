"""Kept text has one owner, a size, and the client it came from, for the limits

Text kept before this revision may have come from a forged cross-site form (issue 12, item 2)
and some of it has no owner, so it cannot be given back under the new rules: it is removed.

Revision ID: 53427d44138a
Revises: 43ea673400eb
Create Date: 2026-12-02 02:39:31.464690
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import learnset.db

revision: str = "53427d44138a"
down_revision: str | None = "43ea673400eb"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(sa.text("DELETE FROM reflection_rescues"))
    with op.batch_alter_table("reflection_rescues", schema=None) as batch_op:
        batch_op.add_column(sa.Column("client_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("size", sa.Integer(), server_default="0", nullable=False))
        batch_op.alter_column("user_id", existing_type=sa.INTEGER(), nullable=False)
        batch_op.create_index(
            batch_op.f("ix_reflection_rescues_created_at"), ["created_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("reflection_rescues", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reflection_rescues_created_at"))
        batch_op.alter_column("user_id", existing_type=sa.INTEGER(), nullable=True)
        batch_op.drop_column("size")
        batch_op.drop_column("client_hash")
