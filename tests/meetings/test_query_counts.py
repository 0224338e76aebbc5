"""Pages load what they show in a fixed number of statements, however much there is."""

from datetime import timedelta

from learnset.db import utcnow
from tests import factories


def _statements(count_queries, browser, path):
    browser.get(path)  # warm up: the first request of a client loads its user
    with count_queries() as statements:
        response = browser.get(path)
    assert response.status_code == 200, path
    return len(statements)


def _grow(db, people, sessions=1, items=1, members=1, topics=1):
    """More of everything in cohort A: sessions with items, slots, topics, votes, attendance."""
    participants = [factories.make_member(db, people.cohort, "participant") for _ in range(members)]
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


def _compare(db, people, count_queries, who, path_for):
    small = _grow(db, people)
    browser_small = _statements(count_queries, who(), path_for(small))
    large = _grow(db, people, sessions=6, items=5, members=8, topics=7)
    browser_large = _statements(count_queries, who(), path_for(large))
    assert browser_small == browser_large


def test_cohort_page_is_constant(login, db, people, count_queries):
    for person in (people.tutor, people.participant):
        _compare(
            db,
            people,
            count_queries,
            lambda p=person: login(p),
            lambda m: f"/cohorts/{people.cohort.id}",
        )


def test_sessions_list_is_constant(login, db, people, count_queries):
    _compare(
        db,
        people,
        count_queries,
        lambda: login(people.tutor),
        lambda m: f"/cohorts/{people.cohort.id}/sessions",
    )


def test_session_page_is_constant(login, db, people, count_queries):
    for person in (people.tutor, people.participant):
        _compare(
            db, people, count_queries, lambda p=person: login(p), lambda m: f"/sessions/{m[-1].id}"
        )


def test_session_plan_and_library_are_constant(login, db, people, count_queries):
    for path in ("plan", "library"):
        _compare(
            db,
            people,
            count_queries,
            lambda: login(people.tutor),
            lambda m, path=path: f"/sessions/{m[-1].id}/{path}",
        )


def test_topics_page_is_constant(login, db, people, count_queries):
    _compare(
        db,
        people,
        count_queries,
        lambda: login(people.participant),
        lambda m: f"/cohorts/{people.cohort.id}/topics",
    )


def test_home_page_is_constant(login, db, people, count_queries):
    for person in (people.tutor, people.participant):
        _compare(db, people, count_queries, lambda p=person: login(p), lambda m: "/")


def test_cohort_list_and_members_are_constant(login, db, people, count_queries):
    for path in ("/cohorts", f"/cohorts/{people.cohort.id}/members"):
        _compare(db, people, count_queries, lambda: login(people.admin), lambda m, p=path: p)


def test_calendar_feed_is_constant(client, db, people, count_queries):
    from learnset.meetings import calendar

    feed = calendar.make_feed(db, people.participant, utcnow())
    db.commit()
    path = f"/calendar/{calendar.feed_token(feed, 'test-secret-key-not-for-production')}.ics"
    _compare(db, people, count_queries, lambda: client, lambda m: path)
