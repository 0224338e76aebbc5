"""A PostgreSQL restart in the middle of fifty people saving: the app under gunicorn (4 workers of
4 threads) on a cluster of its own, people commenting on their set's shared reflection and
writing new reflections, and `pg_ctl restart -m fast` half way through. Nobody may see a server
error or a dropped connection, and every save the app acknowledged must be in the database.

The cluster is this test's own, so restarting it cannot disturb the suite's other tests."""

from __future__ import annotations

import os
import random
import re
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field

import pytest
from sqlalchemy import create_engine, select

from learnset import migrate
from learnset.reflections.models import Reflection, ReflectionComment
from tests.helpers import create_database, editor_fields
from tests.load.test_concurrent_writes import (
    Answer,
    Browser,
    Person,
    SetObjects,
    _marker,
    _seed,
    _set_of,
    serve,
)
from tests.postgres import Cluster, find_bin_dir, start_cluster

SECONDS = float(os.environ.get("LEARNSET_RESTART_SECONDS", "14"))


@dataclass
class Saves:
    """Each answer's status, and every save the app acknowledged, as the clients saw them."""

    statuses: Counter[int] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)  # 5xx and dropped connections
    comments: set[str] = field(default_factory=set)
    titles: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def seen(self, answer: Answer, what: str) -> bool:
        with self.lock:
            self.statuses[answer.status] += 1
            if answer.status >= 500:
                self.failures.append(f"{what}: {answer.status}")
        return answer.status in (200, 302)

    def dropped(self, what: str, error: Exception) -> None:
        with self.lock:
            self.statuses[0] += 1
            self.failures.append(f"{what}: {error!r}")


def _turn(browser: Browser, me: Person, sets: dict[int, SetObjects], saves: Saves) -> None:
    shared = sets[me.cohort_id].shared_reflection_id
    action = "read" if me.tutor else random.choice(["comment", "comment", "new", "read"])
    try:
        if action == "comment":
            # From the reflection's page, as a person would.
            saves.seen(browser.open(f"/reflections/{shared}"), "open the reflection")
            body = _marker("Comment")
            answer = browser.post(f"/reflections/{shared}/comments", {"body": body})
            if saves.seen(answer, "comment") and answer.status == 302:
                with saves.lock:
                    saves.comments.add(body)
        elif action == "new":
            opened = browser.open("/reflections/new")
            if not saves.seen(opened, "new reflection") or not opened.location:
                return
            title = _marker("New")
            answer = browser.post(
                urllib.parse.urlsplit(opened.location).path,
                editor_fields(_set_of(me), title=title),
            )
            if saves.seen(answer, "save reflection") and re.search(
                r"/reflections/\d+$", answer.location
            ):
                with saves.lock:
                    saves.titles.add(title)
        else:
            saves.seen(browser.open(f"/reflections/{shared}"), "read")
    except Exception as error:  # a dropped connection is a failure too
        saves.dropped(action, error)


def _work(base, me, sets, saves, start, seconds):
    browser = Browser(base)
    browser.sign_in(me.email)
    start.wait()
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        _turn(browser, me, sets, saves)


@pytest.fixture
def cluster(request) -> Cluster:
    if find_bin_dir() is None:
        pytest.skip("needs the PostgreSQL server binaries, to run a cluster of its own")
    cluster = start_cluster()
    yield cluster
    cluster.stop()


@pytest.mark.postgresql_only
def test_a_database_restart_while_fifty_people_save_costs_nobody_anything(cluster, tmp_path):
    url = create_database(cluster.admin_url, "restart")
    migrate.upgrade(url)
    people, sets = _seed(url, tmp_path)
    saves = Saves()

    with serve(url, tmp_path) as (base, log):
        start = threading.Barrier(len(people) + 1)
        threads = [
            threading.Thread(target=_work, args=(base, me, sets, saves, start, SECONDS))
            for me in people
        ]
        for thread in threads:
            thread.start()
        start.wait()
        time.sleep(SECONDS / 2)
        restarting = time.monotonic()
        cluster.restart("fast")
        restarted_in = time.monotonic() - restarting
        for thread in threads:
            thread.join(timeout=SECONDS + 120)
        served_log = log.read_text()

    engine = create_engine(url)
    with engine.connect() as db:
        lost_comments = saves.comments - set(db.scalars(select(ReflectionComment.body)))
        lost_titles = saves.titles - set(db.scalars(select(Reflection.title)))
    engine.dispose()
    acknowledged = len(saves.comments) + len(saves.titles)
    lost = len(lost_comments) + len(lost_titles)
    server_errors = sum(n for status, n in saves.statuses.items() if status >= 500)
    print(
        f"\nRestart took {restarted_in:.1f} s. Saves acknowledged: {acknowledged}, lost: {lost}; "
        f"5xx: {server_errors}, dropped connections: {saves.statuses[0]}; "
        f"answers by status: {dict(sorted(saves.statuses.items()))}"
    )
    assert lost == 0, (lost_comments, lost_titles)
    assert saves.failures == [], (saves.failures[:20], served_log[-3000:])
    # However slow the machine, people saved things, before and after the restart.
    assert acknowledged >= len(people)
