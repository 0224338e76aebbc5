"""Command-line tasks: init, create-admin, demo."""

import pytest
from sqlalchemy import func, select

from learnset import config, demo
from learnset.accounts import services
from learnset.accounts.models import User
from learnset.cohorts.models import Cohort, Membership
from learnset.db import database, utcnow
from tests.apps import fresh_app


def test_init_creates_the_schema(tmp_path):
    app = fresh_app(tmp_path)
    result = app.test_cli_runner().invoke(args=["init"])
    assert result.exit_code == 0, result.output
    assert "up to date" in result.output
    with database(app).sessions() as session:
        assert session.scalar(select(func.count()).select_from(User)) == 0


def test_create_admin_and_demo_are_idempotent(tmp_path):
    app = fresh_app(tmp_path)
    runner = app.test_cli_runner()
    runner.invoke(args=["init"])
    first = runner.invoke(args=["demo"])
    second = runner.invoke(args=["demo"])
    assert first.exit_code == second.exit_code == 0, first.output
    assert demo.PASSWORD in first.output
    assert "participant12@example.org" in first.output
    result = runner.invoke(
        args=["create-admin", "--email", "Lead@Example.org", "--name", "Lead", "--password",
              "lantern river otter"]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    with database(app).sessions() as session:
        lead = session.scalar(select(User).where(User.email == "lead@example.org"))
        assert lead.is_admin
        assert session.scalar(select(func.count()).select_from(User)) == 1 + 1 + 2 + 12
        assert session.scalar(select(func.count()).select_from(Cohort)) == 2
        assert session.scalar(select(func.count()).select_from(Membership)) == 14
        admin = services.authenticate(session, "admin@example.org", demo.PASSWORD, utcnow())
        assert admin is not None and admin.is_admin


def test_create_admin_refuses_a_weak_password(tmp_path):
    app = fresh_app(tmp_path)
    runner = app.test_cli_runner()
    runner.invoke(args=["init"])
    result = runner.invoke(
        args=["create-admin", "--email", "a@example.org", "--name", "A", "--password", "short"]
    )
    assert result.exit_code != 0
    assert "10 characters" in result.output


# --- `flask demo` never on a real database (issue 12, item 13) ---------------------------------


def _user_count(app) -> int:  # type: ignore[no-untyped-def]
    with database(app).sessions() as session:
        return session.scalar(select(func.count()).select_from(User))


def _with_a_real_account(tmp_path):  # type: ignore[no-untyped-def]
    """An app whose database holds one account that is not a demo account: a real admin."""
    app = fresh_app(tmp_path, migrated=True)
    created = app.test_cli_runner().invoke(
        args=["create-admin", "--email", "lead@nhs.example", "--name", "Lead", "--password",
              "lantern river otter"]
    )  # fmt: skip
    assert created.exit_code == 0, created.output
    return app


def test_demo_refuses_a_database_with_accounts_that_are_not_demo_accounts(tmp_path):
    app = _with_a_real_account(tmp_path)
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code != 0
    [line] = result.output.strip().splitlines()
    assert "1 account that is not a demo account" in line
    assert "--force" in line
    assert _user_count(app) == 1


@pytest.mark.parametrize(
    "settings",
    [{"BASE_URL": "https://learnset.nhs.example"}, {"PRODUCTION": True}],
    ids=["https BASE_URL", "PRODUCTION setting"],
)
def test_demo_refuses_with_production_settings(settings, tmp_path):
    app = fresh_app(tmp_path, migrated=True)
    app.config.update(settings)
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code != 0
    [line] = result.output.strip().splitlines()
    assert "production settings are on" in line
    assert _user_count(app) == 0


def test_demo_with_force_loads_anyway(tmp_path):
    app = _with_a_real_account(tmp_path)
    app.config["PRODUCTION"] = True
    result = app.test_cli_runner().invoke(args=["demo", "--force"])
    assert result.exit_code == 0, result.output
    assert _user_count(app) == 1 + 1 + 2 + 12


@pytest.mark.parametrize(
    "environment,production",
    [
        ({}, False),
        ({"LEARNSET_PRODUCTION": "1"}, True),
        ({"PRODUCTION": "true"}, True),
        ({"BASE_URL": "https://learnset.nhs.example"}, True),
        ({"LEARNSET_PRODUCTION": "0", "BASE_URL": "http://127.0.0.1:5000"}, False),
    ],
)
def test_production_setting_comes_from_the_environment(
    environment, production, tmp_path, monkeypatch
):
    for name in ("LEARNSET_PRODUCTION", "PRODUCTION", "BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    settings = config.from_environment(tmp_path, need_secret=False)
    assert settings["PRODUCTION"] is production
    assert config.is_production(settings) is production
