"""Forgotten passwords: an emailed, signed, expiring, single-use link, end to end via the outbox."""

import re
import time
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import delete, select

from learnset import config, create_app, mail
from learnset.accounts import services
from learnset.accounts.models import SignInSession, User
from learnset.audit.models import AuditEvent
from learnset.db import database, utcnow
from learnset.mail.models import OutgoingMail
from tests import factories
from tests.apps import make_test_config
from tests.factories import FAST_HASH
from tests.helpers import (
    TEST_PASSWORD,
    csrf_from,
    deliver_mail,
    link_in,
    post_twice_at_once,
    submit,
)

NEW = "lantern river otter"


def _ask_for_link(client, email):
    return submit(client, "/forgot-password", {"email": email})


def test_reset_end_to_end_link_works_once(client, db, outbox, people):
    response = _ask_for_link(client, people.participant.email)
    assert response.status_code == 200
    assert "Check your email" in response.get_data(as_text=True)
    [message] = outbox()
    assert message["To"] == people.participant.email
    link = link_in(message)
    assert link.startswith("/reset-password/")

    response = submit(client, link, {"password": NEW, "confirm": NEW})
    assert response.status_code == 302
    assert client.get("/account").status_code == 200, "signed in after resetting"
    db.refresh(people.participant)
    assert services.authenticate(db, people.participant.email, NEW, utcnow())
    assert not services.authenticate(db, people.participant.email, TEST_PASSWORD, utcnow())

    second = client.get(link)
    assert second.status_code == 410
    assert "no longer works" in second.get_data(as_text=True)


def test_unknown_email_gets_the_same_answer_and_no_email(client, outbox):
    response = _ask_for_link(client, "nobody@example.org")
    assert response.status_code == 200
    assert "Check your email" in response.get_data(as_text=True)
    assert outbox() == []


def test_reset_link_expires(app, client, outbox, people):
    """It works until PASSWORD_RESET_MAX_AGE has passed, and not a second longer: the clock
    moves, nobody waits."""
    _ask_for_link(client, people.participant.email)
    link = link_in(outbox()[0])
    max_age = timedelta(seconds=app.config["PASSWORD_RESET_MAX_AGE"])
    with time_machine.travel(utcnow() + max_age - timedelta(minutes=1), tick=False):
        assert client.get(link).status_code == 200
    with time_machine.travel(utcnow() + max_age + timedelta(seconds=1), tick=False):
        assert client.get(link).status_code == 410


def test_tampered_link_is_refused(client, outbox, people):
    _ask_for_link(client, people.participant.email)
    link = link_in(outbox()[0])
    assert client.get(link[:-3] + "abc").status_code == 410


def test_link_dies_when_password_changes_another_way(client, db, outbox, people):
    _ask_for_link(client, people.participant.email)
    link = link_in(outbox()[0])
    services.change_password(
        db, people.participant, "another long passphrase", FAST_HASH, utcnow(), keep=None
    )
    db.commit()
    assert client.get(link).status_code == 410


def test_link_dies_when_the_address_changes(client, login, db, outbox, people):
    """A link mailed to the old address (a mailbox left behind, or someone else's now) no
    longer opens the account once the address has changed."""
    _ask_for_link(client, people.participant.email)
    link = link_in(outbox()[0])
    token = csrf_from(client, link)
    browser = login(people.participant)
    submit(browser, "/account/email", {"email": "pat.new@example.org", "current": TEST_PASSWORD})
    submit(browser, link_in(outbox()[1]), {})
    db.refresh(people.participant)
    assert people.participant.email == "pat.new@example.org"
    assert client.get(link).status_code == 410
    sent = {"password": NEW, "confirm": NEW, "csrf_token": token}
    assert client.post(link, data=sent).status_code == 410, "nor the form opened before"
    assert services.authenticate(db, "pat.new@example.org", TEST_PASSWORD, utcnow())


def test_new_password_must_follow_the_rules(client, outbox, people):
    _ask_for_link(client, people.participant.email)
    link = link_in(outbox()[0])
    response = submit(client, link, {"password": "short", "confirm": "short"})
    assert response.status_code == 422
    assert "Password must be 10 characters or more" in response.get_data(as_text=True)
    response = submit(client, link, {"password": NEW, "confirm": NEW + "x"})
    assert "The passwords do not match" in response.get_data(as_text=True)
    # The link still works after a refused attempt.
    assert client.get(link).status_code == 200


def test_requests_for_links_are_rate_limited(app, client, people):
    app.config["EMAIL_LIMIT_PER_IP"] = "2 per hour"
    statuses = [_ask_for_link(client, people.participant.email).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


# --- The same answer, the same work and the same time for any address (issue 12, item 5) -------


def _statements_for(client, email, count_queries):  # type: ignore[no-untyped-def]
    token = csrf_from(client, "/forgot-password")
    with count_queries() as statements:
        response = client.post("/forgot-password", data={"email": email, "csrf_token": token})
    return response, statements


def test_asking_for_a_link_sends_nothing_inside_the_request(app, client, db, people):
    response = _ask_for_link(client, people.participant.email)
    assert response.status_code == 200
    assert not Path(app.config["MAIL_OUTBOX"]).exists(), "no email is written by the request"
    [queued] = db.scalars(select(OutgoingMail)).all()
    assert (queued.kind, queued.recipient, queued.sent_at) == (
        "password-reset",
        people.participant.email,
        None,
    )
    assert deliver_mail(app).sent == 1


def test_known_and_unknown_addresses_do_exactly_the_same_work(client, db, people, count_queries):
    known, known_sql = _statements_for(client, people.participant.email, count_queries)
    unknown, unknown_sql = _statements_for(client, "nobody@example.org", count_queries)
    assert known.status_code == unknown.status_code == 200
    assert known_sql == unknown_sql
    assert not any("FROM users" in statement for statement in known_sql), "no account lookup"
    same_page = known.get_data(as_text=True).replace(people.participant.email, "ADDRESS")
    assert same_page == unknown.get_data(as_text=True).replace("nobody@example.org", "ADDRESS")
    rows = db.scalars(select(OutgoingMail).order_by(OutgoingMail.id)).all()
    assert [(row.kind, row.subject, row.body, row.data) for row in rows] == [
        ("password-reset", "", "", {}),
        ("password-reset", "", "", {}),
    ]


def test_request_for_an_unknown_address_is_dropped_and_the_address_not_kept(app, client, db):
    _ask_for_link(client, "Nobody@Example.org")
    report = deliver_mail(app)
    assert (report.sent, report.dropped) == (0, 1)
    assert db.scalars(select(OutgoingMail)).all() == []
    assert not Path(app.config["MAIL_OUTBOX"]).exists()


def test_deactivated_account_gets_no_link(app, client, db, outbox, people):
    people.participant.is_active = False
    db.commit()
    _ask_for_link(client, people.participant.email)
    assert outbox() == []


def test_a_request_older_than_a_links_lifetime_is_not_sent(app, client, db, people):
    _ask_for_link(client, people.participant.email)
    queued = db.scalar(select(OutgoingMail))
    later = queued.created_at + timedelta(seconds=app.config["PASSWORD_RESET_MAX_AGE"] + 1)
    with app.app_context():
        report = mail.deliver_due(now=lambda: later)
    assert (report.sent, report.dropped) == (0, 1)


def test_reset_links_live_one_hour_by_default(tmp_path):
    assert config.from_environment(tmp_path, need_secret=False)["PASSWORD_RESET_MAX_AGE"] == 3600


def test_the_emailed_link_is_never_logged(app, client, people, caplog):
    _ask_for_link(client, people.participant.email)
    with caplog.at_level("DEBUG"):
        deliver_mail(app)
    [path] = Path(app.config["MAIL_OUTBOX"]).glob("*.eml")
    token = re.search(r"/reset-password/(\S+)", path.read_text()).group(1)
    assert token not in caplog.text
    assert people.participant.email not in caplog.text


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_reset_pages_send_no_referrer(method, client, outbox, people, no_csrf):
    client.post("/forgot-password", data={"email": people.participant.email})
    link = link_in(outbox()[0])
    for path in (link, "/reset-password/not-a-token"):
        response = client.open(path, method=method, data={"password": "x", "confirm": "y"})
        assert response.headers["Referrer-Policy"] == "no-referrer", path
    assert client.get("/forgot-password").headers["Referrer-Policy"] == "same-origin"


def test_one_link_posted_twice_at_once_resets_once(database_url, tmp_path, monkeypatch):
    """A double click on 'Change password', or two tabs: the second post, sent while the first
    is still working, waits for it and finds the link used (the password it was made for has
    gone), instead of setting the password again and signing a second browser in. Two real
    requests on two connections."""
    site = create_app(make_test_config(database_url, tmp_path))
    sessions = database(site).writer_sessions
    with sessions() as setup:
        user = factories.make_user(setup, email="racer@example.org")
        setup.commit()
        user_id, token = user.id, services.make_reset_token(user, site.config["SECRET_KEY"])
    link = f"/reset-password/{token}"
    real_reset, calls = services.reset_password, []

    def _slow_reset(*args, **kwargs):
        real_reset(*args, **kwargs)
        calls.append(1)
        if len(calls) == 1:
            time.sleep(0.5)  # the first one's transaction stays open while the second arrives

    monkeypatch.setattr(services, "reset_password", _slow_reset)
    browsers = [site.test_client(), site.test_client()]
    forms = [
        {"password": NEW, "confirm": NEW, "csrf_token": csrf_from(browser, link)}
        for browser in browsers
    ]
    try:
        assert post_twice_at_once(browsers, link, forms, calls) == [302, 410]
        assert len(calls) == 1
    finally:
        with sessions() as cleanup:
            cleanup.execute(delete(SignInSession).where(SignInSession.user_id == user_id))
            cleanup.execute(delete(AuditEvent).where(AuditEvent.actor_id == user_id))
            cleanup.execute(delete(User).where(User.id == user_id))
            cleanup.commit()
        database(site).engine.dispose()
