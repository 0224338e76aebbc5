"""Files attached to live challenge updates, and a photo on a quick note

Revision ID: 0b76d8cad626
Revises: d5578bef2e08
Create Date: 2026-12-02 16:48:52.610948
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import learnset.db

revision: str = '0b76d8cad626'
down_revision: str | None = 'd5578bef2e08'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Files beside a challenge's updates (issue 21): they go with the update, and with the file.
    op.create_table('challenge_update_attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('update_id', sa.Integer(), nullable=False),
    sa.Column('blob_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('created_at', learnset.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['blob_id'], ['file_blobs.id'], name=op.f('fk_challenge_update_attachments_blob_id_file_blobs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['update_id'], ['challenge_updates.id'], name=op.f('fk_challenge_update_attachments_update_id_challenge_updates'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_challenge_update_attachments')),
    sa.UniqueConstraint('blob_id', name=op.f('uq_challenge_update_attachments_blob_id'))
    )
    with op.batch_alter_table('challenge_update_attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_challenge_update_attachments_update_id'), ['update_id'], unique=False)

    # A quick note's optional photo: it becomes an attachment of the note's reflection.
    with op.batch_alter_table('notes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('photo_blob_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('photo_name', sa.String(length=120), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_notes_photo_blob_id'), ['photo_blob_id'])
        batch_op.create_foreign_key(batch_op.f('fk_notes_photo_blob_id_file_blobs'), 'file_blobs', ['photo_blob_id'], ['id'], ondelete='SET NULL')



def downgrade() -> None:
    with op.batch_alter_table('notes', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_notes_photo_blob_id_file_blobs'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_notes_photo_blob_id'), type_='unique')
        batch_op.drop_column('photo_name')
        batch_op.drop_column('photo_blob_id')

    with op.batch_alter_table('challenge_update_attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_challenge_update_attachments_update_id'))

    op.drop_table('challenge_update_attachments')
