"""Cohort figures are released in rounds: each release keeps its aggregates

Revision ID: 43ea673400eb
Revises: ba160d593146
Create Date: 2026-12-02 02:34:51.673843
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import learnset.db

revision: str = '43ea673400eb'
down_revision: str | None = 'ba160d593146'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'figure_releases',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('cohort_id', sa.Integer(), nullable=False),
        sa.Column('released_at', learnset.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('contributors', sa.Integer(), nullable=False),
        sa.Column('reason', sa.String(length=20), nullable=False),
        sa.Column('figures', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ['cohort_id'],
            ['cohorts.id'],
            name=op.f('fk_figure_releases_cohort_id_cohorts'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_figure_releases')),
    )
    with op.batch_alter_table('figure_releases', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_figure_releases_cohort_id'), ['cohort_id'], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table('figure_releases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_figure_releases_cohort_id'))

    op.drop_table('figure_releases')
