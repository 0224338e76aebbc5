"""Quick notes

Revision ID: fd0078230c39
Revises: 414c71789663
Create Date: 2026-12-02 15:26:03.782145
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import learnset.db

revision: str = 'fd0078230c39'
down_revision: str | None = '414c71789663'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.String(length=36), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=True),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('draft_key', sa.String(length=64), nullable=True),
    sa.Column('created_at', learnset.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('length(body) <= 2000', name=op.f('ck_notes_body_length')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_notes_author_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_notes_cohort_id_cohorts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_notes_meeting_id_meetings'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notes')),
    sa.UniqueConstraint('author_id', 'client_id', name=op.f('uq_notes_author_id_client_id'))
    )
    with op.batch_alter_table('notes', schema=None) as batch_op:
        batch_op.create_index('ix_notes_author_id_created_at', ['author_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_notes_cohort_id'), ['cohort_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notes_meeting_id'), ['meeting_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notes_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_notes_cohort_id'))
        batch_op.drop_index('ix_notes_author_id_created_at')

    op.drop_table('notes')
