"""Domains required to sign in by single sign-on

Revision ID: d5578bef2e08
Revises: bb636274b1c0
Create Date: 2026-12-02 15:24:08.544550
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import learnset.db

revision: str = 'd5578bef2e08'
down_revision: str | None = 'bb636274b1c0'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('required_sso_domains',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('domain', sa.String(length=253), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.Column('added_at', learnset.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['added_by_id'], ['users.id'], name=op.f('fk_required_sso_domains_added_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_required_sso_domains')),
    sa.UniqueConstraint('domain', name=op.f('uq_required_sso_domains_domain'))
    )


def downgrade() -> None:
    op.drop_table('required_sso_domains')
