"""The programme report's counts for each set, kept with each release of its figures

Revision ID: 3f8a6c1d2e57
Revises: b4e1f7c2d9a3
Create Date: 2026-12-03 08:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '3f8a6c1d2e57'
down_revision: str | None = 'b4e1f7c2d9a3'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Releases made before this have none: `flask figures count-for-report` counts them for each
    # set's latest release, and every release after this counts its own.
    op.add_column('figure_releases', sa.Column('report_cells', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('figure_releases') as batch_op:
        batch_op.drop_column('report_cells')
