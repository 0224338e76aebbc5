"""Changing one's email address (issue 16, item 5): a link to the new address makes the change,
and only then; the old address is told; an address another account has is never given away."""

from __future__ import annotations

import re
from datetime import timedelta

import time_machine
from sqlalchemy import select

from learnset.accounts.models import User
from learnset.audit.models import AuditKind
from learnset.db import utcnow
from learnset.mail.models import OutgoingMail
from tests import factories
from tests.helpers import (
    TEST_PASSWORD,
    audit_events,
    count_rows,
    csrf_from,
    link_in,
    submit,
    text_of,
)

NEW = "pat.new@example.org"


def _ask(browser, email: str = NEW, password: str = TEST_PASSWORD):
    return submit(browser, "/account/email", {"email": email, "current": password})


def _page_without(response, email: str) -> str:
    """The page with the address typed taken out, and the form token (signed with the time)."""
    page = text_of(response).replace(email, "@")
    return re.sub(r'name="csrf_token" value="[^"]*"', "", page)


def test_the_change_waits_for_the_new_address_then_tells_the_old_one(
    login, client, db, outbox, people
):
    browser = login(people.participant)
    old = people.participant.email
    page = text_of(_ask(browser, "Pat.New@Example.org"))
    assert f"We have sent an email to <strong>{NEW}</strong>" in page
    db.refresh(people.participant)
    assert people.participant.email == old, "nothing changes before the link is opened"
    [message] = outbox()
    assert message["To"] == NEW
    link = link_in(message)
    # Opening the link asks; only the button changes anything (GET never writes).
    assert NEW in text_of(client.get(link))
    db.refresh(people.participant)
    assert people.participant.email == old
    response = submit(client, link, {})
    assert response.status_code == 302
    db.refresh(people.participant)
    assert people.participant.email == NEW
    [notice] = outbox()[1:]
    assert notice["To"] == old
    assert NEW in notice.get_payload(decode=True).decode()
    [event] = audit_events(db, AuditKind.EMAIL_CHANGED)
    assert event.actor_id == people.participant.id
    assert old not in event.detail and NEW not in event.detail
    # The link works once.
    assert client.get(link).status_code == 410


def test_a_wrong_password_sends_nothing(login, db, outbox, people):
    response = _ask(login(people.participant), password="not my password")
    assert "Your password is not correct" in text_of(response, 422)
    assert outbox() == []


def test_the_same_address_is_refused_beside_the_field(login, outbox, people):
    response = _ask(login(people.participant), email=people.participant.email.upper())
    assert "That is already your email address" in text_of(response, 422)
    assert outbox() == []


def test_another_account_s_address_is_never_given_away(login, client, db, outbox, people):
    """The person asking sees exactly what they would for a free address; the address's owner
    is told instead, and no link that could take their address is sent."""
    browser = login(people.participant)
    free = _page_without(_ask(browser, "nobody.yet@example.org"), "nobody.yet@example.org")
    taken = _page_without(_ask(browser, people.fellow.email), people.fellow.email)
    assert free == taken
    messages = outbox()
    [to_fellow] = [message for message in messages if message["To"] == people.fellow.email]
    body = to_fellow.get_payload(decode=True).decode()
    assert "already belongs to a Learnset account" in body
    assert "http://" not in body
    assert people.participant.email not in body and people.participant.name not in body


def test_an_address_taken_after_the_link_was_sent_is_refused(login, client, db, outbox, people):
    _ask(login(people.participant))
    link = link_in(outbox()[0])
    factories.make_user(db, email=NEW)
    db.commit()
    response = submit(client, link, {})
    assert response.status_code == 409
    assert "already the address of another Learnset account" in text_of(response, 409)
    db.refresh(people.participant)
    assert people.participant.email != NEW


def test_the_link_expires(app, client, outbox, login, people):
    _ask(login(people.participant))
    link = link_in(outbox()[0])
    max_age = timedelta(seconds=app.config["EMAIL_CHANGE_MAX_AGE"])
    with time_machine.travel(utcnow() + max_age + timedelta(seconds=1), tick=False):
        assert client.get(link).status_code == 410


def test_a_tampered_link_and_a_deactivated_account_are_refused(client, db, outbox, login, people):
    _ask(login(people.participant))
    link = link_in(outbox()[0])
    assert client.get(link[:-3] + "abc").status_code == 410
    people.participant.is_active = False
    db.commit()
    assert client.get(link).status_code == 410


def test_the_link_dies_when_the_password_is_reset(login, client, db, outbox, people):
    """Someone who knew the password asks to move the account to their own address; its owner
    resets the password: the link they were sent no longer works."""
    _ask(login(people.participant), "taker@example.net")
    link = link_in(outbox()[0])
    token = csrf_from(client, link)
    submit(login(None), "/forgot-password", {"email": people.participant.email})
    new_password = {"password": "lantern river otter", "confirm": "lantern river otter"}
    assert submit(login(None), link_in(outbox()[1]), new_password).status_code == 302
    assert client.get(link).status_code == 410
    assert client.post(link, data={"csrf_token": token}).status_code == 410
    db.refresh(people.participant)
    assert people.participant.email != "taker@example.net"


def test_requests_are_rate_limited_so_the_form_sends_no_flood_of_mail(app, login, db, people):
    """Each request emails the address typed, whoever's it is: a script with the password must
    not make Learnset send thousands."""
    app.config["EMAIL_LIMIT_PER_IP"] = "2 per hour"
    browser = login(people.participant)
    statuses = [_ask(browser, f"someone{n}@example.net").status_code for n in range(3)]
    assert statuses == [200, 200, 429]
    assert count_rows(db, OutgoingMail) == 2


def test_signing_in_uses_the_new_address(login, client, db, outbox, people):
    _ask(login(people.participant))
    submit(client, link_in(outbox()[0]), {})
    response = submit(client, "/sign-in", {"email": NEW, "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert db.scalar(select(User).where(User.email == NEW)).id == people.participant.id
