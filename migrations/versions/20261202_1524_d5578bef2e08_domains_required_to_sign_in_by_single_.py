"""Domains required to sign in by single sign-on; authenticator apps' secrets encrypted

Revision ID: d5578bef2e08
Revises: 659254f231b7
Create Date: 2026-12-02 15:24:08.544550
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import learnset.db
import learnset.encryption

revision: str = 'd5578bef2e08'
down_revision: str | None = '659254f231b7'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _box():
    """The app's key, when there are secrets to convert: `flask db upgrade` runs inside the app,
    so its settings (TWO_FACTOR_KEY, else the key derived from SECRET_KEY) are at hand."""
    from flask import current_app, has_app_context

    if not has_app_context():
        raise RuntimeError(
            "Authenticator apps' secrets need the app's key: run `flask db upgrade`"
        )
    return learnset.encryption.box(learnset.encryption.keys_from(current_app.config))


def _convert(encrypt: bool) -> None:
    apps = sa.table("two_factor_apps", sa.column("user_id", sa.Integer), sa.column("secret"))
    connection = op.get_bind()
    rows = connection.execute(sa.select(apps.c.user_id, apps.c.secret)).all()
    if not rows:
        return
    box = _box()
    for user_id, secret in rows:
        value = box.encrypt(secret.encode()) if encrypt else box.decrypt(secret.encode())
        connection.execute(
            apps.update().where(apps.c.user_id == user_id).values(secret=value.decode())
        )


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
    with op.batch_alter_table('two_factor_apps', schema=None) as batch_op:
        batch_op.alter_column(
            'secret',
            existing_type=sa.String(length=64),
            type_=learnset.encryption.EncryptedString(length=255),
            existing_nullable=False,
        )
    _convert(encrypt=True)


def downgrade() -> None:
    _convert(encrypt=False)
    with op.batch_alter_table('two_factor_apps', schema=None) as batch_op:
        batch_op.alter_column(
            'secret',
            existing_type=learnset.encryption.EncryptedString(length=255),
            type_=sa.String(length=64),
            existing_nullable=False,
        )
    op.drop_table('required_sso_domains')
