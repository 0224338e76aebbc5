"""Alembic, driven from the app's own settings rather than an alembic.ini."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection

from learnset.config import data_dir

MIGRATIONS_DIR = data_dir("migrations")


def alembic_config(database_url: str, connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # Date-and-time prefixed files list in the order they were written (revision ids are random).
    config.set_main_option(
        "file_template",
        "%%(year)d%%(month).2d%%(day).2d_%%(hour).2d%%(minute).2d_%%(rev)s_%%(slug)s",
    )
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(
    database_url: str, revision: str = "head", connection: Connection | None = None
) -> None:
    command.upgrade(alembic_config(database_url, connection), revision)
