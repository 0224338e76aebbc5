"""The home page: a participant's next and previous sessions and topics; a tutor's planning."""

from datetime import UTC, datetime, timedelta

from learnset.db import utcnow
from tests import factories
from tests.helpers import press, text_of


def _programme(db, people):
    now = utcnow().replace(second=0, microsecond=0)
    previous = factories.make_meeting(
        db,
        people.cohort,
        title="Last month",
        status="published",
        starts_at=now - timedelta(days=28),
    )
    factories.add_item_to(
        db, previous, factories.make_content_item(db, title="What gets trapped", summary="Assets")
    )
    upcoming = factories.make_meeting(
        db,
        people.cohort,
        title="Next month",
        status="published",
        starts_at=datetime(2099, 7, 14, 12, 30, tzinfo=UTC),
        place="Room 2, Riverside House",
    )
    factories.add_item_to(
        db,
        upcoming,
        factories.make_content_item(
            db, title="The crisis lens and the unlocking lens", summary="Two ways of seeing"
        ),
        position=1,
    )
    draft = factories.make_meeting(
        db, people.cohort, title="A draft before it", starts_at=now + timedelta(days=2)
    )
    topic = factories.make_topic(db, people.cohort, people.fellow, title="Frailty at home")
    factories.make_meeting(db, people.other_cohort, title="Eastvale next", status="published")
    factories.make_topic(db, people.other_cohort, title="Eastvale topic")
    db.commit()
    return previous, upcoming, draft, topic


def test_participant_home_shows_next_and_previous_sessions_and_topics(login, db, people):
    _previous, _upcoming, _draft, topic = _programme(db, people)
    page = text_of(login(people.participant).get("/"))
    assert "Your next session" in page
    assert "Next month" in page
    assert "14 July 2099, 1:30pm to 4:30pm" in page  # BST: stored as 12:30 UTC
    assert "Room 2, Riverside House" in page
    assert "The crisis lens and the unlocking lens" in page and "Two ways of seeing" in page
    assert "From the last session" in page and "What gets trapped" in page
    assert "Frailty at home" in page
    assert f"/topics/{topic.id}/vote" in page
    for hidden in ("A draft before it", "Eastvale next", "Eastvale topic"):
        assert hidden not in page


def test_voting_from_home_comes_back_home(login, db, people):
    _, _, _, topic = _programme(db, people)
    browser = login(people.participant)
    response = press(browser, f"/topics/{topic.id}/vote", {"return_to": "home"}, page="/")
    assert response.location == "/"
    assert "Withdraw your vote" in browser.get("/").get_data(as_text=True)


def test_participant_home_before_anything_is_published(login, db, people):
    factories.make_meeting(db, people.cohort, title="Only a draft")
    db.commit()
    page = text_of(login(people.participant).get("/"))
    assert "The next session has not been published yet" in page
    assert "Only a draft" not in page
    assert "No topics are open" in page


def test_tutor_home_links_to_planning_the_next_session(login, db, people):
    _previous, _upcoming, draft, _topic = _programme(db, people)
    page = text_of(login(people.tutor).get("/"))
    assert "Riverside set: planning" in page
    assert "A draft before it" in page
    assert f"/sessions/{draft.id}/plan" in page
    assert "1 open topic proposed by the set" in page
    assert "Eastvale" not in page.split("Riverside set: planning")[1].split("</section>")[0]


def test_tutor_home_without_sessions_suggests_a_schedule(login, db, people):
    page = text_of(login(people.tutor).get("/"))
    assert f"/cohorts/{people.cohort.id}/schedule" in page


def test_someone_in_two_sets_sees_each_sets_name(login, db, people):
    factories.make_member(db, people.other_cohort, "participant", user=people.participant)
    db.commit()
    page = text_of(login(people.participant).get("/"))
    assert "<h2>Riverside set</h2>" in page and "<h2>Eastvale set</h2>" in page
    single = text_of(login(people.fellow).get("/"))
    assert "<h2>Riverside set</h2>" not in single
