"""The demo programme includes a few reflections, some shared, one with a tutor's comment."""

import pytest
from sqlalchemy import func, select

from learnset import demo
from learnset.reflections.demo import DEMO_REFLECTIONS
from learnset.reflections.models import Reflection, ReflectionComment, ReflectionVersion
from tests.factories import FAST_HASH


@pytest.mark.demo_data
def test_demo_reflections_load_once(db):
    count = db.scalar(select(func.count()).select_from(Reflection))
    demo.load(db, FAST_HASH)
    reflections = db.scalars(select(Reflection)).all()
    assert len(reflections) == count
    titles = {entry["title"] for entry in DEMO_REFLECTIONS}
    written = [r for r in reflections if r.title in titles]
    assert len(written) == 5
    assert {r.visibility for r in written} == {"private", "tutors", "set"}
    assert {r.structure for r in written} == {"driscoll", "gibbs"}
    assert db.scalar(select(func.count()).select_from(ReflectionComment)) == 1
    # One version each, and one more for the file attached to a shared one.
    assert db.scalar(select(func.count()).select_from(ReflectionVersion)) == len(reflections) + 1


@pytest.mark.demo_data
def test_the_first_set_has_reflections_after_its_sessions_mostly_private(db):
    """For its dashboard (issue 6): written in the days after each past session."""
    monthly = db.scalars(select(Reflection).where(Reflection.meeting_id.is_not(None))).all()
    assert len({r.meeting_id for r in monthly}) >= 6
    assert all(r.created_at > r.meeting.ends_at for r in monthly)
    private = [r for r in monthly if r.visibility == "private"]
    assert len(private) > len(monthly) / 2
    assert {r.visibility for r in monthly} == {"private", "tutors", "set"}


@pytest.mark.demo_data
def test_the_demo_participant_has_two_notes_in_the_inbox(db):
    from learnset.accounts.models import User
    from learnset.reflections.models import Note

    demo.load(db, FAST_HASH)
    writers = db.scalars(select(User.email).join(Note, Note.author_id == User.id)).all()
    assert writers == ["participant1@example.org"] * 2


@pytest.mark.demo_data
def test_the_demo_shows_a_file_on_a_shared_reflection(db):
    from sqlalchemy import select

    from learnset.reflections.models import ReflectionAttachment

    attachment = db.scalar(select(ReflectionAttachment))
    assert attachment.name == "Referral figures.csv"
    assert attachment.reflection.visibility != "private"
