"""Emails given up on (issue 15, item 3): admins see them and why, and send one again after
a confirmation; nobody else sees the page."""

from __future__ import annotations

from datetime import timedelta

import pytest

from learnset.audit import AuditEvent, AuditKind
from learnset.db import utcnow
from learnset.mail import queue
from learnset.mail.models import OutgoingMail
from tests.helpers import count_rows, html_of, press, queries_per_page, submit, tables, text_of


def _given_up(db, recipient="pat@example.org", error="SMTPDataError: 550 refused", days_ago=0):
    mail = queue.add(db, kind=queue.MESSAGE, recipient=recipient, subject="Hello", now=utcnow())
    mail.failed_at = utcnow() - timedelta(days=days_ago)
    mail.next_attempt_at, mail.attempts, mail.last_error = None, 10, error
    db.flush()
    return mail


def test_admins_see_what_was_given_up_on_and_why(login, db, people):
    _given_up(db, "older@example.org", days_ago=2)
    _given_up(db, "newer@example.org", error="ConnectionRefusedError: [Errno 111]")
    waiting = queue.add(db, kind=queue.MESSAGE, recipient="waiting@example.org", now=utcnow())
    db.commit()
    html = html_of(login(people.admin).get("/mail/failed"))
    [_header, *rows] = tables(html)["Emails given up on, most recent first"]
    assert [row[1] for row in rows] == ["newer@example.org", "older@example.org"]
    assert rows[0][2:5] == ["Hello", "10", "ConnectionRefusedError: [Errno 111]"]
    assert waiting.recipient not in html


def test_an_empty_list_says_nothing_needs_attention(login, people):
    assert "Nothing needs your attention" in text_of(login(people.admin).get("/mail/failed"))


def test_sending_again_asks_first_then_queues_it_afresh_and_is_recorded(login, db, people):
    mail = _given_up(db)
    db.commit()
    admin = login(people.admin)
    page = text_of(admin.get(f"/mail/{mail.id}/retry"))
    assert "Send the email to pat@example.org again?" in page
    assert "SMTPDataError: 550 refused" in page
    db.refresh(mail)
    assert mail.failed_at is not None, "opening the page changes nothing"
    response = submit(admin, f"/mail/{mail.id}/retry", {})
    assert response.status_code == 302 and response.location.endswith("/mail/failed")
    db.refresh(mail)
    assert mail.failed_at is None and mail.attempts == 0
    assert mail.next_attempt_at is not None and mail.next_attempt_at <= utcnow()
    [event] = db.query(AuditEvent).filter_by(kind=AuditKind.MAIL_RETRIED.value).all()
    assert event.actor_id == people.admin.id and event.detail == f"Email {mail.id}"


def test_sending_again_needs_the_form_token(login, db, people):
    mail = _given_up(db)
    db.commit()
    response = login(people.admin).post(f"/mail/{mail.id}/retry", data={})
    assert response.status_code == 400
    db.refresh(mail)
    assert mail.failed_at is not None


def test_an_email_not_given_up_on_cannot_be_sent_again(login, db, people):
    waiting = queue.add(db, kind=queue.MESSAGE, recipient="w@example.org", now=utcnow())
    db.commit()
    admin = login(people.admin)
    response = admin.get(f"/mail/{waiting.id}/retry", follow_redirects=True)
    assert "no longer waiting for a retry" in text_of(response)
    assert admin.get("/mail/999999/retry").status_code == 404


@pytest.mark.parametrize("role", ["participant", "tutor", "other_tutor"])
def test_nobody_but_admins_sees_or_retries(login, db, people, role):
    mail = _given_up(db)
    db.commit()
    browser = login(people.by_role(role))
    assert browser.get("/mail/failed").status_code == 403
    assert browser.get(f"/mail/{mail.id}/retry").status_code == 403
    assert press(browser, f"/mail/{mail.id}/retry").status_code == 403
    db.refresh(mail)
    assert mail.failed_at is not None


def test_the_list_is_paged_at_a_fixed_number_of_queries(login, db, people, count_queries):
    def fill_to(total: int) -> None:
        while count_rows(db, OutgoingMail) < total:
            _given_up(db, f"p{count_rows(db, OutgoingMail)}@example.org")

    admin = login(people.admin)
    counts = queries_per_page(admin, "/mail/failed", count_queries, db, fill_to, (2, 45))
    assert counts[0] == counts[1]
