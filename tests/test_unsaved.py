"""When the database cannot take what a person sent, they get it back: 503 with Retry-After, their
own text in boxes they can copy, why it was not saved, and "Try again", which posts the same
fields. With real faults on a SQLite file of the test's own: the database full (its
max_page_count reached), read-only (opened read-only), unreachable (its folder moved away).
Pages that only read still open while it is full or read-only."""

from __future__ import annotations

import html
import logging
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask import Flask

from learnset import create_app, migrate, outages, unsaved
from learnset.db import database
from learnset.logs import OncePerMinute
from tests import factories
from tests.apps import TEMPLATE_CACHE, SignedInClient, make_test_config
from tests.helpers import csrf_from, editor_fields, editor_tokens

# Longer than a database page (4 KB), so that saving it needs a page the full database lacks.
TEXT = 'What I said <script>alert("hi")</script>\n\n' + ("What they said. " * 280).strip()


@dataclass
class Setting:
    """A migrated SQLite file with a participant, their set and a reflection shared with it."""

    path: Path
    tmp_path: Path
    user_id: int
    cohort_id: int
    reflection_id: int  # the author's, shared with the set
    own_id: int  # the reader's own

    @property
    def url(self) -> str:
        return f"sqlite:///{self.path}"

    def app(self, url: str | None = None, **settings: object) -> Flask:
        app = create_app(
            {
                **make_test_config(url or self.url, self.tmp_path),
                "PROPAGATE_EXCEPTIONS": False,
                "DB_RETRY_SECONDS": 0.2,
                **settings,
            }
        )
        app.jinja_env.bytecode_cache = TEMPLATE_CACHE
        app.test_client_class = SignedInClient
        return app

    def client(self, app: Flask) -> SignedInClient:
        with database(app).sessions() as db:
            user = db.get(factories.User, self.user_id)
        client = app.test_client(user=user)
        assert isinstance(client, SignedInClient)
        return client

    def comments(self) -> list[str]:
        with sqlite3.connect(self.path) as db:
            return [row[0] for row in db.execute("SELECT body FROM reflection_comments")]

    def fill(self) -> int:
        """Fill the database to its last page (a table of filler the test can empty again):
        the page count to hold it to."""
        with sqlite3.connect(self.path) as db:
            pages = db.execute("PRAGMA page_count").fetchone()[0] + 4
            db.execute(f"PRAGMA max_page_count = {pages}")
            db.execute("CREATE TABLE filler (stuff blob)")
            try:
                while True:
                    db.execute("INSERT INTO filler VALUES (randomblob(1000))")
                    db.commit()
            except sqlite3.OperationalError as error:
                assert "full" in str(error)
                db.rollback()
        return pages

    def free_space(self) -> None:
        with sqlite3.connect(self.path) as db:
            db.execute("DELETE FROM filler")


@pytest.fixture
def setting(tmp_path: Path) -> Setting:
    path = tmp_path / "data" / "learnset.db"
    path.parent.mkdir()
    migrate.upgrade(f"sqlite:///{path}")
    app = create_app(make_test_config(f"sqlite:///{path}", tmp_path))
    with database(app).writer_sessions() as db:
        cohort = factories.make_cohort(db)
        author = factories.make_member(db, cohort, "participant")
        reader = factories.make_member(db, cohort, "participant")
        shared = factories.make_reflection(db, author, visibility="set", cohort=cohort)
        own = factories.make_reflection(db, reader, cohort=cohort)
        db.commit()
        found = Setting(path, tmp_path, reader.id, cohort.id, shared.id, own.id)
    database(app).engine.dispose()
    return found


@pytest.fixture(autouse=True)
def fresh_log(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(outages, "_once_a_minute", OncePerMinute())


def _boxes(page: str) -> dict[str, str]:
    """The text boxes of a page, by name, as the browser would post them."""
    found = re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>\n?(.*?)</textarea>', page, re.S)
    return {name: html.unescape(value) for name, value in found}


def _try_again(page: str) -> tuple[str, dict[str, str]]:
    """What "Try again" posts, and where: every field of the page's form, as a browser would."""
    form = re.search(r'<form action="([^"]+)" method="post"[^>]*>(.*?)</form>', page, re.S)
    assert form, "no Try again form"
    fields = {
        name: html.unescape(value)
        for name, value in re.findall(
            r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form[2]
        )
    }
    return html.unescape(form[1]), {**fields, **_boxes(form[2])}


def test_a_comment_on_a_full_database_comes_back_and_tries_again_once_there_is_space(
    setting, caplog
):
    app = setting.app(SQLITE_MAX_PAGE_COUNT=setting.fill())
    client = setting.client(app)
    page = f"/reflections/{setting.reflection_id}"
    token = csrf_from(client, page)

    with caplog.at_level(logging.ERROR):
        answers = [
            client.post(f"{page}/comments", data={"body": TEXT, "csrf_token": token})
            for _ in range(3)
        ]

    for answer in answers:
        assert answer.status_code == 503
        assert answer.headers["Retry-After"] == "60"
        body = answer.get_data(as_text=True)
        assert "Your changes have not been saved" in body
        assert "The server&#39;s disk is full." in body
        assert "<script>alert" not in body
        assert _boxes(body) == {"body": TEXT}
    # The operator is told once, naming the cause, without a traceback.
    lines = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [r.name for r in lines] == ["learnset.outages"]
    assert "disk full" in lines[0].getMessage() and lines[0].exc_info is None
    # Reading still works while nothing can be written.
    assert client.get(page).status_code == 200
    assert setting.comments() == []

    setting.free_space()
    address, fields = _try_again(answers[-1].get_data(as_text=True))
    again = client.post(address, data=fields)

    assert (again.status_code, again.location) == (302, f"{page}#comments")
    assert setting.comments() == [TEXT]


def test_a_reflection_saved_on_a_read_only_database_comes_back_with_every_field(setting):
    client = setting.client(setting.app())
    editor = client.get("/reflections/new").location
    posted = {
        **editor_fields(SimpleNamespace(id=setting.cohort_id), part_what=TEXT),
        **editor_tokens(client, editor),
    }
    read_only = setting.app(f"sqlite:///file:{setting.path}?mode=ro&uri=true").test_client()
    cookie = client.get_cookie("session")
    assert cookie is not None
    read_only.set_cookie("session", cookie.value, domain=cookie.domain)

    answer = read_only.post(editor, data=posted)

    assert (answer.status_code, answer.headers["Retry-After"]) == (503, "60")
    body = answer.get_data(as_text=True)
    assert "The database is not accepting changes at the moment." in body
    assert _boxes(body) == {
        "title": posted["title"],
        "part_what": TEXT,
        "part_so_what": posted["part_so_what"],
        "part_now_what": posted["part_now_what"],
        "cpd_minutes": "45",
    }
    address, fields = _try_again(body)
    assert address == editor
    # The same fields go again (the choices unseen), with the page's own token.
    assert {k: v for k, v in fields.items() if k != "csrf_token"} == {
        k: v for k, v in posted.items() if k != "csrf_token"
    }
    # The log and a reflection's page open while the database is read-only.
    assert read_only.get("/reflections").status_code == 200
    assert read_only.get(f"/reflections/{setting.reflection_id}").status_code == 200

    again = client.post(address, data=fields)

    assert again.status_code == 302
    with sqlite3.connect(setting.path) as db:
        saved = db.execute("SELECT count(*) FROM reflections WHERE title = ?", (posted["title"],))
        assert saved.fetchone() == (1,)


def test_the_page_needs_no_database_and_never_shows_a_password(setting):
    app = setting.app()
    client = setting.client(app)
    page = f"/reflections/{setting.reflection_id}"
    token = csrf_from(client, page)
    anyone = app.test_client()
    their_token = csrf_from(anyone, "/sign-in")
    setting.path.parent.rename(setting.path.parent.with_name("away"))
    database(app).engine.dispose()
    try:
        comment = client.post(f"{page}/comments", data={"body": TEXT, "csrf_token": token})
        opened = client.get(page)
        signing_in = {"email": "pat@example.org", "password": "my secret words"}
        sign_in = anyone.post("/sign-in", data={**signing_in, "csrf_token": their_token})
    finally:
        setting.path.parent.with_name("away").rename(setting.path.parent)

    assert comment.status_code == 503 and comment.headers["Retry-After"] == "10"
    body = comment.get_data(as_text=True)
    assert "The database could not be reached." in body
    assert _boxes(body) == {"body": TEXT}
    # Nothing of the person's account could be read: no account menu, no navigation.
    assert "Sign out" not in body and "Your log" not in body
    assert opened.status_code == 503
    assert "Sorry, this page cannot be shown at the moment" in opened.get_data(as_text=True)
    assert sign_in.status_code == 503
    refused = sign_in.get_data(as_text=True)
    assert "my secret words" not in refused and their_token not in refused
    # Posting again without the password could not work: the person is told to go back.
    assert "<form action=" not in refused
    assert "you will need to type it again" in refused


def test_autosave_gets_an_answer_the_editor_understands(setting):
    app = setting.app(SQLITE_MAX_PAGE_COUNT=setting.fill())
    client = setting.client(app)
    editor = f"/reflections/{setting.own_id}/edit"
    tokens = editor_tokens(client, editor)

    answer = client.post(
        f"/reflections/{setting.own_id}/draft",
        data={"title": "Half a thought", "part_what": TEXT, "writer": tokens["writer"]},
        headers={"X-CSRFToken": tokens["csrf_token"], "Accept": "application/json"},
    )

    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "60"
    assert answer.json is not None
    assert answer.json["saved"] is False and answer.json["retry"] is True
    assert answer.json["message"] == "Not saved yet \u2013 will try again"
    assert answer.json["reason"] == "The server's disk is full."
    assert answer.json["csrfToken"]


def test_a_failure_that_is_not_the_database_is_still_a_500(setting):
    app = setting.app()

    def broken() -> str:
        raise RuntimeError("a bug")

    app.add_url_rule("/broken", "broken", broken)
    answer = setting.client(app).get("/broken")

    assert answer.status_code == 500
    assert "Retry-After" not in answer.headers


def test_text_boxes_are_shown_and_secrets_left_out_whatever_the_form(setting):
    app = setting.app()
    posted = {
        "csrf_token": "a token",
        "frailty-current": "2",
        "frailty-evidence": "I chaired the frailty huddle",
        "frailty-reason": "",
        "title": "A challenge",
        "context": "Beds in the wrong place",
        "new_password": "hunter22",
        "reset_token": "abc",
    }

    with app.test_request_context("/anywhere", method="POST", data=posted):
        found = unsaved.posted()

    assert found.texts == [
        ("frailty-evidence", "Evidence", "I chaired the frailty huddle"),
        ("title", "Title", "A challenge"),
        ("context", "The context", "Beds in the wrong place"),
    ]
    # Empty boxes and choices go again unseen; secrets never.
    assert found.others == [("frailty-current", "2"), ("frailty-reason", "")]
    assert found.secret_left_out
