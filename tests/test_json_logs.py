"""JSON logs (issue 15, item 4): one object a line, each with the request's id (also sent back
as X-Request-Id), and nothing personal: no address, password, token or reflection text, even
from requests that carry all of them."""

from __future__ import annotations

import json
import logging
from email import message_from_bytes
from pathlib import Path

import pytest
from sqlalchemy import select

from learnset import create_app, logs
from learnset.db import database
from learnset.reflections.models import Reflection
from tests.apps import bind_app, make_test_config
from tests.helpers import TEST_PASSWORD, deliver_mail, editor_fields, link_in, new_editor, submit

SECRET_TEXT = "Dr Quentin Marsh at Larkfield surgery told me in confidence that he is leaving"
NEW_PASSWORD = "heron willow quartz"


@pytest.fixture
def app(database_url, connection, tmp_path, capsys):  # type: ignore[no-untyped-def]
    """The suite's app, with LOG_FORMAT=json: its lines go to standard error, captured."""
    app = bind_app(
        create_app({**make_test_config(database_url, tmp_path), "LOG_FORMAT": "json"}),
        connection,
    )
    yield app
    database(app).engine.dispose()
    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler, logs.JsonHandler):
            root.removeHandler(handler)
    app.logger.setLevel(logging.NOTSET)


def _lines(capsys) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    err = capsys.readouterr().err
    return [json.loads(line) for line in err.splitlines() if line.strip()]


def test_every_line_is_json_and_each_request_is_logged_once_with_its_id(app, client, capsys):
    capsys.readouterr()
    first = client.get("/sign-in")
    second = client.get("/sign-in")
    ids = [first.headers["X-Request-Id"], second.headers["X-Request-Id"]]
    assert ids[0] != ids[1] and all(len(identifier) == 32 for identifier in ids)
    lines = [line for line in _lines(capsys) if line["logger"] == "learnset.request"]
    assert [line["request_id"] for line in lines] == ids
    assert lines[0]["message"] == "GET /sign-in 200"
    assert {key: lines[0][key] for key in ("method", "route", "status")} == {
        "method": "GET",
        "route": "/sign-in",
        "status": 200,
    }
    assert isinstance(lines[0]["duration_ms"], float)
    assert lines[0]["level"] == "INFO" and str(lines[0]["time"]).endswith("+00:00")


def test_a_request_id_from_the_proxy_is_kept_only_behind_a_trusted_proxy(
    app, client, database_url, tmp_path
):
    given = {"X-Request-Id": "nginx-3f2a9c1e0b7d"}
    assert client.get("/healthz", headers=given).headers["X-Request-Id"] != given["X-Request-Id"]
    behind = create_app({**make_test_config(database_url, tmp_path), "TRUSTED_PROXIES": 1})
    answer = behind.test_client().get("/healthz", headers=given)
    assert answer.headers["X-Request-Id"] == given["X-Request-Id"]
    forged = {"X-Request-Id": 'x" injected {"level": "CRITICAL"}'}
    assert (
        behind.test_client().get("/healthz", headers=forged).headers["X-Request-Id"]
        != (forged["X-Request-Id"])
    )
    database(behind).engine.dispose()


def test_no_address_password_token_or_reflection_text_reaches_the_log(
    app, client, db, people, capsys
):
    email = people.participant.email
    capsys.readouterr()
    # A failed and a good sign-in, with the address and passwords in the form.
    assert submit(client, "/sign-in", {"email": email, "password": "wrong-password-1"}).status_code
    # A reset link asked for, emailed (to the outbox), opened and used.
    submit(client, "/forgot-password", {"email": email})
    deliver_mail(app)
    [eml] = Path(app.config["MAIL_OUTBOX"]).iterdir()
    link = link_in(message_from_bytes(eml.read_bytes()))
    token = link.rsplit("/", 1)[1]
    assert client.get(link).status_code == 200
    assert (
        submit(client, link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 302
    )
    # A reflection written, with a name and a confidence in its text.
    path = new_editor(client)
    response = submit(client, path, editor_fields(people.cohort, part_what=SECRET_TEXT))
    assert response.status_code == 302
    assert db.scalar(select(Reflection.id)) is not None
    # A page that does not exist, with the address in its path and query.
    assert client.get(f"/people/{email}?email={email}&token={token}").status_code == 404

    lines = _lines(capsys)
    text = json.dumps(lines)
    requests = [line for line in lines if line["logger"] == "learnset.request"]
    assert len(requests) >= 8
    assert all(line.get("request_id") for line in requests)
    assert any(line["route"] == "/reset-password/<token>" for line in requests)
    assert any(line["message"] == "GET (no route) 404" for line in requests)
    for secret in (email, email.split("@")[0], TEST_PASSWORD, "wrong-password-1", NEW_PASSWORD,
                   token, SECRET_TEXT, "Quentin"):  # fmt: skip
        assert secret not in text, secret
