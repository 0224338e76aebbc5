"""Tokens never reach a log: the request lines of werkzeug and gunicorn, the app's own lines."""

from __future__ import annotations

import logging
import os
import threading
import urllib.error
import urllib.request

import pytest
from werkzeug.serving import make_server

from learnset.logs import REDACTED, OncePerMinute, TokenFilter, token_path_patterns
from tests import factories

RESET_TOKEN = "eyJ1c2VyIjoxfQ.Zz-reset-secret.abcDEF123"
INVITATION_TOKEN = "invitation-secret-Qw3rTy"
CALENDAR_TOKEN = "calendar-secret-9zX"


def _fetch_through_werkzeug(app, path: str) -> int:  # type: ignore[no-untyped-def]
    """One request through werkzeug's own server and request handler (which writes the access
    log line), served on this thread so it shares the test's database connection."""
    server = make_server("127.0.0.1", 0, app, threaded=False)
    statuses: list[int] = []

    def _client() -> None:
        url = f"http://127.0.0.1:{server.server_port}{path}"
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                statuses.append(response.status)
        except urllib.error.HTTPError as error:
            statuses.append(error.code)

    thread = threading.Thread(target=_client)
    thread.start()
    server.handle_request()
    thread.join(10)
    server.server_close()
    return statuses[0]


@pytest.mark.parametrize(
    "path",
    [
        f"/reset-password/{RESET_TOKEN}",
        f"/join/{INVITATION_TOKEN}",
        f"/calendar/{CALENDAR_TOKEN}.ics",
        f"/sign-in?token={RESET_TOKEN}&next=/",
    ],
)
def test_werkzeug_access_log_never_holds_a_token(path, app, db, people, caplog):
    factories.make_invitation(db, people.cohort, token=INVITATION_TOKEN)
    db.commit()
    with caplog.at_level("INFO", logger="werkzeug"):
        status = _fetch_through_werkzeug(app, path)
    assert status in (200, 404, 410)
    lines = [record.getMessage() for record in caplog.records if record.name == "werkzeug"]
    assert len(lines) == 1
    for token in (RESET_TOKEN, INVITATION_TOKEN, CALENDAR_TOKEN):
        assert token not in caplog.text
    assert REDACTED in lines[0]


def test_gunicorn_access_log_line_is_redacted_in_request_line_path_query_and_referer(app, caplog):
    from gunicorn.config import AccessLogFormat

    atoms = {
        "h": "10.0.0.1",
        "l": "-",
        "u": "-",
        "t": "[01/Dec/2026:10:00:00 +0000]",
        "r": f"GET /join/{INVITATION_TOKEN}?token={RESET_TOKEN} HTTP/1.1",
        "s": "200",
        "b": "512",
        "f": f"https://learnset.example/reset-password/{RESET_TOKEN}",
        "a": "Mozilla/5.0",
    }
    with caplog.at_level("INFO", logger="gunicorn.access"):
        # Exactly how gunicorn's glogging writes an access line.
        logging.getLogger("gunicorn.access").info(AccessLogFormat.default, atoms)
    [record] = [r for r in caplog.records if r.name == "gunicorn.access"]
    line = record.getMessage()
    assert INVITATION_TOKEN not in line and RESET_TOKEN not in line
    assert f"GET /join/{REDACTED}?token={REDACTED} HTTP/1.1" in line
    assert f"https://learnset.example/reset-password/{REDACTED}" in line


def test_app_log_lines_and_tracebacks_are_redacted(app, caplog):
    with caplog.at_level("INFO"):
        app.logger.error("Exception on /join/%s [GET]", INVITATION_TOKEN)
        try:
            raise ValueError(f"bad link /reset-password/{RESET_TOKEN}")
        except ValueError:
            app.logger.exception("Failed")
    assert INVITATION_TOKEN not in caplog.text
    assert RESET_TOKEN not in caplog.text
    assert f"/join/{REDACTED} [GET]" in caplog.text


def test_every_route_with_a_token_is_covered(app):
    """A route added later with a <token> part is redacted without anyone remembering to."""
    adapter = app.url_map.bind("localhost")
    log_filter = TokenFilter(token_path_patterns(rule.rule for rule in app.url_map.iter_rules()))
    routes = [rule for rule in app.url_map.iter_rules() if "token" in rule.arguments]
    assert {rule.endpoint for rule in routes} >= {
        "accounts.reset_password",
        "cohorts.accept_invitation",
    }
    for rule in routes:
        path = adapter.build(rule.endpoint, {"token": "S3cr3t-T0ken"})
        assert "S3cr3t-T0ken" not in log_filter.redact(f'"GET {path} HTTP/1.1" 200'), rule.rule


def test_other_paths_and_parameters_are_left_alone(app):
    log_filter = TokenFilter(token_path_patterns(["/join/<token>", "/calendar/<token>.ics"]))
    line = '"GET /cohorts/3/members?page=2 HTTP/1.1" 200 - /joint/x /calendar/abc.txt'
    assert log_filter.redact(line) == line
    assert log_filter.redact("/calendar/abc.ics?x=1") == f"/calendar/{REDACTED}.ics?x=1"
    assert log_filter.redact("/join/abc/") == f"/join/{REDACTED}/"


# --- Once a minute, across processes ------------------------------------------------------------


def test_processes_sharing_a_folder_say_a_cause_once_a_minute_between_them(tmp_path):
    # Two limiters stand for two gunicorn workers: they share only the folder.
    first, second = OncePerMinute(), OncePerMinute()
    for limiter in (first, second):
        limiter.share_through(tmp_path / "said")

    assert first.due("disk full") == 0
    assert second.due("disk full") is None
    assert first.due("disk full") is None
    # Another cause is said on its own.
    assert second.due("database unreachable") == 0
    # A minute later, whoever says it next says how many went unsaid in between.
    said = tmp_path / "said" / "disk-full.said"
    os.utime(said, (said.stat().st_atime, said.stat().st_mtime - 61))
    assert second.due("disk full") == 2
    assert first.due("disk full") is None


def test_a_limiter_whose_folder_fails_counts_alone(tmp_path):
    (tmp_path / "not-a-folder").write_text("")
    limiter = OncePerMinute()
    limiter.share_through(tmp_path / "not-a-folder")

    assert limiter.due("disk full") == 0
    assert limiter.due("disk full") is None
