"""The demo programme's sessions: schedules, materials from the library, attendance, topics."""

from datetime import UTC, datetime

from sqlalchemy import func, select

from learnset import demo
from learnset.dates import UK
from learnset.db import database, utcnow
from learnset.library.models import ContentItem
from learnset.meetings.models import Attendance, EmergentTopic, Meeting, MeetingItem, TopicVote
from tests.apps import demo_loaded_twice, fresh_app

COUNTED = [Meeting, MeetingItem, Attendance, EmergentTopic, TopicVote]


def test_demo_sessions_are_made_once(tmp_path):
    app = fresh_app(tmp_path, migrated=True)
    first = demo_loaded_twice(app, *COUNTED)
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


def test_demo_attaches_library_items_by_slug_when_loaded(tmp_path):
    app = fresh_app(tmp_path, migrated=True)
    with database(app).sessions() as session:
        session.add_all(
            [
                ContentItem(slug="crisis-and-unlocking-lenses", kind="theory", title="Lenses"),
                ContentItem(slug="open-space", kind="method", title="Open Space"),
                ContentItem(
                    slug="what-gets-trapped",
                    kind="theory",
                    title="Trapped",
                    archived_at=datetime(2026, 1, 1, tzinfo=UTC),
                ),
            ]
        )
        session.commit()
    assert app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    with database(app).sessions() as session:
        titles = {
            (meeting.cohort.name[:9], meeting.title): [
                item.content_item.slug for item in meeting.items
            ]
            for meeting in session.scalars(select(Meeting))
        }
        assert titles[("Riverside", "The unlocking lens")] == ["crisis-and-unlocking-lenses"]
        assert titles[("Eastvale ", "The whole system in the room")] == ["open-space"]
        assert titles[("Riverside", "What gets trapped")] == []


def test_demo_has_topics_with_votes(tmp_path):
    app = fresh_app(tmp_path, migrated=True)
    app.test_cli_runner().invoke(args=["demo"])
    with database(app).sessions() as session:
        assert set(demo.TOPICS) == {name for name, *_ in demo.COHORTS}
        assert session.scalar(select(func.count()).select_from(EmergentTopic)) == 5
        assert session.scalar(select(func.count()).select_from(TopicVote)) > 5
