"""A member edits or withdraws a topic they proposed, while the tutor has not yet decided on it."""

import re

import pytest
from sqlalchemy import func, select

from learnset.db import utcnow
from learnset.meetings import topics
from learnset.meetings.models import EmergentTopic, TopicVote
from tests import factories
from tests.helpers import csrf_from, press, submit, text_of


def _votes(db, topic_id):
    return db.scalar(select(func.count()).where(TopicVote.topic_id == topic_id))


def _exists(db, topic_id):
    db.expire_all()
    return db.get(EmergentTopic, topic_id) is not None


def _decided(db, people, status):
    if status == "taken_up":
        meeting = factories.make_meeting(db, people.cohort, title="May session")
        return factories.make_topic(
            db, people.cohort, people.participant, status=status, meeting=meeting
        )
    return factories.make_topic(
        db, people.cohort, people.participant, status=status, closed_reason="Covered in March"
    )


# --- Editing -------------------------------------------------------------------------------


def test_proposer_edits_their_open_topic_and_keeps_its_votes(login, db, people):
    topic = factories.make_topic(
        db, people.cohort, people.participant, title="Frailty", details="Winter"
    )
    factories.make_vote(db, topic, people.fellow)
    db.commit()
    browser = login(people.participant)
    form = text_of(browser.get(f"/topics/{topic.id}/edit"))
    assert "Edit your topic" in form
    assert 'value="Frailty"' in form and "Winter" in form
    response = submit(
        browser,
        f"/topics/{topic.id}/edit",
        {"title": "  Frailty at home  ", "details": "Ahead of the winter plan "},
    )
    assert response.status_code == 302
    assert response.location == f"/cohorts/{people.cohort.id}/topics"
    db.refresh(topic)
    assert (topic.title, topic.details, topic.status) == (
        "Frailty at home",
        "Ahead of the winter plan",
        "open",
    )
    assert _votes(db, topic.id) == 1
    page = text_of(browser.get(response.location))
    assert "Your topic “Frailty at home” has been saved." in page
    assert "1 vote." in page
    # Whoever voted for the old words can see it has been reworded.
    assert topic.edited_at is not None
    assert "Reworded on" in text_of(login(people.fellow).get(response.location))


def test_saving_the_same_words_is_not_a_rewording(login, db, people):
    topic = factories.make_topic(db, people.cohort, people.participant, title="Frailty")
    db.commit()
    browser = login(people.participant)
    submit(browser, f"/topics/{topic.id}/edit", {"title": " Frailty ", "details": topic.details})
    db.refresh(topic)
    assert topic.edited_at is None
    assert "Reworded on" not in text_of(browser.get(f"/cohorts/{people.cohort.id}/topics"))


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"title": ""}, "title", "Enter the topic you would like the set to explore"),
        ({"title": "   "}, "title", "Enter the topic you would like the set to explore"),
        ({"title": "x" * 161}, "title", "Topic must be 160 characters or fewer"),
        (
            {"title": "Fine", "details": "y" * 1001},
            "details",
            "This must be 1,000 characters or fewer",
        ),
    ],
)
def test_edit_gives_messages_beside_the_field_and_saves_nothing(
    login, db, people, data, field, message
):
    topic = factories.make_topic(db, people.cohort, people.participant, title="As proposed")
    db.commit()
    response = submit(login(people.participant), f"/topics/{topic.id}/edit", data)
    assert response.status_code == 422
    html = text_of(response, 422)
    assert "<title>Error: Edit your topic" in html
    # In the summary and again beside the field.
    assert html.count(message) == 2
    assert re.search(f'id="{field}-error" > <span[^>]*>Error: </span>{re.escape(message)}', html)
    db.refresh(topic)
    assert topic.title == "As proposed" and topic.details == ""


def test_blank_topics_are_refused_when_proposed_too(login, db, people):
    response = submit(
        login(people.participant), f"/cohorts/{people.cohort.id}/topics", {"title": "   "}
    )
    assert response.status_code == 422
    assert "Enter the topic you would like the set to explore" in text_of(response, 422)
    assert db.scalar(select(func.count()).select_from(EmergentTopic)) == 0


# --- Withdrawing ---------------------------------------------------------------------------


def test_proposer_withdraws_a_topic_with_its_votes_after_confirming(login, db, people):
    topic = factories.make_topic(db, people.cohort, people.participant, title="Procurement")
    other = factories.make_topic(db, people.cohort, people.fellow, title="Still here")
    factories.make_vote(db, topic, people.fellow)
    factories.make_vote(db, topic, people.participant)
    factories.make_vote(db, other, people.participant)
    db.commit()
    topic_id = topic.id
    browser = login(people.participant)
    confirm = text_of(browser.get(f"/topics/{topic_id}/withdraw"))
    assert "Withdraw “Procurement”?" in confirm
    assert "with its 2 votes" in confirm
    assert "Keep the topic" in confirm
    assert _exists(db, topic_id)  # Asking changes nothing.
    response = submit(browser, f"/topics/{topic_id}/withdraw", {})
    assert response.status_code == 302
    assert response.location == f"/cohorts/{people.cohort.id}/topics"
    assert not _exists(db, topic_id)
    assert _votes(db, topic_id) == 0
    assert _votes(db, other.id) == 1
    page = text_of(browser.get(response.location))
    assert "Your topic “Procurement” has been withdrawn." in page
    assert "Still here" in page


# --- Who may ---------------------------------------------------------------------------------


def test_only_the_proposer_sees_edit_and_withdraw(login, db, people):
    topic = factories.make_topic(db, people.cohort, people.participant)
    db.commit()
    links = (f"/topics/{topic.id}/edit", f"/topics/{topic.id}/withdraw")
    own = login(people.participant).get(f"/cohorts/{people.cohort.id}/topics")
    assert all(link in own.get_data(as_text=True) for link in links)
    for person in (people.fellow, people.tutor, people.admin):
        html = login(person).get(f"/cohorts/{people.cohort.id}/topics").get_data(as_text=True)
        assert not any(link in html for link in links), person.name


def test_other_members_tutors_and_admins_may_not_edit_or_withdraw(login, db, people):
    topic = factories.make_topic(db, people.cohort, people.participant, title="Mine")
    factories.make_vote(db, topic, people.fellow)
    db.commit()
    for person in (people.fellow, people.tutor, people.admin):
        browser = login(person)
        assert browser.get(f"/topics/{topic.id}/edit").status_code == 403
        assert browser.get(f"/topics/{topic.id}/withdraw").status_code == 403
        token = csrf_from(browser, "/calendar")
        edited = browser.post(
            f"/topics/{topic.id}/edit", data={"csrf_token": token, "title": "Theirs now"}
        )
        withdrawn = browser.post(f"/topics/{topic.id}/withdraw", data={"csrf_token": token})
        assert (edited.status_code, withdrawn.status_code) == (403, 403), person.name
    db.refresh(topic)
    assert topic.title == "Mine"
    assert _votes(db, topic.id) == 1


def test_other_cohorts_get_404(login, db, people):
    ours = factories.make_topic(db, people.cohort, people.participant)
    theirs = factories.make_topic(db, people.other_cohort, people.outsider, title="Eastvale")
    db.commit()
    refused = [
        (people.outsider, ours),
        (people.other_tutor, ours),
        (people.participant, theirs),
        (people.tutor, theirs),
    ]
    for person, topic in refused:
        browser = login(person)
        token = csrf_from(browser, "/calendar")
        for action in ("edit", "withdraw"):
            path = f"/topics/{topic.id}/{action}"
            assert browser.get(path).status_code == 404, (person.name, path)
            data = {"csrf_token": token, "title": "Changed"}
            assert browser.post(path, data=data).status_code == 404, (person.name, path)
    assert _exists(db, ours.id) and _exists(db, theirs.id)
    assert db.get(EmergentTopic, theirs.id).title == "Eastvale"


def test_a_member_who_left_can_no_longer_change_their_topic(db, people):
    from learnset import authz
    from learnset.cohorts import services as cohort_services

    topic = factories.make_topic(db, people.cohort, people.fellow)
    membership = cohort_services.membership_of(db, people.fellow.id, people.cohort.id)
    cohort_services.remove_member(db, membership, utcnow(), removed_by=people.tutor)
    db.refresh(people.fellow)
    assert not authz.can(people.fellow, "topic:edit", topic)
    assert not authz.can(people.fellow, "topic:withdraw", topic)


def test_posts_without_a_csrf_token_are_refused_and_change_nothing(login, db, people):
    topic = factories.make_topic(db, people.cohort, people.participant, title="Kept")
    db.commit()
    browser = login(people.participant)
    assert browser.post(f"/topics/{topic.id}/edit", data={"title": "Forged"}).status_code == 400
    assert browser.post(f"/topics/{topic.id}/withdraw").status_code == 400
    db.refresh(topic)
    assert topic.title == "Kept"


# --- Once the tutor has decided ------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "message"),
    [
        ("taken_up", "This topic has been taken into a session, so you can no longer"),
        ("closed", "This topic has been closed, so you can no longer"),
    ],
)
def test_a_decided_topic_cannot_be_edited_or_withdrawn(login, db, people, status, message):
    topic = _decided(db, people, status)
    db.commit()
    browser = login(people.participant)
    decided = f"/cohorts/{people.cohort.id}/topics?show=decided"
    listing = browser.get(decided).get_data(as_text=True)
    assert f"/topics/{topic.id}/edit" not in listing
    assert f"/topics/{topic.id}/withdraw" not in listing
    for action, doing in (("edit", "edit it"), ("withdraw", "withdraw it")):
        response = browser.get(f"/topics/{topic.id}/{action}")
        assert response.status_code == 302 and response.location == decided
        assert f"{message} {doing}" in text_of(browser.get(decided))
    # A page drawn while the topic was open, posted after the tutor decided.
    token = csrf_from(browser, "/calendar")
    edited = browser.post(
        f"/topics/{topic.id}/edit", data={"csrf_token": token, "title": "Too late"}
    )
    assert edited.status_code == 422
    assert f"{message} edit it" in text_of(edited, 422)
    withdrawn = browser.post(f"/topics/{topic.id}/withdraw", data={"csrf_token": token})
    assert withdrawn.status_code == 302
    assert f"{message} withdraw it" in text_of(browser.get(withdrawn.location))
    db.refresh(topic)
    assert topic.status == status and topic.title != "Too late"


def test_the_tutor_keeps_deciding_and_a_reopened_topic_is_editable_again(login, db, people):
    topic = factories.make_topic(db, people.cohort, people.participant, title="Frailty")
    db.commit()
    tutor = login(people.tutor)
    submit(tutor, f"/topics/{topic.id}/close", {"reason": "Covered in March"})
    db.refresh(topic)
    assert topic.status == "closed"
    proposer = login(people.participant)
    assert proposer.get(f"/topics/{topic.id}/edit").status_code == 302
    press(tutor, f"/topics/{topic.id}/reopen")
    db.refresh(topic)
    assert topic.status == "open"
    assert submit(proposer, f"/topics/{topic.id}/edit", {"title": "Frailty"}).status_code == 302


def test_services_refuse_decided_topics(db, people):
    meeting = factories.make_meeting(db, people.cohort)
    taken = factories.make_topic(db, people.cohort, people.participant)
    topics.take_up(db, taken, meeting, people.tutor, utcnow())
    closed = factories.make_topic(db, people.cohort, people.participant, status="closed")
    for topic in (taken, closed):
        with pytest.raises(topics.TopicError, match="no longer edit it"):
            topics.edit(db, topic, "New", "", utcnow())
        with pytest.raises(topics.TopicError, match="no longer withdraw it"):
            topics.withdraw(db, topic)
    assert db.scalar(select(func.count()).select_from(EmergentTopic)) == 2
    with pytest.raises(topics.TopicError, match="Enter the topic"):
        topics.edit(db, factories.make_topic(db, people.cohort), " ", "", utcnow())
