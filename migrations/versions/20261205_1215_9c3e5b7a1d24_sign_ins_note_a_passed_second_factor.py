"""Sign-in sessions note when they passed a second factor

Revision ID: 9c3e5b7a1d24
Revises: 9d3f6b1e2a47
Create Date: 2026-12-05 12:15:00.000000

Someone made a tutor or an admin while signed in must pass a second factor before their next
page; a sign-in that passed one already carries on (accounts/second_step.py). Sign-ins open now
were made when anyone with an authenticator app or a passkey had to pass it to sign in, or set
it up while signed in: theirs count as passed from when they began.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import learnset.db

revision: str = "9c3e5b7a1d24"
down_revision: str | None = "9d3f6b1e2a47"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sign_in_sessions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "second_factor_at", learnset.db.UTCDateTime(timezone=True), nullable=True
            )
        )
    op.execute(
        "UPDATE sign_in_sessions SET second_factor_at = created_at "
        "WHERE ended_at IS NULL AND ("
        "user_id IN (SELECT user_id FROM two_factor_apps) "
        "OR user_id IN (SELECT user_id FROM passkeys))"
    )


def downgrade() -> None:
    with op.batch_alter_table("sign_in_sessions", schema=None) as batch_op:
        batch_op.drop_column("second_factor_at")
