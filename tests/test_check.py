"""flask check for operators (issue 15, item 4): the database answers and is at the newest
migration, content/ is loaded, the mail queue moves, settings are safe; non-zero on a problem."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy import select

from learnset import migrate
from learnset.db import database, utcnow
from learnset.library import editing, versions
from learnset.library.models import ContentItem
from learnset.mail.models import OutgoingMail
from tests import factories
from tests.apps import fresh_app


def _ready(tmp_path, url, **settings):  # type: ignore[no-untyped-def]
    """Initialised, on a database of the run's engine: SQLite or PostgreSQL."""
    app = fresh_app(tmp_path, DATABASE_URL=url, **settings)
    result = app.test_cli_runner().invoke(args=["init"])
    assert result.exit_code == 0, result.output
    return app


def _initialised(tmp_path, url, **settings):  # type: ignore[no-untyped-def]
    """On a copy of a database that `flask init` initialised (the initialised_database_url
    fixture): as _ready leaves one, without running the command again."""
    return fresh_app(tmp_path, DATABASE_URL=url, **settings)


def _check(app):  # type: ignore[no-untyped-def]
    result = app.test_cli_runner().invoke(args=["check"])
    database(app).engine.dispose()
    return result


def _queue_mail(app: Flask, recipient: str, **columns: Any) -> None:
    """An email in the app's mail queue, to `recipient`, as `columns` leave it."""
    with database(app).sessions() as session:
        mail = OutgoingMail(kind="message", recipient=recipient, subject="s", body="b", **columns)
        session.add(mail)
        session.commit()


def test_a_ready_install_is_all_well(tmp_path, empty_database_url):
    result = _check(_ready(tmp_path, empty_database_url))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert any(line.startswith("Migrations: at the newest revision") for line in lines)
    assert any(line.startswith("Content: in step with") for line in lines)
    assert "Mail queue: nothing waiting." in lines
    assert any(line.startswith("Settings: production settings are off") for line in lines)
    assert lines[-1] == "All well."


def test_a_database_behind_the_newest_migration_fails(tmp_path, initialised_database_url):
    app = _initialised(tmp_path, initialised_database_url)
    assert app.test_cli_runner().invoke(args=["db", "downgrade", "--", "-1"]).exit_code == 0
    result = _check(app)
    assert result.exit_code == 1
    [head] = ScriptDirectory.from_config(migrate.alembic_config("sqlite://")).get_heads()
    assert f"the code at {head}" in result.output
    assert "WARNING: the database is not at the newest migration" in result.output


def test_an_edit_made_in_the_app_is_named_but_is_no_problem(tmp_path, initialised_database_url):
    app = _initialised(tmp_path, initialised_database_url)
    with database(app).sessions() as session:
        item = session.scalar(select(ContentItem).where(ContentItem.slug == "gains-audit"))
        admin = factories.make_user(session, is_admin=True)
        words = editing.ItemChanges(
            "A gains audit, reworded", item.summary, item.minutes,
            [capability.slug for capability in item.capabilities], item.body,
        )  # fmt: skip
        editing.save_item(
            session, admin, item, words, versions.latest_number(session, item), utcnow()
        )
        session.commit()
    result = _check(app)
    assert result.exit_code == 0, result.output
    assert "apart from 1 edited in the app since" in result.output
    assert "exercises/gains-audit.md" in result.output


def test_content_not_loaded_fails(tmp_path):
    app = fresh_app(tmp_path, migrated=True)
    result = _check(app)
    assert result.exit_code == 1
    assert "Content: differs from" in result.output
    assert "WARNING: the content library is not in step with content/" in result.output


def test_an_email_waiting_too_long_fails_and_a_recent_one_does_not(
    tmp_path, initialised_database_url
):
    app = _initialised(tmp_path, initialised_database_url, MAIL_QUEUE_MAX_AGE_MINUTES=15)
    now = utcnow()
    _queue_mail(app, "x@example.org", created_at=now - timedelta(minutes=5), next_attempt_at=now)
    fine = _check(app)
    assert fine.exit_code == 0, fine.output
    assert "Mail queue: 1 waiting, the oldest for 5 minutes." in fine.output

    _queue_mail(app, "y@example.org", created_at=now - timedelta(hours=3), next_attempt_at=now)
    stuck = _check(app)
    assert stuck.exit_code == 1
    assert "Mail queue: 2 waiting, the oldest for 3 hours." in stuck.output
    assert "WARNING: an email has waited more than 15 minutes" in stuck.output
    assert "x@example.org" not in stuck.output


def test_an_email_given_up_on_today_fails(tmp_path, initialised_database_url):
    app = _initialised(tmp_path, initialised_database_url)
    now = utcnow()
    _queue_mail(
        app,
        "x@example.org",
        attempts=10,
        created_at=now - timedelta(hours=7),
        failed_at=now - timedelta(minutes=1),
        last_error="550 no such mailbox",
    )
    result = _check(app)
    assert result.exit_code == 1
    assert "WARNING: 1 email could not be sent after every retry" in result.output


def test_production_with_an_http_base_url_fails(tmp_path, initialised_database_url):
    # The test settings turn two-factor authentication off; production refuses that.
    production = {
        "PRODUCTION": True,
        "TWO_FACTOR_REQUIRED": True,
        "TWO_FACTOR_KEY": "EK3EUZLmZ1MoMeSTC2PWJGnThD_Fr3upf1fhMgDTvag=",
    }
    app = _initialised(
        tmp_path, initialised_database_url, MAIL_SERVER="smtp.nhs.example", **production
    )
    result = _check(app)
    assert result.exit_code == 1
    assert "WARNING: set BASE_URL to the https:// address" in result.output

    app.config["BASE_URL"] = "https://learnset.nhs.example"
    result = _check(app)
    assert result.exit_code == 0, result.output
    assert "Settings: production; SECRET_KEY set; mail through smtp.nhs.example:587;" in (
        result.output
    )
