"""Programme sessions edited in the app, with versions

Revision ID: bb636274b1c0
Revises: aa2fdf50e917
Create Date: 2026-12-02 13:41:32.985116
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import learnset.db

revision: str = 'bb636274b1c0'
down_revision: str | None = 'aa2fdf50e917'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


OLD_ONE_SUBJECT = "(content_item_id IS NULL) <> (capability_id IS NULL)"
NEW_ONE_SUBJECT = (
    "(CASE WHEN content_item_id IS NULL THEN 0 ELSE 1 END)"
    " + (CASE WHEN capability_id IS NULL THEN 0 ELSE 1 END)"
    " + (CASE WHEN programme_session_id IS NULL THEN 0 ELSE 1 END) = 1"
)


def upgrade() -> None:
    # Not the batch way for programme_sessions: rebuilding it would trip the foreign keys of
    # the steps pointing at it.
    op.add_column('programme_sessions', sa.Column('edited_in_app_at', learnset.db.UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table('content_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('programme_session_id', sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_content_versions_programme_session_id_number'), ['programme_session_id', 'number'])
        batch_op.create_foreign_key(batch_op.f('fk_content_versions_programme_session_id_programme_sessions'), 'programme_sessions', ['programme_session_id'], ['id'], ondelete='CASCADE')
        batch_op.drop_constraint(batch_op.f('ck_content_versions_one_subject'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_content_versions_one_subject'), NEW_ONE_SUBJECT)


def downgrade() -> None:
    # The sessions' versions cannot be kept without their column.
    op.execute('DELETE FROM content_versions WHERE programme_session_id IS NOT NULL')
    with op.batch_alter_table('content_versions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_content_versions_one_subject'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_content_versions_programme_session_id_programme_sessions'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_content_versions_programme_session_id_number'), type_='unique')
        batch_op.drop_column('programme_session_id')
        batch_op.create_check_constraint(batch_op.f('ck_content_versions_one_subject'), OLD_ONE_SUBJECT)
    op.execute('ALTER TABLE programme_sessions DROP COLUMN edited_in_app_at')
