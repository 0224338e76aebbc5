"""Invitations imported from a CSV file, and the name an invitation gives

Revision ID: 659254f231b7
Revises: 3a60fee48ce5
Create Date: 2026-12-02 15:26:00.333673
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import learnset.db

revision: str = '659254f231b7'
down_revision: str | None = '3a60fee48ce5'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('invitation_imports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('rows', sa.JSON(), nullable=False),
    sa.Column('created_at', learnset.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', learnset.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', learnset.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('invitation_ids', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_invitation_imports_uploaded_by_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitation_imports'))
    )
    with op.batch_alter_table('invitation_imports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invitation_imports_uploaded_by_id'), ['uploaded_by_id'], unique=False)
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name', sa.String(length=120), server_default='', nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.drop_column('name')
    with op.batch_alter_table('invitation_imports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invitation_imports_uploaded_by_id'))

    op.drop_table('invitation_imports')
