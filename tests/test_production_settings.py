"""Production settings refuse laptop defaults: no SECRET_KEY, mail to the outbox folder, debug on
each stop the app before it starts, with one line (issue 15, item 2)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from learnset import PROJECT_ROOT, create_app
from learnset.config import UnsafeSettings

SAFE = {
    "SECRET_KEY": "a-long-random-key-from-the-operators-secret-store-0123456789",
    "MAIL_SERVER": "smtp.nhs.example",
    "LEARNSET_PRODUCTION": "1",
    "TWO_FACTOR_KEY": "EK3EUZLmZ1MoMeSTC2PWJGnThD_Fr3upf1fhMgDTvag=",
}


@pytest.fixture
def environment(monkeypatch, tmp_path):
    for name in (*SAFE, "PRODUCTION", "BASE_URL", "FLASK_DEBUG", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'learnset.db'}")

    def _set(**settings: str) -> None:
        for name, value in settings.items():
            monkeypatch.setenv(name, value)

    return _set


@pytest.mark.parametrize(
    "switch",
    [{"LEARNSET_PRODUCTION": "1"}, {"BASE_URL": "https://learnset.nhs.example"}],
    ids=["explicit setting", "https BASE_URL"],
)
def test_production_without_a_secret_key_refuses_and_generates_none(switch, environment, tmp_path):
    environment(**{**SAFE, **switch})
    os.environ.pop("SECRET_KEY")
    if "BASE_URL" in switch:
        os.environ.pop("LEARNSET_PRODUCTION")
    with pytest.raises(UnsafeSettings) as refused:
        create_app()
    [line] = str(refused.value).splitlines()
    assert line.startswith("Learnset will not start with production settings on: set SECRET_KEY")
    assert not (tmp_path / "instance" / "secret_key").exists()


def test_production_with_mail_to_the_outbox_folder_refuses(environment):
    environment(**SAFE)
    os.environ.pop("MAIL_SERVER")
    with pytest.raises(UnsafeSettings, match=r"set MAIL_SERVER \(without it email is only"):
        create_app()


def test_production_with_debug_on_refuses(environment):
    environment(**SAFE, FLASK_DEBUG="1")
    with pytest.raises(UnsafeSettings, match="turn debug off"):
        create_app()


def test_every_problem_is_named_on_the_one_line(environment):
    environment(LEARNSET_PRODUCTION="1", FLASK_DEBUG="1")
    with pytest.raises(UnsafeSettings) as refused:
        create_app()
    [line] = str(refused.value).splitlines()
    assert "SECRET_KEY" in line and "MAIL_SERVER" in line and "debug" in line


def test_safe_production_settings_start(environment):
    environment(**SAFE)
    app = create_app()
    assert app.config["SECRET_KEY"] == SAFE["SECRET_KEY"]
    assert app.config["SESSION_COOKIE_SECURE"] is False  # BASE_URL is still http here


def test_without_production_settings_laptop_defaults_still_start(environment, tmp_path):
    environment()
    app = create_app()
    assert app.config["SECRET_KEY"] == (tmp_path / "instance" / "secret_key").read_text()


def test_a_command_with_unsafe_settings_prints_one_line_and_fails(environment, tmp_path):
    environment(
        LEARNSET_PRODUCTION="1",
        MAIL_SERVER="smtp.nhs.example",
        TWO_FACTOR_KEY=SAFE["TWO_FACTOR_KEY"],
    )
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "learnset", "check"],
        cwd=PROJECT_ROOT,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "Learnset will not start with production settings on: set SECRET_KEY (a long random "
        "value, the same on every server; production never generates one per machine)."
    ]
