"""Aliases shared by every thread are ready before the first request (learnset.db.shared_alias)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import learnset

PACKAGE = Path(learnset.__file__).parent

# Run apart: this test process has imported most of learnset already.
READY_AT_START = """
import importlib, pkgutil
from sqlalchemy import inspect
import learnset
from learnset import db
learnset.create_app({"SECRET_KEY": "x", "DATABASE_URL": "sqlite://"})
made = list(db._SHARED_ALIASES)
assert made, "no shared aliases found"
for alias in made:
    for key, _ in inspect(alias).mapper.all_orm_descriptors.items():
        if not key.startswith("__"):
            assert key in vars(alias), (alias, key)
for module in pkgutil.walk_packages(learnset.__path__, "learnset."):
    importlib.import_module(module.name)
assert len(db._SHARED_ALIASES) == len(made), "a module the app does not import makes an alias"
print(len(made))
"""


def _run(script: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """Run `script` in a fresh interpreter in tmp_path; it must succeed."""
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"INSTANCE_PATH": str(tmp_path), "PATH": "/usr/bin:/bin"},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result


def test_every_shared_alias_is_made_whole_before_the_first_request(tmp_path: Path) -> None:
    result = _run(READY_AT_START, tmp_path)
    assert int(result.stdout.split()[-1]) >= 10


def _module_level_aliases(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in tree.body:
        if isinstance(node, ast.Assign):
            for call in ast.walk(node.value):
                if isinstance(call, ast.Call) and getattr(call.func, "id", None) == "aliased":
                    found.append(node.lineno)
    return found


def test_no_module_keeps_an_alias_made_with_plain_aliased() -> None:
    offenders = {
        str(path.relative_to(PACKAGE)): lines
        for path in PACKAGE.rglob("*.py")
        if (lines := _module_level_aliases(path))
    }
    assert offenders == {}, "use learnset.db.shared_alias for an alias kept at module level"


# Eight threads load each shared alias at once, with the interpreter switching threads as often
# as it can; before the alias was loaded once at start-up, about one alias in fifteen lost the
# race and read its row by columns its statement never named (NoSuchColumnError).
LOADED_AT_ONCE = """
import sys, threading
import learnset
from learnset import db
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session
engine = create_engine("sqlite:///aliases.db")
learnset.create_app({"SECRET_KEY": "x", "DATABASE_URL": "sqlite://"})
db.Base.metadata.create_all(engine)
sys.setswitchinterval(1e-6)
failed = []
for alias in db._SHARED_ALIASES:
    ready = threading.Barrier(8)
    def load(alias=alias, ready=ready):
        with Session(engine) as session:
            ready.wait()
            try:
                session.execute(select(alias).limit(1)).all()
            except Exception as error:
                failed.append(repr(error)[:200])
    threads = [threading.Thread(target=load) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
print(failed)
"""


def test_threads_loading_a_shared_alias_at_once_read_every_row(tmp_path: Path) -> None:
    for _ in range(3):
        result = _run(LOADED_AT_ONCE, tmp_path)
        assert result.stdout.strip() == "[]"
