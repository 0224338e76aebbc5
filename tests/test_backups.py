"""Backups and restores, as docs/deploy.md tells an operator to take them (issue 15, item 4):
`flask backup` and `flask restore` on SQLite; pg_dump and pg_restore on PostgreSQL."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from learnset import create_app, migrate
from learnset.accounts.models import User
from learnset.db import database
from tests import factories
from tests.apps import TEMPLATE_CACHE, fresh_app, make_test_config
from tests.postgres import find_bin_dir


def _names(app) -> list[str]:  # type: ignore[no-untyped-def]
    with database(app).sessions() as session:
        return list(session.scalars(select(User.name).order_by(User.name)))


def _add_person(app, name: str) -> None:  # type: ignore[no-untyped-def]
    with database(app).sessions() as session:
        factories.make_user(session, name=name)
        session.commit()


def test_backup_then_restore_brings_the_data_back(tmp_path):
    app = fresh_app(tmp_path)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["init"]).exit_code == 0
    _add_person(app, "Ada Before")
    backup = tmp_path / "backups" / "learnset-1.db"
    backup.parent.mkdir()

    made = runner.invoke(args=["backup", str(backup)])
    assert made.exit_code == 0, made.output
    assert "SQLite finds it whole" in made.output
    assert backup.stat().st_mode & 0o077 == 0

    _add_person(app, "Bo After")
    with database(app).sessions() as session:
        session.execute(text("UPDATE users SET name = 'Ada Changed' WHERE name = 'Ada Before'"))
        session.commit()
    assert _names(app) == ["Ada Changed", "Bo After"]

    restored = runner.invoke(args=["restore", str(backup), "--yes"])
    assert restored.exit_code == 0, restored.output
    assert _names(app) == ["Ada Before"]
    assert runner.invoke(args=["check"]).exit_code == 0


def test_a_backup_never_overwrites_a_file(tmp_path):
    app = fresh_app(tmp_path, migrated=True)
    existing = tmp_path / "there.db"
    existing.write_text("keep me")
    result = app.test_cli_runner().invoke(args=["backup", str(existing)])
    assert result.exit_code == 1
    assert "already exists" in result.output
    assert existing.read_text() == "keep me"


def test_restore_refuses_a_file_that_is_not_a_backup_and_changes_nothing(tmp_path):
    app = fresh_app(tmp_path, migrated=True)
    _add_person(app, "Ada Kept")
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    result = app.test_cli_runner().invoke(args=["restore", str(junk), "--yes"])
    assert result.exit_code == 1
    assert "Nothing was changed." in result.output
    assert _names(app) == ["Ada Kept"]


def test_restore_asks_before_replacing_everything(tmp_path):
    app = fresh_app(tmp_path, migrated=True)
    result = app.test_cli_runner().invoke(args=["restore", str(tmp_path / "x.db")], input="n\n")
    assert result.exit_code == 1
    assert "replaces everything in the database" in result.output


def _postgres_app(url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    migrate.upgrade(url)
    app = create_app(make_test_config(url, tmp_path))
    app.jinja_env.bytecode_cache = TEMPLATE_CACHE
    return app


@pytest.mark.postgresql_only
def test_backup_on_postgresql_points_at_pg_dump_and_fails(empty_database_url, tmp_path):
    app = _postgres_app(empty_database_url, tmp_path)
    for args in (["backup", str(tmp_path / "b.db")], ["restore", str(tmp_path / "b.db"), "--yes"]):
        result = app.test_cli_runner().invoke(args=args)
        assert result.exit_code == 1
        assert "back it up with pg_dump" in result.output
    assert not (tmp_path / "b.db").exists()
    database(app).engine.dispose()


@pytest.mark.postgresql_only
def test_pg_dump_and_pg_restore_as_the_deployment_guide_gives_them(empty_database_url, tmp_path):
    app = _postgres_app(empty_database_url, tmp_path)
    _add_person(app, "Ada Before")
    url = make_url(empty_database_url)
    bin_dir = find_bin_dir()
    assert bin_dir is not None
    connect = ["--host", str(url.host), "--port", str(url.port), "--username", str(url.username)]
    dump = tmp_path / "learnset.dump"
    subprocess.run(
        [bin_dir / "pg_dump", *connect, "--format=custom", f"--file={dump}", str(url.database)],
        check=True, capture_output=True, stdin=subprocess.DEVNULL, timeout=120,
    )  # fmt: skip

    _add_person(app, "Bo After")
    with database(app).sessions() as session:
        session.execute(text("UPDATE users SET name = 'Ada Changed' WHERE name = 'Ada Before'"))
        session.commit()
    database(app).engine.dispose()

    subprocess.run(
        [bin_dir / "pg_restore", *connect, "--clean", "--if-exists", "--no-owner",
         f"--dbname={url.database}", dump],
        check=True, capture_output=True, stdin=subprocess.DEVNULL, timeout=120,
    )  # fmt: skip
    assert _names(app) == ["Ada Before"]
    engine = create_engine(empty_database_url)
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(User.__table__)) == 1
    engine.dispose()
    database(app).engine.dispose()
