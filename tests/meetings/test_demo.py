"""The demo programme's sessions: schedules, materials from the library, attendance, topics."""

from datetime import UTC, datetime

from sqlalchemy import func, select

from learnset import demo
from learnset.dates import UK
from learnset.db import database, utcnow
from learnset.library.models import ContentItem
from learnset.meetings.models import Attendance, EmergentTopic, Meeting, MeetingItem, TopicVote
from tests.apps import demo_loaded_again, fresh_app

COUNTED = [Meeting, MeetingItem, Attendance, EmergentTopic, TopicVote]


def test_demo_sessions_are_made_once(tmp_path):
    app = fresh_app(tmp_path, demo=True)
    first = demo_loaded_again(app, *COUNTED)
    with database(app).sessions() as session:
        # Ten a set, and a draft follow-up for Riverside once its year is nearly over.
        assert first["Meeting"] == 21
        assert first["MeetingItem"] == 0  # the library is empty: nothing to attach
        riverside = session.scalars(
            select(Meeting).join(Meeting.cohort).where(Meeting.number.in_([1, 10]))
        ).all()
        starts = sorted((m.starts_at.astimezone(UK).replace(tzinfo=None)) for m in riverside)
        assert datetime(2026, 3, 10, 13, 30) in starts
        assert datetime(2026, 9, 3, 10, 0) in starts
        now = utcnow()
        for meeting in session.scalars(select(Meeting)):
            if meeting.ends_at <= now:
                assert meeting.is_published
                assert meeting.attendances
            else:
                assert not meeting.attendances


def test_demo_builds_its_sessions_from_the_programme_when_loaded(tmp_path):
    app = fresh_app(tmp_path, migrated=True)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["content", "sync"]).exit_code == 0
    with database(app).sessions() as session:
        # An item taken out of the library stays out of the sessions made from the programme.
        trapped = session.scalars(
            select(ContentItem).where(ContentItem.slug == "what-gets-trapped")
        ).one()
        trapped.archived_at = datetime(2026, 1, 1, tzinfo=UTC)
        session.commit()
    assert runner.invoke(args=["demo"]).exit_code == 0
    with database(app).sessions() as session:
        plans = {
            (meeting.cohort.name[:9], meeting.title): (
                [item.content_item.slug for item in meeting.items],
                meeting.agenda,
            )
            for meeting in session.scalars(select(Meeting))
        }
    items, agenda = plans[("Riverside", "The unlocking lens")]
    assert items == [
        "crisis-and-unlocking-lenses",
        "evidence-based-leadership",
        "reframing-through-the-unlocking-lens",
    ]
    # Riverside meets at 1:30pm: the running order's times start there.
    assert "- **1:30pm to 1:45pm**: Check-in" in agenda
    assert "## Before the session" in agenda
    assert plans[("Eastvale ", "The whole system in the room")][0][-1] == "open-space"
    assert plans[("Riverside", "What gets trapped")][0] == ["mapping-what-is-trapped"]


def test_demo_has_topics_with_votes(tmp_path):
    app = fresh_app(tmp_path, demo=True)
    with database(app).sessions() as session:
        assert set(demo.TOPICS) == {name for name, *_ in demo.COHORTS}
        assert session.scalar(select(func.count()).select_from(EmergentTopic)) == 5
        assert session.scalar(select(func.count()).select_from(TopicVote)) > 5
