"""Fifty-odd people writing at once: the app under gunicorn with several workers, every kind of
everyday write mixed with reads for a bounded time, on SQLite and on PostgreSQL (the suite's
--db). No answer may be a server error, and every write the app acknowledged must be in the
database afterwards exactly as the last acknowledgement said.

Each client is its own person (four learning sets of 12 participants and a tutor), and writes
what only they write (their reflection, their vote, their set's attendance) or what only adds
(a comment, a question, a check-in, an action on their challenge), so "the last acknowledged
write" is well defined without a clock.
"""

from __future__ import annotations

import http.cookiejar
import os
import random
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import create_engine, select

from learnset import create_app, migrate
from learnset.assessment.models import Rating, SelfAssessment
from learnset.challenges.models import ChallengeUpdate
from learnset.config import PROJECT_ROOT
from learnset.db import database
from learnset.meetings.models import Attendance, TopicVote
from learnset.reflections.models import Reflection, ReflectionComment, ReflectionDraft
from tests import factories
from tests.apps import make_test_config
from tests.helpers import CSRF_INPUT, create_database, editor_fields, free_port

SETS, PER_SET = 4, 12
LETTERS_FOR_DIGITS = str.maketrans("0123456789", "ghijklmnop")
DOMAIN, CAPABILITY = "load-domain", "load-capability"
SECONDS = float(os.environ.get("LEARNSET_LOAD_SECONDS", "12"))
GUNICORN = Path(sys.executable).parent / "gunicorn"


# --- The programme they work in -------------------------------------------------------------


@dataclass
class Person:
    email: str
    user_id: int
    cohort_id: int
    tutor: bool = False
    reflection_id: int = 0  # their own, to edit, autosave and share
    challenge_id: int = 0  # their own, for the others to question


@dataclass
class SetObjects:
    shared_reflection_id: int
    topic_id: int
    meeting_id: int
    participant_ids: list[int]


def _database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.config.getoption("--db") == "sqlite":
        return f"sqlite:///{tmp_path / 'load.db'}"
    name = f"load_{uuid.uuid4().hex[:12]}"
    return create_database(os.environ["LEARNSET_TEST_POSTGRES_URL"], name)


def _seed(url: str, tmp_path: Path) -> tuple[list[Person], dict[int, SetObjects]]:
    app = create_app(make_test_config(url, tmp_path))
    people: list[Person] = []
    sets: dict[int, SetObjects] = {}
    with database(app).writer_sessions() as db:
        capability = factories.make_capability(
            db, factories.make_domain(db, slug=DOMAIN), slug=CAPABILITY
        )
        for number in range(SETS):
            cohort = factories.make_cohort(db, name=f"Load set {number}")
            tutor = factories.make_member(db, cohort, "tutor")
            members = [factories.make_member(db, cohort, "participant") for _ in range(PER_SET)]
            shared = factories.make_reflection(db, members[0], visibility="set", cohort=cohort)
            sets[cohort.id] = SetObjects(
                shared.id,
                factories.make_topic(db, cohort).id,
                factories.make_past_meeting(db, cohort, status="published").id,
                [member.id for member in members],
            )
            people.append(Person(tutor.email, tutor.id, cohort.id, tutor=True))
            for member in members:
                own = factories.make_reflection(db, member, cohort=cohort, visibility="private")
                challenge = factories.make_challenge(db, member, cohort)
                factories.make_assessment(db, member, cohort, {capability: (2, 4)})
                people.append(
                    Person(member.email, member.id, cohort.id, False, own.id, challenge.id)
                )
        db.commit()
    # The workers have their own; a connection left in this pool would be closed by the
    # garbage collector in some later test, which pytest reports there.
    database(app).engine.dispose()
    return people, sets


@pytest.fixture
def served(request, tmp_path):
    url = _database_url(request, tmp_path)
    migrate.upgrade(url)
    people, sets = _seed(url, tmp_path)
    with serve(url, tmp_path) as (base, log):
        yield base, url, people, sets, log


@contextmanager
def serve(url: str, tmp_path: Path, **settings: str) -> Iterator[tuple[str, Path]]:
    """The app under gunicorn (4 workers of 4 threads) on the database at `url`, with any other
    `settings` in its environment: its address, and its log. The app is made once, in the
    master, and the workers forked from it, as the shipped settings have it
    (learnset/gunicorn_conf.py, preload_app): a worker that is killed is replaced the same way."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "load-test-secret",
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "BASE_URL": f"http://127.0.0.1:{port}",
        "RATELIMIT_ENABLED": "false",
        # The clients are about writing at once, not sign-in: tutors sign in by password alone.
        "TWO_FACTOR_REQUIRED": "false",
        "MAIL_DELIVER_AFTER_RESPONSE": "false",
        "PYTHONFAULTHANDLER": "1",
        **settings,
    }
    command = [
        str(GUNICORN), "--workers", "4", "--threads", "4", "--worker-class", "gthread",
        "--preload", "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "--timeout", "60",
        "wsgi:app",
    ]  # fmt: skip
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)  # noqa: S310 - our server
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("gunicorn did not start: " + (tmp_path / "gunicorn.log").read_text())
        yield base, tmp_path / "gunicorn.log"
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


# --- A person at a browser --------------------------------------------------------------------


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@dataclass
class Answer:
    status: int
    body: str
    location: str


class Browser:
    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirects()
        )
        self.token = ""

    def open(self, path: str, data: dict[str, Any] | None = None, **headers: str) -> Answer:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, headers=headers)  # noqa: S310
        try:
            with self.opener.open(request, timeout=60) as response:
                return Answer(response.status, response.read().decode(), "")
        except urllib.error.HTTPError as error:
            return Answer(error.code, error.read().decode(), error.headers.get("Location", ""))

    def form_token(self, path: str) -> str:
        match = CSRF_INPUT.search(self.open(path).body)
        assert match, f"no form on {path}"
        return match.group(1) or match.group(2)

    def sign_in(self, email: str) -> None:
        token = self.form_token("/sign-in")
        answer = self.open(
            "/sign-in", {"email": email, "password": factories.PASSWORD, "csrf_token": token}
        )
        assert answer.status == 302, answer.status
        self.token = self.form_token("/account")

    def post(self, path: str, data: dict[str, Any]) -> Answer:
        return self.open(path, {**data, "csrf_token": self.token})


# --- What they do, and what the app acknowledged ------------------------------------------------


@dataclass
class Ledger:
    """Every answer's status, and each acknowledged write, as the clients saw them."""

    statuses: Counter[int] = field(default_factory=Counter)
    by_action: Counter[tuple[str, int]] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    refused: set[str] = field(default_factory=set)  # why a form was answered with 422
    new_titles: set[str] = field(default_factory=set)
    # Per own reflection: the last acknowledged title, draft title and visibility.
    title: dict[int, str] = field(default_factory=dict)
    draft: dict[int, str | None] = field(default_factory=dict)
    visibility: dict[int, str] = field(default_factory=dict)
    comments: set[str] = field(default_factory=set)
    questions: set[str] = field(default_factory=set)
    votes: dict[tuple[int, int], bool] = field(default_factory=dict)
    # Per participant, the current level of each check-in acknowledged, in order.
    check_ins: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    actions: set[str] = field(default_factory=set)
    attendance: dict[int, set[int]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def seen(self, answer: Answer, what: str) -> bool:
        with self.lock:
            self.statuses[answer.status] += 1
            self.by_action[(what, answer.status)] += 1
            if answer.status >= 500:
                self.errors.append(f"{what}: {answer.status}")
            if answer.status == 422:
                summary = answer.body.partition("nhsuk-error-summary__list")[2][:600]
                self.refused.add(f"{what}: {' '.join(re.sub(r'<[^>]+>', ' ', summary).split())}")
        return answer.status in (200, 302)


def _set_of(me: Person) -> SimpleNamespace:
    return SimpleNamespace(id=me.cohort_id)


def _marker(kind: str) -> str:
    # Letters only: ten digits in a row can pass the NHS number check and be refused.
    return f"{kind} {uuid.uuid4().hex.translate(LETTERS_FOR_DIGITS)}"


def _participant_turn(browser: Browser, me: Person, sets: dict[int, SetObjects], ledger: Ledger):
    mine = me.reflection_id
    here = sets[me.cohort_id]
    action = random.choice(
        ["new", "edit", "autosave", "comment", "share", "question", "vote", "check-in", "action"]
        + ["read"] * 3
    )
    if action == "new":
        editor = browser.open("/reflections/new").location
        title = _marker("New")
        answer = browser.post(
            urllib.parse.urlsplit(editor).path, editor_fields(_set_of(me), title=title)
        )
        if ledger.seen(answer, action) and re.search(r"/reflections/\d+$", answer.location):
            with ledger.lock:
                ledger.new_titles.add(title)
    elif action == "edit":
        title = _marker("Edited")
        answer = browser.post(f"/reflections/{mine}/edit", editor_fields(_set_of(me), title=title))
        if ledger.seen(answer, action) and answer.status == 302:
            ledger.title[mine], ledger.draft[mine] = title, None
            ledger.visibility[mine] = "private"
    elif action == "autosave":
        title = _marker("Draft")
        answer = browser.open(
            f"/reflections/{mine}/draft",
            editor_fields(_set_of(me), title=title),
            **{"X-CSRFToken": browser.token},
        )
        if ledger.seen(answer, action) and answer.status == 200:
            ledger.draft[mine] = title
    elif action == "share":
        visibility = random.choice(["private", "tutors", "set"])
        answer = browser.post(f"/reflections/{mine}/sharing", {"visibility": visibility})
        if ledger.seen(answer, action) and answer.status == 302:
            ledger.visibility[mine] = visibility
    elif action == "comment":
        body = _marker("Comment")
        answer = browser.post(f"/reflections/{here.shared_reflection_id}/comments", {"body": body})
        if ledger.seen(answer, action) and answer.status == 302:
            with ledger.lock:
                ledger.comments.add(body)
    elif action == "question":
        peers = [p for p in here.participant_ids if p != me.user_id]
        challenge = CHALLENGE_OF[random.choice(peers)]
        body = _marker("Question")
        answer = browser.post(f"/challenges/{challenge}/questions", {"body": body})
        if ledger.seen(answer, action) and answer.status == 302:
            with ledger.lock:
                ledger.questions.add(body)
    elif action == "vote":
        voting = random.choice([True, False])
        path = f"/topics/{here.topic_id}/{'vote' if voting else 'unvote'}"
        answer = browser.post(path, {})
        if ledger.seen(answer, action) and answer.status == 302:
            ledger.votes[(me.user_id, here.topic_id)] = voting
    elif action == "check-in":
        _check_in(browser, me, ledger)
    elif action == "action":
        body = _marker("Action")
        answer = browser.post(
            f"/challenges/{me.challenge_id}/plans/new", {"kind": "action", "body": body}
        )
        if ledger.seen(answer, action) and answer.status == 302:
            with ledger.lock:
                ledger.actions.add(body)
    else:
        path = random.choice(
            ["/", "/reflections", f"/reflections/{mine}", "/reflections/shared", "/capabilities"]
        )
        ledger.seen(browser.open(path), "GET " + re.sub(r"\d+", "<id>", path))


def _check_in(browser: Browser, me: Person, ledger: Ledger) -> None:
    """All of the (one-capability) framework: start, rate, submit; each step must answer with a
    redirect to the next, and only the last one makes the check-in count as acknowledged."""
    answer = browser.post(f"/cohorts/{me.cohort_id}/self-assessments/new", {"scope": "all"})
    started = re.search(r"/self-assessments/(\d+)", answer.location)
    if not (ledger.seen(answer, "check-in: start") and started):
        return
    current = random.randint(1, 5)
    answer = browser.post(
        f"/self-assessments/{started[1]}/domains/{DOMAIN}",
        {f"{CAPABILITY}-current": current, f"{CAPABILITY}-target": 5},
    )
    if not (ledger.seen(answer, "check-in: rate") and answer.status == 302):
        return
    answer = browser.post(f"/self-assessments/{started[1]}/check", {"share": "yes"})
    if ledger.seen(answer, "check-in: submit") and answer.status == 302:
        ledger.check_ins[me.user_id].append(current)


def _tutor_turn(browser: Browser, me: Person, sets: dict[int, SetObjects], ledger: Ledger):
    here = sets[me.cohort_id]
    if random.random() < 0.5:
        present = sorted(random.sample(here.participant_ids, random.randint(0, PER_SET)))
        answer = browser.post(f"/sessions/{here.meeting_id}/attendance", {"present": present})
        if ledger.seen(answer, "attendance") and answer.status == 302:
            ledger.attendance[here.meeting_id] = set(present)
    else:
        path = random.choice(["/", f"/cohorts/{me.cohort_id}/dashboard", "/reflections/shared"])
        ledger.seen(browser.open(path), "GET " + re.sub(r"\d+", "<id>", path))


CHALLENGE_OF: dict[int, int] = {}


def _work(
    base: str,
    me: Person,
    sets: dict[int, SetObjects],
    ledger: Ledger,
    start: threading.Barrier,
    seconds: float,
):
    browser = Browser(base)
    try:
        browser.sign_in(me.email)
    except Exception as error:
        with ledger.lock:
            ledger.errors.append(f"{me.email} signing in: {error!r}")
    # Everyone starts writing together, once all are signed in.
    start.wait()
    until = time.monotonic() + seconds
    try:
        turn = _tutor_turn if me.tutor else _participant_turn
        while time.monotonic() < until:
            turn(browser, me, sets, ledger)
    except Exception as error:  # a dropped connection is a failure too
        with ledger.lock:
            ledger.errors.append(f"{me.email}: {error!r}")


# --- The test ------------------------------------------------------------------------------------


def test_fifty_people_writing_at_once_lose_nothing_and_see_no_error(served):
    base, url, people, sets, log = served
    CHALLENGE_OF.update({p.user_id: p.challenge_id for p in people if not p.tutor})
    ledger = Ledger()
    start = threading.Barrier(len(people))
    threads = [
        threading.Thread(target=_work, args=(base, me, sets, ledger, start, SECONDS))
        for me in people
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=SECONDS + 300)

    print("\nAnswers by action and status:", dict(sorted(ledger.by_action.items())))
    print("Forms refused:", ledger.refused)
    # Every form the clients send is valid: a refusal would mean the run tested less.
    assert ledger.refused == set()
    assert ledger.errors == [], log.read_text()[-4000:]
    assert not [status for status in ledger.statuses if status >= 500]
    acknowledged = ledger.statuses[200] + ledger.statuses[302]
    # However slow the machine, everyone got some work done.
    assert acknowledged >= len(people), (ledger.by_action, log.read_text()[-3000:])

    engine = create_engine(url)
    with engine.connect() as db:
        titles = set(db.scalars(select(Reflection.title)))
        assert ledger.new_titles <= titles
        for reflection_id, title in ledger.title.items():
            row = db.execute(
                select(Reflection.title, Reflection.visibility).where(
                    Reflection.id == reflection_id
                )
            ).one()
            assert row.title == title
        for reflection_id, visibility in ledger.visibility.items():
            assert (
                db.scalar(select(Reflection.visibility).where(Reflection.id == reflection_id))
                == visibility
            )
        drafts = defaultdict(list)
        for reflection_id, data in db.execute(
            select(ReflectionDraft.reflection_id, ReflectionDraft.data)
        ):
            drafts[reflection_id].append(data["title"][0])
        for reflection_id, title in ledger.draft.items():
            assert drafts.get(reflection_id, [None])[-1] == title
        assert ledger.comments <= set(db.scalars(select(ReflectionComment.body)))
        updates = set(db.scalars(select(ChallengeUpdate.body)))
        assert ledger.questions <= updates and ledger.actions <= updates
        check_ins = defaultdict(list)
        for participant, level in db.execute(
            select(SelfAssessment.participant_id, Rating.current_level)
            .join(Rating)
            .where(SelfAssessment.kind == "check-in", SelfAssessment.status == "submitted")
            .order_by(SelfAssessment.id)
        ):
            check_ins[participant].append(level)
        assert check_ins == ledger.check_ins
        votes = {tuple(row) for row in db.execute(select(TopicVote.user_id, TopicVote.topic_id))}
        for key, voted in ledger.votes.items():
            assert (key in votes) is voted
        for meeting_id, present in ledger.attendance.items():
            rows = db.execute(
                select(Attendance.user_id, Attendance.present).where(
                    Attendance.meeting_id == meeting_id
                )
            )
            assert {user for user, here in rows if here} == present
    engine.dispose()
