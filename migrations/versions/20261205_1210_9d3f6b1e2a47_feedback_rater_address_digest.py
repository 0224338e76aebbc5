"""A digest of each colleague's address, kept until their feedback round closes

Revision ID: 9d3f6b1e2a47
Revises: 56a521c43f6b
Create Date: 2026-12-05 12:10:00.000000

A colleague's address goes as soon as they answer or decline, so asking them again in the same
round was accepted for those who had answered and refused for those still waiting: the
difference told the participant who had answered, and the second link let one colleague answer
twice. The round now keeps a digest of every address it asked until it closes. Colleagues
still waiting get theirs here; those who answered before this revision left no address to make
one from.
"""

import hashlib
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9d3f6b1e2a47"
down_revision: str | None = "56a521c43f6b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("feedback_raters", sa.Column("email_digest", sa.String(64), nullable=True))
    raters = sa.table(
        "feedback_raters",
        sa.column("id", sa.Integer),
        sa.column("round_id", sa.Integer),
        sa.column("email", sa.String),
        sa.column("email_digest", sa.String),
    )
    connection = op.get_bind()
    waiting = connection.execute(
        sa.select(raters.c.id, raters.c.round_id, raters.c.email).where(
            raters.c.email.is_not(None)
        )
    ).all()
    # As colleague_feedback/services.py's _asked makes it, written out so this never changes.
    for rater_id, round_id, email in waiting:
        digest = hashlib.sha256(f"{round_id} {email}".encode()).hexdigest()
        connection.execute(
            raters.update().where(raters.c.id == rater_id).values(email_digest=digest)
        )


def downgrade() -> None:
    with op.batch_alter_table("feedback_raters") as batch:
        batch.drop_column("email_digest")
