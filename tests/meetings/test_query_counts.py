"""Pages load what they show in a fixed number of statements, however much there is."""

from datetime import timedelta

import pytest

from learnset.db import utcnow
from learnset.meetings import calendar
from tests import factories
from tests.apps import TEST_SECRET
from tests.helpers import statements_for


def _grow(db, people, sessions=3, items=1, members=1, topics=1):
    """More of everything in cohort A: sessions with items, slots, topics, votes, attendance.
    Sessions are a month apart from 45 days ago, so even the least has some past and one to
    come: a page that shows nothing of a kind may skip its query, and that is no N+1."""
    participants = factories.make_members(db, people.cohort, "participant", members)
    meetings = []
    for number in range(sessions):
        meeting = factories.make_meeting(
            db,
            people.cohort,
            status="published",
            starts_at=utcnow().replace(microsecond=0) + timedelta(days=number * 30 - 45),
        )
        for position in range(items):
            factories.add_item_to(db, meeting, factories.make_content_item(db), position)
        for participant in participants:
            factories.make_slot(db, meeting, participant)
            factories.make_attendance(db, meeting, participant, present=number % 2 == 0)
        meetings.append(meeting)
    for number in range(topics):
        topic = factories.make_topic(db, people.cohort, participants[0])
        for participant in participants:
            factories.make_vote(db, topic, participant)
        if number == 0:
            topic.status = "taken_up"
            topic.meeting = meetings[-1]
    db.commit()
    return meetings


PAGES = [
    ("tutor", "/cohorts/{cohort}"),
    ("participant", "/cohorts/{cohort}"),
    ("tutor", "/cohorts/{cohort}/sessions"),
    ("tutor", "/sessions/{session}"),
    ("participant", "/sessions/{session}"),
    ("tutor", "/sessions/{session}/plan"),
    ("tutor", "/sessions/{session}/library"),
    ("participant", "/cohorts/{cohort}/topics"),
    ("tutor", "/"),
    ("participant", "/"),
    ("admin", "/cohorts"),
    ("admin", "/cohorts/{cohort}/members"),
]


@pytest.mark.parametrize("role,page", PAGES, ids=[f"{role} {page}" for role, page in PAGES])
def test_page_costs_the_same_however_much_the_set_has(login, db, people, count_queries, role, page):
    """The cohort, session, plan, library, topics, home, cohort list and members pages."""

    def statements(meetings):
        path = page.format(cohort=people.cohort.id, session=meetings[-1].id)
        return statements_for(count_queries, login(people.by_role(role)), path)

    few = statements(_grow(db, people))
    many = statements(_grow(db, people, sessions=6, items=5, members=8, topics=7))
    assert few == many


def test_calendar_feed_is_constant(client, db, people, count_queries):
    feed = calendar.make_feed(db, people.participant, utcnow())
    db.commit()
    path = f"/calendar/{calendar.feed_token(feed, TEST_SECRET)}.ics"
    _grow(db, people)
    few = statements_for(count_queries, client, path)
    _grow(db, people, sessions=6, items=5, members=8, topics=7)
    assert statements_for(count_queries, client, path) == few
