"""Files' bytes on PostgreSQL: compressed with lz4 where it has it, else not at all

Revision ID: b4e1f7c2d9a3
Revises: 5c1e7d2a9b40
Create Date: 2026-12-03 08:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'b4e1f7c2d9a3'
down_revision: str | None = '5c1e7d2a9b40'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# PostgreSQL compresses every value over about 2 kB before moving it out of line (TOAST), with
# pglz unless told otherwise. Most files we keep are compressed already (PDF, JPEG, PNG, the
# Office formats are zips): pglz gives up on some at once, but on others works through a whole
# 256 KB chunk first (two to three times the CPU of storing a zip's bytes as they are), and on
# CSV it spends five times the CPU of lz4 for about the same saving. lz4 costs about what
# storing as they are does, on every kind, and still shrinks text to about a third
# (bench/toast.py, bench/README.md). A server without lz4 (built without it, or before
# PostgreSQL 14) keeps file bytes uncompressed (EXTERNAL). Either applies to values written
# from now on, and changes only the catalogue. SQLite has no such setting.
_COLUMNS = (('file_chunks', 'data'), ('file_thumbnails', 'data'))


def _has_lz4() -> bool:
    # The setting lists lz4 among its values only on a server built with it (14 and later).
    values = op.get_bind().scalar(
        sa.text("SELECT enumvals FROM pg_settings WHERE name = 'default_toast_compression'")
    )
    return 'lz4' in (values or [])


def upgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    change = 'SET COMPRESSION lz4' if _has_lz4() else 'SET STORAGE EXTERNAL'
    for table, column in _COLUMNS:
        op.execute(f'ALTER TABLE {table} ALTER COLUMN {column} {change}')


def downgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    for table, column in _COLUMNS:
        op.execute(f'ALTER TABLE {table} ALTER COLUMN {column} SET STORAGE EXTENDED')
        if op.get_bind().dialect.server_version_info >= (14,):
            op.execute(f'ALTER TABLE {table} ALTER COLUMN {column} SET COMPRESSION DEFAULT')
