"""Forgotten passwords: an emailed, signed, expiring, single-use link, end to end via the outbox."""

import time

from learnset.accounts import services
from learnset.db import utcnow
from tests.conftest import TEST_PASSWORD, link_in, submit

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
    _ask_for_link(client, people.participant.email)
    link = link_in(outbox()[0])
    app.config["PASSWORD_RESET_MAX_AGE"] = 1
    time.sleep(2.1)
    assert client.get(link).status_code == 410


def test_tampered_link_is_refused(client, outbox, people):
    _ask_for_link(client, people.participant.email)
    link = link_in(outbox()[0])
    assert client.get(link[:-3] + "abc").status_code == 410


def test_link_dies_when_password_changes_another_way(client, db, outbox, people):
    _ask_for_link(client, people.participant.email)
    link = link_in(outbox()[0])
    services.change_password(
        db, people.participant, "another long passphrase", "scrypt:1024:8:1", utcnow(), keep=None
    )
    db.commit()
    assert client.get(link).status_code == 410


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
