"""Sign-in sessions on the server, failed sign-ins in the database; users lose session_token

Everyone is signed out by the upgrade: old cookies name a session_token, which no longer exists.

Revision ID: 6f3a45a81b24
Revises: 53427d44138a
Create Date: 2026-12-02 02:38:31.746998
"""

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import learnset.db

revision: str = '6f3a45a81b24'
down_revision: str | None = '53427d44138a'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'sign_in_sessions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('secret_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', learnset.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('last_seen_at', learnset.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('expires_at', learnset.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('device', sa.String(length=60), nullable=False),
        sa.Column('network', sa.String(length=50), nullable=False),
        sa.Column('ended_at', learnset.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('ended_reason', sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(
            ['user_id'],
            ['users.id'],
            name=op.f('fk_sign_in_sessions_user_id_users'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_sessions')),
        sa.UniqueConstraint('secret_hash', name=op.f('uq_sign_in_sessions_secret_hash')),
    )
    op.create_index(
        'ix_sign_in_sessions_user_id_ended_at', 'sign_in_sessions', ['user_id', 'ended_at']
    )

    op.create_table(
        'sign_in_failures',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('email_digest', sa.String(length=64), nullable=False),
        sa.Column('client', sa.String(length=50), nullable=False),
        sa.Column('failed_at', learnset.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_failures')),
    )
    op.create_index(
        'ix_sign_in_failures_email_digest_client',
        'sign_in_failures',
        ['email_digest', 'client', 'failed_at'],
    )
    op.create_index(
        'ix_sign_in_failures_client_failed_at', 'sign_in_failures', ['client', 'failed_at']
    )
    op.create_index(op.f('ix_sign_in_failures_failed_at'), 'sign_in_failures', ['failed_at'])

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_token')


def downgrade() -> None:
    # Each account gets a new random token, so the downgrade signs everyone out too.
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_token', sa.String(length=64), nullable=True))
    users = sa.table('users', sa.column('id', sa.Integer), sa.column('session_token', sa.String))
    connection = op.get_bind()
    for (user_id,) in connection.execute(sa.select(users.c.id)).all():
        connection.execute(
            users.update()
            .where(users.c.id == user_id)
            .values(session_token=secrets.token_urlsafe(16))
        )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('session_token', existing_type=sa.String(length=64), nullable=False)

    op.drop_index(op.f('ix_sign_in_failures_failed_at'), table_name='sign_in_failures')
    op.drop_index('ix_sign_in_failures_client_failed_at', table_name='sign_in_failures')
    op.drop_index('ix_sign_in_failures_email_digest_client', table_name='sign_in_failures')
    op.drop_table('sign_in_failures')

    op.drop_index('ix_sign_in_sessions_user_id_ended_at', table_name='sign_in_sessions')
    op.drop_table('sign_in_sessions')
