"""Files attached to reflections

Revision ID: 3a60fee48ce5
Revises: fa52f04183dd
Create Date: 2026-12-02 15:26:01.765771
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import learnset.db

revision: str = "3a60fee48ce5"
down_revision: str | None = "fa52f04183dd"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "file_blobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", learnset.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_file_blobs_owner_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_file_blobs")),
    )
    with op.batch_alter_table("file_blobs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_file_blobs_owner_id"), ["owner_id"], unique=False)

    op.create_table(
        "file_chunks",
        sa.Column("blob_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["blob_id"],
            ["file_blobs.id"],
            name=op.f("fk_file_chunks_blob_id_file_blobs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("blob_id", "position", name=op.f("pk_file_chunks")),
    )
    op.create_table(
        "reflection_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reflection_id", sa.Integer(), nullable=False),
        sa.Column("blob_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("created_at", learnset.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["blob_id"],
            ["file_blobs.id"],
            name=op.f("fk_reflection_attachments_blob_id_file_blobs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reflection_id"],
            ["reflections.id"],
            name=op.f("fk_reflection_attachments_reflection_id_reflections"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reflection_attachments")),
        sa.UniqueConstraint("blob_id", name=op.f("uq_reflection_attachments_blob_id")),
    )
    with op.batch_alter_table("reflection_attachments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_reflection_attachments_reflection_id"), ["reflection_id"], unique=False
        )

    with op.batch_alter_table("reflection_versions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("files", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("reflection_versions", schema=None) as batch_op:
        batch_op.drop_column("files")

    with op.batch_alter_table("reflection_attachments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reflection_attachments_reflection_id"))

    op.drop_table("reflection_attachments")
    op.drop_table("file_chunks")
    with op.batch_alter_table("file_blobs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_file_blobs_owner_id"))

    op.drop_table("file_blobs")
