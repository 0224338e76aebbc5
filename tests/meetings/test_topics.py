"""Emergent topics: proposing, one vote per member, the tutor's decisions, and privacy."""

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from learnset.cohorts import services as cohort_services
from learnset.db import utcnow
from learnset.meetings import topics
from learnset.meetings.models import EmergentTopic, TopicVote
from tests import factories
from tests.helpers import press, submit, text_of


def _votes(db, topic):
    return db.scalar(select(func.count()).where(TopicVote.topic_id == topic.id))


def test_member_proposes_a_topic(login, db, people):
    browser = login(people.participant)
    response = submit(
        browser,
        f"/cohorts/{people.cohort.id}/topics",
        {"title": "Decommissioning a service people love", "details": "Coming up in May"},
    )
    assert response.status_code == 302
    topic = db.scalar(select(EmergentTopic))
    assert topic.proposed_by_id == people.participant.id
    assert topic.status == "open"
    page = text_of(browser.get(response.location))
    assert "Decommissioning a service people love" in page
    assert "Proposed by Pat Participant" in page


def test_proposal_needs_a_title(login, db, people):
    response = submit(login(people.fellow), f"/cohorts/{people.cohort.id}/topics", {"title": ""})
    assert response.status_code == 422
    assert "Enter the topic you would like the set to explore" in response.get_data(as_text=True)
    assert db.scalar(select(func.count()).select_from(EmergentTopic)) == 0


def test_topic_text_is_escaped(login, db, people):
    submit(
        login(people.participant),
        f"/cohorts/{people.cohort.id}/topics",
        {"title": "<script>alert(1)</script>", "details": "<b>bold</b>"},
    )
    html = login(people.fellow).get(f"/cohorts/{people.cohort.id}/topics").get_data(as_text=True)
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;" in html


def test_one_vote_per_member_even_when_pressed_twice(login, db, people):
    topic = factories.make_topic(db, people.cohort, people.fellow)
    db.commit()
    browser = login(people.participant)
    first = press(browser, f"/topics/{topic.id}/vote")
    second = press(browser, f"/topics/{topic.id}/vote")
    assert first.status_code == second.status_code == 302
    assert _votes(db, topic) == 1
    assert "You had already voted" in browser.get(second.location).get_data(as_text=True)
    press(login(people.fellow), f"/topics/{topic.id}/vote")
    assert _votes(db, topic) == 2


def test_the_database_refuses_a_second_vote(db, people):
    topic = factories.make_topic(db, people.cohort)
    factories.make_vote(db, topic, people.participant)
    with pytest.raises(IntegrityError), db.begin_nested():
        db.add(TopicVote(topic_id=topic.id, user_id=people.participant.id))
        db.flush()


def test_vote_service_handles_a_race_gracefully(db, people):
    topic = factories.make_topic(db, people.cohort)
    assert topics.vote(db, topic, people.participant, utcnow()) is True
    assert topics.vote(db, topic, people.participant, utcnow()) is False
    assert _votes(db, topic) == 1


def test_withdraw_a_vote(login, db, people):
    topic = factories.make_topic(db, people.cohort)
    factories.make_vote(db, topic, people.participant)
    db.commit()
    browser = login(people.participant)
    page = text_of(browser.get(f"/cohorts/{people.cohort.id}/topics"))
    assert "1 vote including yours" in page
    assert "Withdraw your vote" in page
    press(browser, f"/topics/{topic.id}/unvote")
    assert _votes(db, topic) == 0


def test_tutors_and_admins_do_not_vote_and_see_no_vote_button(login, db, people):
    topic = factories.make_topic(db, people.cohort)
    db.commit()
    for person in (people.tutor, people.admin):
        browser = login(person)
        html = browser.get(f"/cohorts/{people.cohort.id}/topics").get_data(as_text=True)
        assert f"/topics/{topic.id}/vote" not in html
        assert press(browser, f"/topics/{topic.id}/vote").status_code == 403
    assert _votes(db, topic) == 0


def test_other_cohorts_neither_see_nor_vote(login, db, people):
    topic = factories.make_topic(db, people.cohort, title="Riverside only")
    theirs = factories.make_topic(db, people.other_cohort, title="Eastvale only")
    db.commit()
    browser = login(people.outsider)
    assert browser.get(f"/cohorts/{people.cohort.id}/topics").status_code == 404
    assert press(browser, f"/topics/{topic.id}/vote").status_code == 404
    own = browser.get(f"/cohorts/{people.other_cohort.id}/topics").get_data(as_text=True)
    assert "Eastvale only" in own and "Riverside only" not in own
    participant = login(people.participant)
    assert press(participant, f"/topics/{theirs.id}/vote").status_code == 404
    assert "Eastvale only" not in participant.get("/").get_data(as_text=True)


def test_tutor_takes_a_topic_into_a_session_and_out_again(login, db, people):
    topic = factories.make_topic(db, people.cohort, people.fellow, title="Frailty")
    meeting = factories.make_meeting(db, people.cohort, title="May session", status="published")
    db.commit()
    browser = login(people.tutor)
    response = press(browser, f"/topics/{topic.id}/take", {"meeting": meeting.id})
    assert response.status_code == 302
    db.refresh(topic)
    assert topic.status == "taken_up" and topic.meeting_id == meeting.id
    session = text_of(login(people.participant).get(f"/sessions/{meeting.id}"))
    assert "Frailty" in session and "proposed by Fay Fellow" in session
    # Voting closes once a topic is taken up.
    assert press(login(people.participant), f"/topics/{topic.id}/vote").status_code == 302
    assert _votes(db, topic) == 0
    press(browser, f"/topics/{topic.id}/release", {"return_to": f"plan-{meeting.id}"})
    db.refresh(topic)
    assert topic.status == "open" and topic.meeting_id is None


def test_topics_go_only_into_sessions_still_to_come_of_the_same_set(login, db, people):
    topic = factories.make_topic(db, people.cohort)
    past = factories.make_past_meeting(db, people.cohort)
    theirs = factories.make_meeting(db, people.other_cohort)
    db.commit()
    browser = login(people.tutor)
    press(browser, f"/topics/{topic.id}/take", {"meeting": past.id})
    press(browser, f"/topics/{topic.id}/take", {"meeting": theirs.id})
    db.refresh(topic)
    assert topic.status == "open"
    with pytest.raises(topics.TopicError, match="not happened yet"):
        topics.take_up(db, topic, past, people.tutor, utcnow())
    with pytest.raises(topics.TopicError, match="this learning set"):
        topics.take_up(db, topic, theirs, people.tutor, utcnow())


def test_close_with_a_reason_then_reopen(login, db, people):
    topic = factories.make_topic(db, people.cohort, title="Procurement law")
    db.commit()
    browser = login(people.tutor)
    assert "Close “Procurement law”?" in browser.get(f"/topics/{topic.id}/close").get_data(
        as_text=True
    )
    for blank in ("", "  \t "):
        empty = submit(browser, f"/topics/{topic.id}/close", {"reason": blank})
        assert empty.status_code == 422
        assert "Enter a short reason" in empty.get_data(as_text=True)
    db.refresh(topic)
    assert topic.status == "open"
    submit(browser, f"/topics/{topic.id}/close", {"reason": "Covered in the March session"})
    db.refresh(topic)
    assert topic.status == "closed"
    decided = text_of(
        login(people.participant).get(f"/cohorts/{people.cohort.id}/topics?show=decided")
    )
    assert "Covered in the March session" in decided
    assert press(login(people.participant), f"/topics/{topic.id}/vote").status_code == 302
    assert _votes(db, topic) == 0
    press(browser, f"/topics/{topic.id}/reopen")
    db.refresh(topic)
    assert topic.status == "open" and topic.closed_reason == ""


def test_open_topics_are_ordered_by_votes(login, db, people):
    few = factories.make_topic(db, people.cohort, title="Fewer votes")
    many = factories.make_topic(db, people.cohort, title="More votes")
    factories.make_vote(db, many, people.participant)
    factories.make_vote(db, many, people.fellow)
    factories.make_vote(db, few, people.fellow)
    db.commit()
    html = (
        login(people.participant).get(f"/cohorts/{people.cohort.id}/topics").get_data(as_text=True)
    )
    assert html.index("More votes") < html.index("Fewer votes")


def test_long_topic_lists_are_paginated(login, db, people):
    for number in range(25):
        factories.make_topic(db, people.cohort, title=f"Topic number {number:02d}")
    db.commit()
    browser = login(people.participant)
    first = browser.get(f"/cohorts/{people.cohort.id}/topics").get_data(as_text=True)
    second = browser.get(f"/cohorts/{people.cohort.id}/topics?page=2").get_data(as_text=True)
    heading = '<h3 class="nhsuk-heading-s nhsuk-u-margin-bottom-1">Topic number'
    assert first.count(heading) == 20
    assert second.count(heading) == 5
    assert "Pages of topics" in first


def test_removing_a_member_removes_their_votes_on_open_topics(db, people):
    open_topic = factories.make_topic(db, people.cohort)
    closed = factories.make_topic(db, people.cohort, status="closed")
    factories.make_vote(db, open_topic, people.fellow)
    factories.make_vote(db, closed, people.fellow)
    membership = cohort_services.membership_of(db, people.fellow.id, people.cohort.id)
    cohort_services.remove_member(db, membership, utcnow(), removed_by=people.tutor)
    assert _votes(db, open_topic) == 0
    assert _votes(db, closed) == 1


def test_taking_a_topic_into_a_draft_session_does_not_tell_the_set_its_title(login, db, people):
    draft = factories.make_meeting(db, people.cohort, title="Secret restructure")
    topic = factories.make_topic(db, people.cohort, people.fellow, title="Frailty")
    db.commit()
    assert (
        press(login(people.tutor), f"/topics/{topic.id}/take", {"meeting": draft.id}).status_code
        == 302
    )
    told = text_of(login(people.participant).get("/notifications"))
    assert "Tess Tutor took up a topic of Riverside set for a session still being planned" in told
    assert "Secret restructure" not in told


def test_a_draft_session_taking_up_a_topic_stays_hidden(login, db, people):
    draft = factories.make_meeting(db, people.cohort, title="Secret restructure")
    factories.make_topic(db, people.cohort, status="taken_up", meeting=draft, title="Frailty")
    db.commit()
    page = text_of(
        login(people.participant).get(f"/cohorts/{people.cohort.id}/topics?show=decided")
    )
    assert "Frailty" in page
    assert "For a session the tutor is still planning" in page
    assert "Secret restructure" not in page
    tutor = text_of(login(people.tutor).get(f"/cohorts/{people.cohort.id}/topics?show=decided"))
    assert "Secret restructure" in tutor
