"""Faults while fifty people save: the app under gunicorn (4 workers of 4 threads), people
commenting on their set's shared reflection and writing new reflections (an autosave, then
"Save reflection"), and, half way, a fault:

- PostgreSQL crashes (`pg_ctl restart -m immediate`), on a cluster of the test's own;
- the SQLite database fills up (its max_page_count reached), and space returns later;
- a gunicorn worker is killed with SIGKILL.

Whatever the fault: every save the app acknowledged is in the database afterwards, and nothing
is half-written (a reflection without its parts or first version, or with its draft left
behind). A save the app could not take is answered 503 with the person's text on the page (an
autosave: JSON the editor understands), never a bare 500. Each test prints its figures:
acknowledged, lost, 5xx, 503 with the text, and how long saving took to come back."""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text

from learnset import migrate
from learnset.reflections.models import Reflection, ReflectionComment
from tests.helpers import create_database, editor_fields
from tests.load.test_concurrent_writes import (
    Answer,
    Browser,
    Person,
    SetObjects,
    _database_url,
    _marker,
    _seed,
    _set_of,
    serve,
)
from tests.postgres import Cluster, find_bin_dir, start_cluster

SECONDS = float(os.environ.get("LEARNSET_FAULT_SECONDS", "12"))
# 1, 2, ... up to a number given.
SERIES = "n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)"
# Words enough that comments take room in the database (a full one fills sooner).
WORDS = " ".join(["so what came of it"] * 20)


@dataclass
class Outcome:
    """What the clients saw: each answer's status, the saves acknowledged, the saves refused
    with the person's text (or not), and when saves went through."""

    statuses: Counter[int] = field(default_factory=Counter)
    comments: set[str] = field(default_factory=set)
    titles: set[str] = field(default_factory=set)
    with_text: int = 0
    refusals: Counter[str] = field(default_factory=Counter)  # 503s, by what was asked
    problems: list[str] = field(default_factory=list)  # bare 5xx, 503 without the text
    dropped: list[str] = field(default_factory=list)  # connections closed without an answer
    saved_at: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def seen(self, answer: Answer, what: str, marker: str | None = None) -> bool:
        """Count an answer; for a save (`marker` given), check a refusal carries the text."""
        with self.lock:
            self.statuses[answer.status] += 1
            if answer.status == 503:
                self.refusals[what] += 1
            if answer.status == 503 and marker is not None:
                if marker in answer.body:
                    self.with_text += 1
                else:
                    self.problems.append(f"{what}: 503 without the text")
            elif answer.status >= 500 and not (answer.status == 503 and what == "read"):
                self.problems.append(f"{what}: {answer.status}")
        return answer.status in (200, 302)

    def autosaved(self, answer: Answer) -> None:
        with self.lock:
            self.statuses[answer.status] += 1
            if answer.status == 503:
                self.refusals["autosave"] += 1
                # JSON for the editor, which keeps the text on the page and tries again.
                refusal = json.loads(answer.body)
                if not (refusal.get("saved") is False and refusal.get("retry") is True):
                    self.problems.append(f"autosave: 503 {answer.body[:200]}")
            elif answer.status >= 500:
                self.problems.append(f"autosave: {answer.status}")

    def acknowledged(self, kind: set[str], marker: str) -> None:
        with self.lock:
            kind.add(marker)
            self.saved_at.append(time.monotonic())

    def drop(self, what: str, error: Exception) -> None:
        with self.lock:
            self.statuses[0] += 1
            self.dropped.append(f"{what}: {error!r}")

    def back_after(self, moment: float) -> float | None:
        """Seconds from `moment` to the first save acknowledged after it."""
        later = [at for at in self.saved_at if at > moment]
        return min(later) - moment if later else None


def _comment(browser: Browser, me: Person, sets: dict[int, SetObjects], out: Outcome) -> None:
    shared = sets[me.cohort_id].shared_reflection_id
    out.seen(browser.open(f"/reflections/{shared}"), "read")
    marker = _marker("Comment")
    body = f"{marker} {WORDS}"
    answer = browser.post(f"/reflections/{shared}/comments", {"body": body})
    if out.seen(answer, "comment", marker) and answer.status == 302:
        out.acknowledged(out.comments, body)


def _new_reflection(browser: Browser, me: Person, out: Outcome) -> None:
    opened = browser.open("/reflections/new")
    if not out.seen(opened, "read") or not opened.location:
        return
    editor = urllib.parse.urlsplit(opened.location).path
    title = _marker("New")
    fields = editor_fields(_set_of(me), title=title, part_what=f"{title} {WORDS}")
    # As the editor's script does while the person types, then the button.
    out.autosaved(
        browser.open(
            f"{editor}/draft",
            fields,
            **{"X-CSRFToken": browser.token, "Accept": "application/json"},
        )
    )
    answer = browser.post(editor, fields)
    if out.seen(answer, "save reflection", title) and re.search(
        r"/reflections/\d+$", answer.location
    ):
        out.acknowledged(out.titles, title)


def _work(
    base: str,
    me: Person,
    sets: dict[int, SetObjects],
    out: Outcome,
    start: threading.Barrier,
) -> None:
    browser = Browser(base)
    browser.sign_in(me.email)
    start.wait()
    until = time.monotonic() + SECONDS
    turn = 0
    while time.monotonic() < until:
        turn += 1
        try:
            if me.tutor or turn % 3:
                _comment(browser, me, sets, out)
            else:
                _new_reflection(browser, me, out)
        except Exception as error:  # a connection closed without an answer
            out.drop("save", error)


def _run(
    base: str,
    people: list[Person],
    sets: dict[int, SetObjects],
    fault: Callable[[], None],
) -> tuple[Outcome, float]:
    """Everyone saves for SECONDS; `fault` runs a third of the way in. The outcome, and when
    the fault began."""
    out = Outcome()
    start = threading.Barrier(len(people) + 1)
    threads = [threading.Thread(target=_work, args=(base, me, sets, out, start)) for me in people]
    for thread in threads:
        thread.start()
    start.wait()
    time.sleep(SECONDS / 3)
    began = time.monotonic()
    fault()
    for thread in threads:
        thread.join(timeout=SECONDS + 120)
    return out, began


def _lost_and_half_written(url: str, out: Outcome) -> tuple[int, dict[str, int]]:
    """How many acknowledged saves are missing; and counts of half-written things."""
    engine = create_engine(url)
    with engine.connect() as db:
        lost = len(out.comments - set(db.scalars(select(ReflectionComment.body))))
        lost += len(out.titles - set(db.scalars(select(Reflection.title))))
        half = {
            "reflections without a version": db.scalar(
                text(
                    "SELECT count(*) FROM reflections r WHERE NOT EXISTS "
                    "(SELECT 1 FROM reflection_versions v WHERE v.reflection_id = r.id)"
                )
            ),
            "reflections without parts": db.scalar(
                text(
                    "SELECT count(*) FROM reflections r WHERE NOT EXISTS "
                    "(SELECT 1 FROM reflection_parts p WHERE p.reflection_id = r.id)"
                )
            ),
            "drafts left behind a saved reflection": db.scalar(
                text(
                    "SELECT count(*) FROM reflection_drafts d JOIN reflections r "
                    "ON r.draft_key = d.key AND r.author_id = d.author_id"
                )
            ),
        }
    engine.dispose()
    return lost, half


def _figures(name: str, out: Outcome, lost: int, back: float | None, extra: str = "") -> str:
    server_errors = sum(n for status, n in out.statuses.items() if status >= 500)
    acknowledged = len(out.comments) + len(out.titles)
    back_text = f"{back:.1f} s" if back is not None else "never"
    line = (
        f"\n{name}: acknowledged {acknowledged}, lost {lost}, 5xx {server_errors} "
        f"(503 with the text {out.with_text}, other {len(out.problems)}), "
        f"503 by request {dict(out.refusals)}, "
        f"dropped connections {len(out.dropped)}, saving back after {back_text}{extra}; "
        f"answers by status {dict(sorted(out.statuses.items()))}"
    )
    print(line)
    return line


# --- PostgreSQL crashes -------------------------------------------------------------------------


@pytest.fixture
def crash_cluster() -> Iterator[Cluster]:
    if find_bin_dir() is None:
        pytest.skip("needs the PostgreSQL server binaries, to run a cluster of its own")
    # Commits wait for their WAL, as in production: a crash may not lose an acknowledged one.
    cluster = start_cluster(synchronous_commit=True)
    yield cluster
    cluster.stop()


@pytest.mark.postgresql_only
# As configured (a request is run again for up to 5 s), and with no running again, so that every
# request the crash touches fails and must come back as the page with the text.
@pytest.mark.parametrize("retry_seconds", ["5", "0"])
def test_a_database_crash_loses_nothing_acknowledged_and_refusals_carry_the_text(
    crash_cluster, tmp_path, retry_seconds
):
    url = create_database(crash_cluster.admin_url, "crash")
    migrate.upgrade(url)
    people, sets = _seed(url, tmp_path)
    restarted: list[float] = []

    def crash() -> None:
        crash_cluster.restart("immediate")
        restarted.append(time.monotonic())

    with serve(url, tmp_path, DB_RETRY_SECONDS=retry_seconds) as (base, log):
        out, began = _run(base, people, sets, crash)
        served_log = log.read_text()

    lost, half = _lost_and_half_written(url, out)
    _figures(
        f"PostgreSQL crash (pg_ctl restart -m immediate), DB_RETRY_SECONDS={retry_seconds}",
        out,
        lost,
        out.back_after(restarted[0]) if restarted else None,
        f", restart took {restarted[0] - began:.1f} s" if restarted else "",
    )
    assert lost == 0
    assert half == dict.fromkeys(half, 0)
    assert out.problems == [], (out.problems[:20], served_log[-3000:])
    assert out.dropped == [], out.dropped[:20]
    assert len(out.comments) + len(out.titles) >= len(people)
    if retry_seconds == "0":
        assert out.with_text > 0, "no save met the crash: the test tested nothing"


# --- SQLite fills up ----------------------------------------------------------------------------


def _pad(path: Path, reserve_pages: int, spare_pages: int) -> int:
    """Fill the database with two tables of filler: `spare` is emptied now, leaving that much
    room for the run; `reserve` is emptied when space returns. The page count to hold it to."""
    with sqlite3.connect(path) as db:
        for table, pages in (("reserve", reserve_pages), ("spare", spare_pages)):
            db.execute(f"CREATE TABLE {table} (stuff blob)")
            fill = f"INSERT INTO {table} SELECT randomblob(3000) FROM n"  # noqa: S608 - ours
            db.execute(f"WITH RECURSIVE {SERIES} {fill}", (pages,))
        db.commit()
        db.execute("DELETE FROM spare")
        db.commit()
        return int(db.execute("PRAGMA page_count").fetchone()[0])


@pytest.mark.sqlite_only
def test_a_full_database_refuses_with_the_text_then_saves_again(tmp_path, request):
    url = _database_url(request, tmp_path)
    path = Path(url.removeprefix("sqlite:///"))
    migrate.upgrade(url)
    people, sets = _seed(url, tmp_path)
    pages = _pad(path, reserve_pages=2000, spare_pages=10)
    freed: list[float] = []

    def run_out_then_free_space() -> None:
        # Full soon after the start (10 pages go quickly); space returns at two thirds.
        time.sleep(SECONDS / 3)
        with sqlite3.connect(path, timeout=30) as db:
            db.execute("DELETE FROM reserve")
        freed.append(time.monotonic())

    with serve(url, tmp_path, SQLITE_MAX_PAGE_COUNT=str(pages)) as (base, log):
        out, _began = _run(base, people, sets, run_out_then_free_space)
        served_log = log.read_text()

    lost, half = _lost_and_half_written(url, out)
    with sqlite3.connect(path) as db:
        integrity = db.execute("PRAGMA integrity_check").fetchall()
    outage_lines = [line for line in served_log.splitlines() if "Database outage" in line]
    _figures(
        "SQLite full (max_page_count)",
        out,
        lost,
        out.back_after(freed[0]) if freed else None,
        f", integrity_check {integrity}, outage lines in the log {len(outage_lines)}",
    )
    assert integrity == [("ok",)]
    assert lost == 0
    assert half == dict.fromkeys(half, 0)
    assert out.with_text > 0, "the database never filled up: the test tested nothing"
    assert out.problems == [], (out.problems[:20], served_log[-3000:])
    assert out.dropped == []
    # Saving works again once there is space.
    assert out.back_after(freed[0]) is not None
    # The operator reads one line per cause and minute, not a traceback per request.
    assert "Traceback" not in served_log
    assert len(outage_lines) == 1, outage_lines
    assert "disk full" in outage_lines[0]


# --- A worker is killed -------------------------------------------------------------------------


def _workers(port: int) -> list[int]:
    """The gunicorn workers serving `port`: the children of its master, which is ours."""
    found: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if f"127.0.0.1:{port}".encode() in cmdline:
            found[int(stat.parent.name)] = int(fields[1])
    master = next(pid for pid, parent in found.items() if parent == os.getpid())
    return [pid for pid, parent in found.items() if parent == master]


def test_a_killed_worker_loses_nothing_acknowledged_and_half_writes_nothing(tmp_path, request):
    url = _database_url(request, tmp_path)
    migrate.upgrade(url)
    people, sets = _seed(url, tmp_path)
    killed: list[int] = []

    with serve(url, tmp_path) as (base, _log):

        def kill_a_worker() -> None:
            # Two, a few seconds apart: one mid-request is all but certain with fifty people.
            for _ in range(2):
                worker = _workers(int(base.rsplit(":", 1)[1]))[0]
                os.kill(worker, signal.SIGKILL)
                killed.append(worker)
                time.sleep(SECONDS / 6)

        out, began = _run(base, people, sets, kill_a_worker)

    lost, half = _lost_and_half_written(url, out)
    _figures(
        "A worker killed (SIGKILL)",
        out,
        lost,
        out.back_after(began),
        f", workers killed {len(killed)}",
    )
    assert lost == 0
    assert half == dict.fromkeys(half, 0)
    # A request the killed worker was answering loses its connection; nothing else fails.
    assert out.problems == [], out.problems[:20]
    assert len(out.comments) + len(out.titles) >= len(people)
