"""Command-line tasks: init, create-admin, demo."""

from sqlalchemy import func, select

from learnset import create_app, demo
from learnset.accounts import services
from learnset.accounts.models import User
from learnset.cohorts.models import Cohort, Membership
from learnset.db import database, utcnow
from tests.conftest import make_test_config


def _fresh_app(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    return create_app({**make_test_config(url, tmp_path), "DATABASE_URL": url})


def test_init_creates_the_schema(tmp_path):
    app = _fresh_app(tmp_path)
    result = app.test_cli_runner().invoke(args=["init"])
    assert result.exit_code == 0, result.output
    assert "up to date" in result.output
    with database(app).sessions() as session:
        assert session.scalar(select(func.count()).select_from(User)) == 0


def test_create_admin_and_demo_are_idempotent(tmp_path):
    app = _fresh_app(tmp_path)
    runner = app.test_cli_runner()
    runner.invoke(args=["init"])
    result = runner.invoke(
        args=["create-admin", "--email", "Lead@Example.org", "--name", "Lead", "--password",
              "lantern river otter"]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    first = runner.invoke(args=["demo"])
    second = runner.invoke(args=["demo"])
    assert first.exit_code == second.exit_code == 0, first.output
    assert demo.PASSWORD in first.output
    assert "participant12@example.org" in first.output
    with database(app).sessions() as session:
        lead = session.scalar(select(User).where(User.email == "lead@example.org"))
        assert lead.is_admin
        assert session.scalar(select(func.count()).select_from(User)) == 1 + 1 + 2 + 12
        assert session.scalar(select(func.count()).select_from(Cohort)) == 2
        assert session.scalar(select(func.count()).select_from(Membership)) == 14
        admin = services.authenticate(session, "admin@example.org", demo.PASSWORD, utcnow())
        assert admin is not None and admin.is_admin


def test_create_admin_refuses_a_weak_password(tmp_path):
    app = _fresh_app(tmp_path)
    runner = app.test_cli_runner()
    runner.invoke(args=["init"])
    result = runner.invoke(
        args=["create-admin", "--email", "a@example.org", "--name", "A", "--password", "short"]
    )
    assert result.exit_code != 0
    assert "10 characters" in result.output
