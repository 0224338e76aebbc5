"""Each kind of notification reaches exactly the people it concerns (issue 19, item 2): never
the person who acted, never anyone of another set, never someone who cannot open its link."""

from datetime import timedelta

import pytest

from learnset.db import utcnow
from learnset.meetings import services as meetings
from learnset.meetings import topics
from learnset.notifications.models import Notification
from learnset.reflections import comments
from learnset.reflections import services as reflections
from learnset.reflections.services import ReflectionError
from tests import factories
from tests.helpers import count_rows
from tests.notifications.helpers import told


@pytest.mark.parametrize("visibility", ["tutors", "set"])
def test_sharing_a_reflection_tells_the_sets_tutors_only(db, people, visibility):
    reflection = factories.make_reflection(db, people.participant)
    reflections.change_visibility(db, reflection, visibility, utcnow())
    whom = "the set" if visibility == "set" else "the tutors"
    assert told(db) == {"Tess Tutor": [f"Pat Participant shared a reflection with {whom}"]}


def test_a_reflection_written_shared_tells_the_tutors_and_editing_it_again_does_not(db, people):
    data = factories.reflection_input(people.cohort, visibility="tutors")
    reflection = reflections.create_reflection(db, people.participant, data, utcnow())
    assert list(told(db)) == ["Tess Tutor"]
    reflections.update_reflection(db, reflection, data, utcnow())
    reflections.change_visibility(db, reflection, "set", utcnow())
    assert count_rows(db, Notification) == 1


def test_a_private_reflection_and_a_refused_share_tell_nobody(db, people):
    reflection = factories.make_reflection(db, people.participant, cohort_id=None)
    reflections.change_visibility(db, reflection, "private", utcnow())
    with pytest.raises(ReflectionError):
        reflections.change_visibility(db, reflection, "tutors", utcnow())
    assert count_rows(db, Notification) == 0


def test_a_tutors_comment_tells_the_author_and_their_reply_tells_the_tutor(db, people):
    reflection = factories.make_reflection(db, people.participant, visibility="set")
    factories.make_member(db, people.cohort, "tutor", name="Tom Secondtutor")
    comments.add_comment(db, reflection, people.tutor, "A thought", utcnow())
    assert told(db, "comment") == {
        "Pat Participant": ["Tess Tutor commented on a reflection you shared"]
    }
    comments.add_comment(db, reflection, people.participant, "Thank you", utcnow())
    assert told(db, "reply") == {
        "Tess Tutor": ["Pat Participant replied on a reflection they shared"],
        "Tom Secondtutor": ["Pat Participant replied on a reflection they shared"],
    }
    # A fellow's comment is news to the author; the other set hears nothing of any of it.
    comments.add_comment(db, reflection, people.fellow, "Me too", utcnow())
    assert len(told(db, "comment")["Pat Participant"]) == 2
    assert not {"Fay Fellow", "Otto Othertutor", "Oona Outsider", "Ada Admin"} & set(told(db))


def test_publishing_a_session_tells_its_set_but_not_the_tutor_who_published(db, people):
    meeting = factories.make_meeting(db, people.cohort, title="Threat and connection")
    factories.make_meeting(db, people.other_cohort)
    meetings.publish(db, meeting, utcnow(), actor=people.tutor)
    assert sorted(told(db, "session")) == ["Fay Fellow", "Pat Participant"]
    assert "Threat and connection of Riverside set" in told(db)["Fay Fellow"][0]


def test_moving_a_published_session_tells_the_set_and_a_draft_tells_nobody(db, people):
    # At 10:00, so that the three-hour session never runs past midnight, whenever this runs.
    last_week = utcnow().replace(hour=10, minute=0, second=0, microsecond=0) - timedelta(days=7)
    published = factories.make_published_meeting(db, people.cohort, starts_at=last_week)
    draft = factories.make_meeting(db, people.cohort)
    for meeting in (published, draft):
        details = meetings.details_of(meeting)
        later = meetings.MeetingDetails(
            day=details.day + timedelta(days=1), starts=details.starts, ends=details.ends
        )
        meetings.update_meeting(db, meeting, later, utcnow(), actor=people.tutor)
    assert sorted(told(db, "session")) == ["Fay Fellow", "Pat Participant"]
    assert all("has changed" in said[0] for said in told(db, "session").values())


def test_taking_up_a_topic_tells_the_set_except_the_tutor(db, people):
    topic = factories.make_topic(db, people.cohort, people.fellow, title="Our own secret topic")
    meeting = factories.make_meeting(db, people.cohort, starts_at=utcnow() + timedelta(days=9))
    topics.take_up(db, topic, meeting, people.tutor, utcnow())
    assert sorted(told(db, "topic")) == ["Fay Fellow", "Pat Participant"]
    assert all("secret" not in said[0] for said in told(db, "topic").values())


def test_a_check_in_opening_tells_each_participant_who_has_not_checked_in(app, db, people):
    factories.make_published_meeting(db, people.cohort)
    db.commit()
    result = app.test_cli_runner().invoke(args=["remind-check-ins"])
    assert result.exit_code == 0, result.output
    db.expire_all()
    assert sorted(told(db, "check-in")) == ["Fay Fellow", "Pat Participant"]


def test_a_closed_account_is_not_told(db, people):
    people.tutor.is_active = False
    reflection = factories.make_reflection(db, people.participant)
    reflections.change_visibility(db, reflection, "tutors", utcnow())
    assert count_rows(db, Notification) == 0
