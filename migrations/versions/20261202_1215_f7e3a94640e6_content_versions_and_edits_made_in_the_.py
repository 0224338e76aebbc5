"""Content versions and edits made in the app

Revision ID: f7e3a94640e6
Revises: 87846fbd4933
Create Date: 2026-12-02 12:15:40.159720
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import learnset.db

revision: str = 'f7e3a94640e6'
down_revision: str | None = '87846fbd4933'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('content_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('content_item_id', sa.Integer(), nullable=True),
    sa.Column('capability_id', sa.Integer(), nullable=True),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('origin', sa.String(length=20), nullable=False),
    sa.Column('restored_from', sa.Integer(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', learnset.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("origin IN ('edited', 'restored', 'synced')", name=op.f('ck_content_versions_origin')),
    sa.CheckConstraint('(content_item_id IS NULL) <> (capability_id IS NULL)', name=op.f('ck_content_versions_one_subject')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_content_versions_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['capability_id'], ['capabilities.id'], name=op.f('fk_content_versions_capability_id_capabilities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['content_item_id'], ['content_items.id'], name=op.f('fk_content_versions_content_item_id_content_items'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_content_versions')),
    sa.UniqueConstraint('capability_id', 'number', name=op.f('uq_content_versions_capability_id_number')),
    sa.UniqueConstraint('content_item_id', 'number', name=op.f('uq_content_versions_content_item_id_number'))
    )
    with op.batch_alter_table('content_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_content_versions_author_id'), ['author_id'], unique=False)

    with op.batch_alter_table('capabilities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('edited_in_app_at', learnset.db.UTCDateTime(timezone=True), nullable=True))

    with op.batch_alter_table('content_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('edited_in_app_at', learnset.db.UTCDateTime(timezone=True), nullable=True))



def downgrade() -> None:
    # The versions go first, then the two columns, dropped in place: rebuilding content_items
    # or capabilities the batch way would trip the foreign keys of the rows pointing at them.
    with op.batch_alter_table('content_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_content_versions_author_id'))
    op.drop_table('content_versions')
    op.execute('ALTER TABLE content_items DROP COLUMN edited_in_app_at')
    op.execute('ALTER TABLE capabilities DROP COLUMN edited_in_app_at')
