"""How people are emailed: at once, in a daily or weekly summary, or not at all, as each
chose; never with anyone's words in it; `flask send-notification-digests` twice sends nothing
twice (issue 19, item 2)."""

from datetime import UTC, datetime

import time_machine
from sqlalchemy import select

from learnset.db import utcnow
from learnset.mail.models import OutgoingMail
from learnset.notifications import services
from learnset.notifications.models import Frequency, Notification, NotificationKind
from learnset.reflections import comments
from learnset.reflections import services as reflections
from tests import factories
from tests.helpers import count_rows
from tests.notifications.helpers import queued_to

TITLE = "Zanzibar quokkas at the locality board"
WORDS = "The marmalade ombudsman looked unconvinced"


def _choose(db, person, kind, frequency):
    chosen = services.preferences(db, person)
    chosen[kind] = frequency
    services.set_preferences(db, person, chosen)


def _share(db, people, when=None):
    reflection = factories.make_reflection(
        db, people.participant, title=TITLE, parts={"what": WORDS, "so_what": WORDS}
    )
    reflections.change_visibility(db, reflection, "tutors", when or utcnow())
    return reflection


def _digest(app):
    result = app.test_cli_runner().invoke(args=["send-notification-digests"])
    assert result.exit_code == 0, result.output
    return result.output


def test_at_once_queues_one_email_that_names_the_event_and_links_but_never_the_words(
    db, people, outbox
):
    reflection = _share(db, people)
    comments.add_comment(db, reflection, people.tutor, f"About {WORDS}", utcnow())
    db.commit()
    messages = outbox()
    assert sorted(message["To"] for message in messages) == sorted(
        [people.tutor.email, people.participant.email]
    )
    for message in messages:
        body = message.get_payload(decode=True).decode()
        text = message["Subject"] + body
        assert TITLE not in text and "quokka" not in text.lower()
        assert "marmalade" not in text.lower()
        assert f"http://localhost/reflections/{reflection.id}" in body
        assert "http://localhost/account/notifications" in body
    to_tutor = next(m for m in messages if m["To"] == people.tutor.email)
    assert (
        "Pat Participant shared a reflection with the tutors"
        in to_tutor.get_payload(decode=True).decode()
    )


def test_off_means_nothing_in_the_app_and_nothing_queued(db, people):
    _choose(db, people.tutor, NotificationKind.SHARED, Frequency.OFF)
    _share(db, people)
    assert count_rows(db, Notification) == 0
    assert count_rows(db, OutgoingMail) == 0


def test_a_summary_waits_for_the_next_morning_groups_and_goes_once(app, db, people, outbox):
    _choose(db, people.tutor, NotificationKind.SHARED, Frequency.DAILY)
    with time_machine.travel(datetime(2026, 12, 1, 10, 0, tzinfo=UTC), tick=False):
        _share(db, people)
        _share(db, people)
        db.commit()
        assert queued_to(db) == []
        assert "Queued 0 notification summaries." in _digest(app)
    with time_machine.travel(datetime(2026, 12, 2, 7, 0, tzinfo=UTC), tick=False):
        assert "Queued 1 notification summary." in _digest(app)
        assert "Queued 0 notification summaries." in _digest(app)
        messages = outbox()
    assert [message["To"] for message in messages] == [people.tutor.email]
    body = messages[0].get_payload(decode=True).decode()
    assert messages[0]["Subject"] == "Learnset: 2 new notifications"
    assert body.count("Pat Participant shared a reflection with the tutors") == 2
    assert TITLE not in body and "marmalade" not in body.lower()
    assert "http://localhost/account/notifications" in body


def test_a_weekly_summary_waits_for_the_week_to_turn(app, db, people, outbox):
    _choose(db, people.tutor, NotificationKind.SHARED, Frequency.WEEKLY)
    # Wednesday 2 December 2026.
    with time_machine.travel(datetime(2026, 12, 2, 10, 0, tzinfo=UTC), tick=False):
        _share(db, people)
        db.commit()
    with time_machine.travel(datetime(2026, 12, 5, 7, 0, tzinfo=UTC), tick=False):
        assert "Queued 0" in _digest(app)
    with time_machine.travel(datetime(2026, 12, 7, 7, 0, tzinfo=UTC), tick=False):
        assert "Queued 1 notification summary." in _digest(app)
        assert "Queued 0" in _digest(app)
        assert [message["To"] for message in outbox()] == [people.tutor.email]


def test_read_before_the_summary_is_left_out_of_it(app, db, people, outbox):
    _choose(db, people.tutor, NotificationKind.SHARED, Frequency.DAILY)
    with time_machine.travel(datetime(2026, 12, 1, 10, 0, tzinfo=UTC), tick=False):
        _share(db, people)
        db.commit()
        services.mark_all_read(db, people.tutor, utcnow())
        db.commit()
    with time_machine.travel(datetime(2026, 12, 2, 7, 0, tzinfo=UTC), tick=False):
        assert "Queued 0" in _digest(app)
    assert outbox() == []


def test_a_tutor_asking_to_email_now_emails_those_on_a_summary_once(login, db, people, outbox):
    _choose(db, people.fellow, NotificationKind.SESSION, Frequency.OFF)
    meeting = factories.make_meeting(db, people.cohort)
    db.commit()
    from tests.helpers import submit

    response = submit(login(people.tutor), f"/sessions/{meeting.id}/publish", {"notify": "y"})
    assert response.status_code == 302
    assert [message["To"] for message in outbox()] == [people.participant.email]
    waiting = db.scalars(select(Notification).where(Notification.digest_due.is_(True))).all()
    assert waiting == []


def test_the_check_in_reminder_is_the_check_ins_email_and_follows_the_choice(
    app, db, people, outbox
):
    _choose(db, people.fellow, NotificationKind.CHECK_IN, Frequency.OFF)
    _choose(db, people.participant, NotificationKind.CHECK_IN, Frequency.WEEKLY)
    factories.make_published_meeting(db, people.cohort)
    db.commit()
    result = app.test_cli_runner().invoke(args=["remind-check-ins"])
    assert "Queued 0 check-in reminders." in result.output
    assert outbox() == []
    db.expire_all()
    waiting = db.scalars(select(Notification)).all()
    assert [(n.recipient_id, n.digest_due) for n in waiting] == [(people.participant.id, True)]
