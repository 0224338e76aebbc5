"""Library item sources, case studies and evidence examples for levels

Revision ID: a3f14a8665d6
Revises: 7a5569a771cd
Create Date: 2026-12-02 12:11:31.536657
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a3f14a8665d6"
down_revision: str | None = "7a5569a771cd"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_KINDS = "kind IN ('theory', 'exercise', 'method')"
NEW_KINDS = "kind IN ('theory', 'exercise', 'method', 'case-study')"


def upgrade() -> None:
    # Existing rows start empty; the next content sync fills them from the files.
    with op.batch_alter_table("capabilities", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("level_evidence", sa.JSON(), nullable=False, server_default="{}")
        )
    with op.batch_alter_table("capabilities", schema=None) as batch_op:
        batch_op.alter_column("level_evidence", server_default=None)

    with op.batch_alter_table("content_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sources", sa.JSON(), nullable=False, server_default="[]"))
        batch_op.drop_constraint(op.f("ck_content_items_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_content_items_kind"), sa.text(NEW_KINDS))
    with op.batch_alter_table("content_items", schema=None) as batch_op:
        batch_op.alter_column("sources", server_default=None)


def downgrade() -> None:
    # The older schema has no case studies: they are kept, as theory, so links to them hold.
    op.execute("UPDATE content_items SET kind = 'theory' WHERE kind = 'case-study'")
    with op.batch_alter_table("content_items", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_content_items_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_content_items_kind"), sa.text(OLD_KINDS))
        batch_op.drop_column("sources")

    with op.batch_alter_table("capabilities", schema=None) as batch_op:
        batch_op.drop_column("level_evidence")
