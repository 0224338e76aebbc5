"""The demo's live challenges: made once, dated from the sets' own sessions, one closed and
told as a story, and presenting at the next sessions."""

from sqlalchemy import select

from learnset.challenges.models import (
    Challenge,
    ChallengeUpdate,
    ChallengeUpdateAttachment,
    Story,
)
from learnset.db import database, utcnow
from learnset.meetings.models import Meeting, PresenterSlot
from learnset.reflections.models import Reflection
from tests.apps import demo_loaded_again, fresh_app


def test_demo_challenges_are_made_once_and_read_true(tmp_path):
    app = fresh_app(tmp_path, demo=True)
    demo_loaded_again(
        app, Challenge, ChallengeUpdate, Story, PresenterSlot, ChallengeUpdateAttachment
    )
    with database(app).sessions() as session:
        challenges = session.scalars(select(Challenge)).all()
        riverside = [c for c in challenges if c.cohort.name.startswith("Riverside")]
        assert len(riverside) == 4
        assert {c.status for c in riverside} == {"open", "paused", "closed"}
        [story] = session.scalars(select(Story)).all()
        assert story.is_published and story.challenge.status == "closed"
        kinds = set(session.scalars(select(ChallengeUpdate.kind)))
        assert kinds == {"question", "insight", "action", "experiment", "gain"}
        now = utcnow()
        assert all(u.created_at <= now for u in session.scalars(select(ChallengeUpdate)))
        # Each set's next session has its presenters, each naming an open challenge.
        for slot in session.scalars(select(PresenterSlot)):
            meeting = session.get(Meeting, slot.meeting_id)
            assert meeting.ends_at > now
            assert slot.challenge is not None and slot.challenge.is_open
            assert slot.user_id == slot.challenge.owner_id
        linked = session.scalar(select(Reflection).where(Reflection.challenge_id.is_not(None)))
        assert linked is not None and linked.author_id == linked.challenge.owner_id
        # One file beside an owner's update shows the update files.
        [evidence] = session.scalars(select(ChallengeUpdateAttachment)).all()
        assert evidence.update.author_id == evidence.update.challenge.owner_id
