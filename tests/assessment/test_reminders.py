"""Check-in reminders: once per session, to participants who have not checked in since it."""

from datetime import timedelta

from sqlalchemy import func, select

from learnset.assessment import reminders
from learnset.assessment.models import CheckInReminder
from learnset.db import utcnow
from tests import factories
from tests.helpers import link_in


def _remind(app):
    return app.test_cli_runner().invoke(args=["remind-check-ins"])


def test_a_reminder_goes_once_after_a_session(app, db, people, outbox):
    session = factories.make_published_meeting(db, people.cohort, title="Outcomes, not services")
    db.commit()
    first = _remind(app)
    assert first.exit_code == 0, first.output
    assert "Queued 2 check-in reminders." in first.output
    assert sorted(message["To"] for message in outbox()) == sorted(
        [people.participant.email, people.fellow.email]
    )
    second = _remind(app)
    assert second.exit_code == 0, second.output
    assert "Queued 0 check-in reminders." in second.output
    assert len(outbox()) == 2
    recorded = db.scalar(select(func.count()).where(CheckInReminder.meeting_id == session.id))
    assert recorded == 2


def test_the_reminder_says_what_to_do_and_links_to_the_page(app, db, people, outbox):
    factories.make_published_meeting(db, people.cohort, title="Outcomes, not services")
    factories.make_assessment(
        db, people.participant, people.cohort, at=utcnow() - timedelta(days=40)
    )
    db.commit()
    _remind(app)
    by_person = {message["To"]: message for message in outbox()}
    checked_in_before = by_person[people.participant.email]
    body = checked_in_before.get_payload(decode=True).decode()
    assert checked_in_before["Subject"] == "Time to check in after your Riverside set session"
    assert 'met for "Outcomes, not services"' in body
    assert "Now is a good moment to check in" in body
    assert link_in(checked_in_before) == f"/cohorts/{people.cohort.id}/capabilities"
    never = by_person[people.fellow.email].get_payload(decode=True).decode()
    assert "set your baseline" in never


def test_no_reminder_for_someone_who_checked_in_since_the_session(app, db, people, outbox):
    session = factories.make_published_meeting(db, people.cohort)
    factories.make_assessment(db, people.participant, people.cohort, at=session.ends_at)
    factories.make_assessment(db, people.fellow, people.cohort, status="draft")
    db.commit()
    assert "Queued 1 check-in reminder." in _remind(app).output
    assert [message["To"] for message in outbox()] == [people.fellow.email]


def test_only_the_latest_past_published_session_counts(db, people):
    now = utcnow()
    factories.make_published_meeting(db, people.cohort, starts_at=now - timedelta(days=20))
    latest = factories.make_published_meeting(db, people.cohort, starts_at=now - timedelta(days=6))
    factories.make_published_meeting(db, people.cohort, starts_at=now + timedelta(days=20))
    factories.make_published_meeting(
        db, people.cohort, starts_at=now - timedelta(days=2), status="draft"
    )
    # Checked in between the two past sessions: that is before the latest one.
    factories.make_assessment(db, people.participant, people.cohort, at=now - timedelta(days=10))
    due = reminders.due_reminders(db, now)
    assert {(r.participant.id, r.meeting.id) for r in due} == {
        (people.participant.id, latest.id),
        (people.fellow.id, latest.id),
    }
    assert {r.participant.id: r.has_baseline for r in due} == {
        people.participant.id: True,
        people.fellow.id: False,
    }


def test_no_reminder_during_a_session_or_long_after_it(db, people):
    now = utcnow()
    factories.make_published_meeting(db, people.cohort, starts_at=now - timedelta(hours=1))
    factories.make_published_meeting(db, people.other_cohort, starts_at=now - timedelta(days=40))
    assert reminders.due_reminders(db, now) == []


def test_tutors_and_inactive_accounts_get_no_reminder(db, people):
    factories.make_published_meeting(db, people.other_cohort)
    people.outsider.is_active = False
    db.flush()
    assert reminders.due_reminders(db, utcnow()) == []


def test_each_cohort_is_reminded_about_its_own_session(db, people):
    now = utcnow()
    ours = factories.make_published_meeting(db, people.cohort, starts_at=now - timedelta(days=3))
    theirs = factories.make_published_meeting(
        db, people.other_cohort, starts_at=now - timedelta(days=5)
    )
    due = {(r.participant.id, r.meeting.id) for r in reminders.due_reminders(db, now)}
    assert due == {
        (people.participant.id, ours.id),
        (people.fellow.id, ours.id),
        (people.outsider.id, theirs.id),
    }


def test_a_reminder_is_due_again_after_the_next_session(db, people):
    now = utcnow()
    first = factories.make_published_meeting(db, people.cohort, starts_at=now - timedelta(days=30))
    for due in reminders.due_reminders(db, now - timedelta(days=20)):
        reminders.record_reminder(db, due, now - timedelta(days=20))
    assert all(r.meeting.id != first.id for r in reminders.due_reminders(db, now))
    second = factories.make_published_meeting(db, people.cohort, starts_at=now - timedelta(days=2))
    assert {r.meeting.id for r in reminders.due_reminders(db, now)} == {second.id}
