"""Certificates of attendance and CPD

Revision ID: 414c71789663
Revises: bb636274b1c0
Create Date: 2026-12-02 15:25:39.414454
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import learnset.db

revision: str = '414c71789663'
down_revision: str | None = 'bb636274b1c0'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('certificates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('holder_id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=24), nullable=False),
    sa.Column('holder_name', sa.String(length=200), nullable=False),
    sa.Column('programme_name', sa.String(length=200), nullable=False),
    sa.Column('date_from', sa.Date(), nullable=False),
    sa.Column('date_to', sa.Date(), nullable=False),
    sa.Column('sessions_attended', sa.Integer(), nullable=False),
    sa.Column('minutes_attended', sa.Integer(), nullable=False),
    sa.Column('cpd_minutes', sa.Integer(), nullable=False),
    sa.Column('sessions', sa.JSON(), nullable=False),
    sa.Column('signatory_name', sa.String(length=200), nullable=False),
    sa.Column('signatory_role', sa.String(length=200), nullable=False),
    sa.Column('issued_at', learnset.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', learnset.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('date_from <= date_to', name=op.f('ck_certificates_dates_in_order')),
    sa.ForeignKeyConstraint(['holder_id'], ['users.id'], name=op.f('fk_certificates_holder_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificates')),
    sa.UniqueConstraint('reference', name=op.f('uq_certificates_reference'))
    )
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificates_holder_id'), ['holder_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certificates_holder_id'))

    op.drop_table('certificates')
