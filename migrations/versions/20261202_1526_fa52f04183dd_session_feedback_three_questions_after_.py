"""Session feedback: three questions after each session

One row per participant and session (the unique constraint is the rule); the person is set to
NULL, not deleted, with their account, so a set's released answers never change.

Revision ID: fa52f04183dd
Revises: 105ff9e8d418
Create Date: 2026-12-02 15:26:18.658583
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import learnset.db

revision: str = 'fa52f04183dd'
down_revision: str | None = '105ff9e8d418'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('session_feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('usefulness', sa.Integer(), nullable=False),
    sa.Column('do_differently', sa.String(length=500), nullable=False),
    sa.Column('change_one_thing', sa.String(length=500), nullable=False),
    sa.Column('closes_at', learnset.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_at', learnset.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', learnset.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('usefulness BETWEEN 1 AND 5', name=op.f('ck_session_feedback_usefulness')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_session_feedback_meeting_id_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_session_feedback_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_feedback')),
    sa.UniqueConstraint('meeting_id', 'user_id', name=op.f('uq_session_feedback_meeting_id_user_id'))
    )
    with op.batch_alter_table('session_feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_feedback_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('session_feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_session_feedback_user_id'))

    op.drop_table('session_feedback')
