"""What a participant's, a tutor's and the admin's pages cost in-process: milliseconds and
statements.

No server and no load generator: the Flask test client, signed in as a participant and a tutor
of the national programme's first set (national.py, on fewer sets than `make bench`), opens each
page `--requests` times in each of `--rounds` rounds and prints, per page, the best round's
milliseconds of this process's CPU per request (the round least disturbed by the rest of the
machine; SQLite runs in the process, so its work counts), the median round's, the best round's
wall-clock milliseconds, and the statements one request sends. A busy machine still slows every
figure: compare runs made back to back, alternately.

The data is built once into `--data` (keyed by the number of sets and the migrations' head) and
reused by later runs, so a branch and main can be timed on the same database:

    .venv/bin/python bench/cpu.py --sets 20                        # this checkout's code
    git archive main | tar -x -C /tmp/learnset-main                # main's code beside it
    .venv/bin/python bench/cpu.py --sets 20 --code /tmp/learnset-main

Usage: .venv/bin/python bench/cpu.py [--sets 20] [--requests 20] [--rounds 5]
                                     [--only text ...] [--code DIR] [--data DIR] [--sql] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import statistics
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sets", type=int, default=20, help="learning sets to build")
    parser.add_argument("--requests", type=int, default=20, help="requests of a page a round")
    parser.add_argument("--rounds", type=int, default=5, help="rounds over the pages")
    parser.add_argument(
        "--only", action="append", default=[], help="pages whose name contains this (repeatable)"
    )
    parser.add_argument("--code", help="import learnset from this checkout (e.g. main's)")
    parser.add_argument("--data", help="where the built database is kept (default: the temp dir)")
    parser.add_argument("--sql", action="store_true", help="print the statements of each page")
    parser.add_argument(
        "--profile", action="store_true", help="print the top functions of each page (cProfile)"
    )
    parser.add_argument(
        "--profile-filter", default="learnset/", help="functions --profile lists (a regex)"
    )
    return parser.parse_args()


ARGS = _arguments()
sys.path.insert(0, str(ROOT))
import bench  # noqa: E402, F401  - this checkout's bench package, whatever --code says

if ARGS.code:
    # Another checkout's code on the same data; leave its tree as it is (no __pycache__).
    sys.dont_write_bytecode = True
    sys.path.insert(0, str(Path(ARGS.code).resolve()))

from sqlalchemy import event  # noqa: E402

import learnset  # noqa: E402
from bench.national import Built, Scale  # noqa: E402
from bench.pages import PAGES, Page  # noqa: E402
from bench.run import TOKEN, bench_app, path_values, prepare, signed_in_client  # noqa: E402
from learnset import demo  # noqa: E402
from learnset.db import database  # noqa: E402

# Participants', tutors' and the admin's pages; the dashboards and exports are timed by run.py
# and growth.py, except the programme report's exports, which share the report's figures.
# `--only` picks among every page, the skipped ones too (`--only export` times the exports).
ROLES = ("participant", "tutor", "admin")
SKIPPED = ("dashboard", "engagement", "export")
KEPT = ("programme report",)


def _head() -> str:
    """The migrations' head, so a database built by other migrations is never reused."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option(
        "script_location", str(Path(learnset.__file__).parent.parent / "migrations")
    )
    return str(ScriptDirectory.from_config(config).get_current_head())


def prepared(sets: int, data: Path) -> tuple[Any, Built]:
    """The app on the built programme, building it first if this folder has none."""
    folder = data / f"learnset-cpu-{sets}-sets-{_head()}"
    url = f"sqlite:///{folder / 'bench.db'}"
    saved = folder / "built.json"
    if not saved.exists():
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "bench.db").unlink(missing_ok=True)
        built, seconds = prepare(url, folder, Scale(sets=sets))
        saved.write_text(json.dumps(asdict(built)))
        print(f"built {sets} sets in {seconds:.0f} s into {folder}")
    return bench_app(url, folder), Built(**json.loads(saved.read_text()))


def _picked(name: str) -> bool:
    """Pages `--only` names (skipped ones included), else all but the skipped ones."""
    if ARGS.only:
        return any(text in name for text in ARGS.only)
    return not any(word in name for word in SKIPPED) or any(word in name for word in KEPT)


def _open(client: Any, token: str, page: Page, path: str) -> Any:
    if page.method == "POST":
        response = client.post(path, data=page.form, headers={"X-CSRFToken": token})
    else:
        response = client.get(path)
    # Read the body as a browser would: a download made as it is sent (a zip) does most of its
    # work while its body is read, which the test client leaves to whoever reads it.
    response.get_data()
    return response


def main() -> None:
    app, built = prepared(ARGS.sets, Path(ARGS.data or tempfile.gettempdir()))
    values = path_values(built)
    emails = {
        "participant": built.participant_emails[0],
        "tutor": built.tutor_emails[0],
        "admin": demo.ADMIN[0],
    }
    pages = [page for page in PAGES if page.role in ROLES and _picked(page.name)]
    clients = {}
    for role, email in emails.items():
        client = signed_in_client(app, email)
        token = TOKEN.search(client.get("/account").get_data(as_text=True))
        assert token, f"{role} could not sign in"
        clients[role] = (client, token.group(1))

    sent: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        sent.append(" ".join(statement.split()))

    engine = database(app).engine
    statements: dict[str, int] = {}
    for page in pages:
        client, token = clients[page.role or ""]
        path = page.path.format(**values)
        for _ in range(2):  # warm: compiled statements, templates, caches
            response = _open(client, token, page, path)
            assert response.status_code < 400, f"{page.name}: {path} {response.status_code}"
        event.listen(engine, "before_cursor_execute", count)
        sent.clear()
        _open(client, token, page, path)
        event.remove(engine, "before_cursor_execute", count)
        statements[page.name] = len(sent)
        if ARGS.sql:
            print(f"\n## {page.name}: {len(sent)} statements")
            for statement in sent:
                print(f"- {statement[:300]}")

    timings: dict[str, list[float]] = {page.name: [] for page in pages}
    walls: dict[str, list[float]] = {page.name: [] for page in pages}
    for _ in range(ARGS.rounds):
        for page in pages:
            client, token = clients[page.role or ""]
            path = page.path.format(**values)
            started, wall = time.process_time(), time.perf_counter()
            for _ in range(ARGS.requests):
                _open(client, token, page, path)
            timings[page.name].append((time.process_time() - started) * 1000 / ARGS.requests)
            walls[page.name].append((time.perf_counter() - wall) * 1000 / ARGS.requests)

    code = str(Path(ARGS.code).resolve()) if ARGS.code else str(ROOT)
    assert Path(learnset.__file__).is_relative_to(code), learnset.__file__
    print(
        f"\n{code}: {ARGS.sets} sets, SQLite, {ARGS.requests} requests x {ARGS.rounds} rounds, "
        "CPU ms of this process\n"
    )
    print("| page | CPU ms, best | CPU ms, median | wall ms, best | statements |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for page in pages:
        times = timings[page.name]
        print(
            f"| {page.name} | {min(times):.1f} | {statistics.median(times):.1f} | "
            f"{min(walls[page.name]):.1f} | {statements[page.name]} |"
        )

    if ARGS.profile:
        for page in pages:
            client, token = clients[page.role or ""]
            path = page.path.format(**values)
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(ARGS.requests):
                _open(client, token, page, path)
            profile.disable()
            print(f"\n## {page.name}")
            pstats.Stats(profile).sort_stats("cumulative").print_stats(ARGS.profile_filter, 40)


if __name__ == "__main__":
    main()
