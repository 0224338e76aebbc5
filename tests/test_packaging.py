"""The wheel an operator installs works on its own: built from this checkout (after `make
assets`), installed from the lock file into a new virtualenv outside the checkout, `flask init`
run there, served by gunicorn, and the sign-in page and its NHS.UK CSS fetched (issue 15,
item 1). Slow (about a minute) and never skipped: CI runs it."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from learnset import PROJECT_ROOT
from tests.helpers import free_port

CSS = PROJECT_ROOT / "learnset" / "static" / "nhsuk" / "nhsuk-frontend.min.css"
SOURCE_FILES = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md")
SOURCE_FOLDERS = ("learnset", "templates", "migrations", "content")
IGNORED = shutil.ignore_patterns("__pycache__", "*.py[co]")


def _run(*command: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, f"{command}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def _get(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310  # our own server
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read()


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    assert CSS.exists(), "the NHS.UK assets are not built: run `make assets` first"
    # Built from a copy of what the build reads, so two test processes (or a developer's
    # `make wheel`) never share a build/ folder, and the checkout is left as it was.
    source = tmp_path_factory.mktemp("source")
    for name in SOURCE_FILES:
        shutil.copy2(PROJECT_ROOT / name, source / name)
    for name in SOURCE_FOLDERS:
        shutil.copytree(PROJECT_ROOT / name, source / name, ignore=IGNORED)
    out = tmp_path_factory.mktemp("wheel")
    _run(
        sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
        "-w", out, source, cwd=source,
    )  # fmt: skip
    [built] = out.glob("learnset-*.whl")
    return built


def test_the_wheel_carries_templates_migrations_content_and_assets(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in (
        "learnset/_data/templates/base.html",
        "learnset/_data/migrations/env.py",
        "learnset/_data/content/framework/1-unlocking-conversations.yaml",
        "learnset/static/nhsuk/nhsuk-frontend.min.css",
        "learnset/static/nhsuk/nhsuk-frontend.min.js",
        "learnset/static/app/app.js",
        "learnset/accounts/common_passwords.txt",
    ):
        assert expected in names, expected
    assert any(name.startswith("learnset/_data/migrations/versions/") for name in names)
    assert not [name for name in names if "__pycache__" in name or name.endswith(".pyc")]


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A virtualenv outside the checkout with the locked dependencies and the wheel. One for
    the module (installing takes about a minute): the tests only run it, each in a folder of
    its own, where the installed app keeps its instance folder."""
    folder = tmp_path_factory.mktemp("installed")
    venv = folder / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=folder)
    python = venv / "bin" / "python"
    # Without byte-compiling every installed module (half of pip's work here): what the app
    # imports is compiled as it runs, and nothing here depends on the rest.
    pip = (sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-compile")
    _run(*pip, "--require-hashes", "-r", PROJECT_ROOT / "requirements.lock", cwd=folder)
    _run(*pip, "--no-deps", wheel, cwd=folder)
    return venv


@pytest.fixture
def installed(venv: Path) -> Iterator[tuple[Path, dict[str, str]]]:
    """The installed virtualenv and the environment an operator would give it."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"PYTHONPATH", "VIRTUAL_ENV", "CONTENT_DIR", "INSTANCE_PATH"}
        and not key.startswith(("FLASK_", "MAIL_", "LEARNSET_"))
    }
    env.update(PATH=f"{venv / 'bin'}:{env.get('PATH', '')}", BASE_URL="http://127.0.0.1")
    yield venv, env


def test_the_installed_wheel_initialises_and_serves_pages_with_their_css(
    installed, tmp_path, empty_database_url
):
    venv, env = installed
    env["DATABASE_URL"] = empty_database_url
    site = tmp_path / "site"
    site.mkdir()
    where = _run(venv / "bin" / "python", "-c", "import learnset; print(learnset.__file__)",
                 cwd=site, env=env)  # fmt: skip
    assert where.startswith(str(venv)), where

    output = _run(venv / "bin" / "flask", "--app", "learnset", "init", cwd=site, env=env)
    assert "Database is up to date." in output
    # The content library came from the wheel: no CONTENT_DIR, and the checkout is elsewhere.
    assert re.search(r"\d+ added", output), output

    port = free_port()
    # As docs/deploy.md runs it: the settings shipped in the wheel, JSON logs.
    env["LOG_FORMAT"] = "json"
    server = subprocess.Popen(
        [venv / "bin" / "gunicorn", "-c", "python:learnset.gunicorn_conf",
         "--bind", f"127.0.0.1:{port}", "--workers", "1", "learnset:create_app()"],
        cwd=site, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                status, _, _ = _get(f"{base}/readyz")
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "no answer"
                time.sleep(0.2)
        assert status == 200

        with urllib.request.urlopen(f"{base}/sign-in", timeout=10) as response:  # noqa: S310
            request_id = response.headers["X-Request-Id"]
        status, content_type, body = _get(f"{base}/sign-in")
        assert (status, content_type) == (200, "text/html; charset=utf-8")
        page = body.decode()
        assert "Sign in" in page
        [css] = re.findall(r'href="(/assets/nhsuk/nhsuk-frontend\.min\.css[^"]*)"', page)
        status, content_type, body = _get(base + css.replace("&amp;", "&"))
        assert status == 200
        assert content_type.startswith("text/css")
        assert body == CSS.read_bytes()
        status, content_type, _ = _get(f"{base}/assets/images/favicon.ico")
        assert (status, content_type) == (200, "image/vnd.microsoft.icon")
    finally:
        server.terminate()
        log = server.communicate(timeout=30)[0]
    assert "Traceback" not in log, log
    lines = [json.loads(line) for line in log.splitlines()]
    assert {
        "logger": "learnset.request",
        "route": "/sign-in",
        "request_id": request_id,
    }.items() <= (next(line for line in lines if line.get("request_id") == request_id).items())


def test_the_installed_wheel_refuses_unsafe_production_settings_in_one_line(
    installed, tmp_path, empty_database_url
):
    venv, env = installed
    env.update(DATABASE_URL=empty_database_url, LEARNSET_PRODUCTION="1", MAIL_SERVER="smtp.x")
    env.update(TWO_FACTOR_KEY="EK3EUZLmZ1MoMeSTC2PWJGnThD_Fr3upf1fhMgDTvag=")
    env.pop("SECRET_KEY", None)
    result = subprocess.run(
        [venv / "bin" / "gunicorn", "-c", "python:learnset.gunicorn_conf",
         "--bind", f"127.0.0.1:{free_port()}", "learnset:create_app()"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode != 0
    refusals = [line for line in result.stderr.splitlines() if "will not start" in line]
    assert refusals == [
        "Learnset will not start with production settings on: set SECRET_KEY (a long random "
        "value, the same on every server; production never generates one per machine)."
    ]
