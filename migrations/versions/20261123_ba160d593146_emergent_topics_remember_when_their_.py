"""Emergent topics remember when their proposer last reworded them

Revision ID: ba160d593146
Revises: 7e02a0412780
Create Date: 2026-11-23 16:41:42.659727
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import learnset.db

revision: str = 'ba160d593146'
down_revision: str | None = '7e02a0412780'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('emergent_topics', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('edited_at', learnset.db.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table('emergent_topics', schema=None) as batch_op:
        batch_op.drop_column('edited_at')
