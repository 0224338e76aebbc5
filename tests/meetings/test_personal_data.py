"""Sessions in "download your data" and "delete your account": topics, votes, attendance,
presenter slots and the calendar address."""

import json
from datetime import timedelta

from learnset.accounts import personal_data
from learnset.db import utcnow
from learnset.meetings import calendar
from learnset.meetings.models import Attendance, EmergentTopic, PresenterSlot, TopicVote
from tests import factories
from tests.helpers import count_rows


def _programme(db, people):
    past = factories.make_meeting(
        db, people.cohort, title="Looking at frailty", status="published",
        starts_at=utcnow().replace(microsecond=0) - timedelta(days=30),
    )  # fmt: skip
    factories.make_attendance(db, past, people.participant, present=True)
    factories.make_attendance(db, past, people.fellow, present=False)
    factories.make_slot(
        db, factories.make_meeting(db, people.cohort), people.participant, "PAT-SLOT"
    )
    open_topic = factories.make_topic(db, people.cohort, people.participant, title="PAT-OPEN")
    decided = factories.make_topic(
        db, people.cohort, people.participant, title="PAT-CLOSED", status="closed"
    )
    fays = factories.make_topic(db, people.cohort, people.fellow, title="FAY-TOPIC")
    factories.make_vote(db, fays, people.participant)
    factories.make_vote(db, open_topic, people.fellow)
    calendar.make_feed(db, people.participant, utcnow())
    db.commit()
    return open_topic, decided, fays


def test_download_holds_the_user_s_topics_votes_attendance_and_slots(login, db, people):
    _programme(db, people)
    document = json.loads(login(people.participant).get("/account/your-data.json").data)
    sessions = document["sessions"]
    assert [t["title"] for t in sessions["topics_proposed"]] == ["PAT-OPEN", "PAT-CLOSED"]
    assert [v["topic"] for v in sessions["topic_votes"]] == ["FAY-TOPIC"]
    assert [(a["session"], a["present"]) for a in sessions["attendance"]] == [
        ("Looking at frailty", True)
    ]
    assert [s["topic"] for s in sessions["presenting"]] == ["PAT-SLOT"]
    assert sessions["calendar_address"]["created_at"]
    # Fay's absence and her vote are hers; the calendar address's secret is not written out.
    assert sessions["calendar_address"].keys() == {"created_at", "last_used_at"}


def test_deleting_an_account_withdraws_open_topics_and_leaves_decided_ones_unnamed(db, people):
    open_topic, decided, fays = _programme(db, people)
    open_id, decided_id, fays_id = open_topic.id, decided.id, fays.id
    user_id = people.participant.id
    personal_data.delete_account(db, people.participant)
    db.commit()
    db.expire_all()
    assert db.get(EmergentTopic, open_id) is None
    assert count_rows(db, TopicVote, TopicVote.topic_id == open_id) == 0
    assert db.get(EmergentTopic, decided_id).proposed_by_id is None
    assert count_rows(db, TopicVote, TopicVote.user_id == user_id) == 0
    assert count_rows(db, Attendance, Attendance.user_id == user_id) == 0
    assert count_rows(db, PresenterSlot, PresenterSlot.user_id == user_id) == 0
    # Other people's topics and records stay.
    assert db.get(EmergentTopic, fays_id).proposed_by_id == people.fellow.id
    assert count_rows(db, Attendance, Attendance.user_id == people.fellow.id) == 1
