"""Thumbnails of pictures, drawn once when the picture is kept

Revision ID: 5c1e7d2a9b40
Revises: 7c3e9a1d52b4
Create Date: 2026-12-03 06:15:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '5c1e7d2a9b40'
down_revision: str | None = '7c3e9a1d52b4'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # One small copy a picture, going with it. Pictures kept before this have none: theirs is
    # drawn when asked for, as it was before (a GET never writes).
    op.create_table('file_thumbnails',
    sa.Column('blob_id', sa.Integer(), nullable=False),
    sa.Column('etag', sa.String(length=64), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['blob_id'], ['file_blobs.id'], name=op.f('fk_file_thumbnails_blob_id_file_blobs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('blob_id', name=op.f('pk_file_thumbnails'))
    )


def downgrade() -> None:
    op.drop_table('file_thumbnails')
